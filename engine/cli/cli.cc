#include "engine/cli/cli.h"

#include <cstdio>
#include <cstdlib>
#include <map>

#include "engine/cli/output.h"

namespace clearance::cli {

const char* EngineVersion() { return "0.1.0"; }

std::string DatabasePath(const Args& args) {
  if (auto db = args.Get("db")) return *db;
  if (const char* env = std::getenv("CLEARANCE_DB"); env && *env) return env;
  return "clearance.db";
}

namespace {

std::vector<Command> AllCommands() {
  std::vector<Command> all;
  for (auto& c : ListsCommands()) all.push_back(std::move(c));
  for (auto& c : ScreenCommands()) all.push_back(std::move(c));
  for (auto& c : DecisionScreenCommands()) all.push_back(std::move(c));
  for (auto& c : BatchScreenCommands()) all.push_back(std::move(c));
  for (auto& c : OwnershipCommands()) all.push_back(std::move(c));
  for (auto& c : RulesCommands()) all.push_back(std::move(c));
  for (auto& c : DecisionsCommands()) all.push_back(std::move(c));
  for (auto& c : AttestCommands()) all.push_back(std::move(c));
  for (auto& c : ProbeCommands()) all.push_back(std::move(c));
  for (auto& c : LocationCommands()) all.push_back(std::move(c));
  return all;
}

std::string TopLevelHelp(const std::vector<Command>& commands) {
  std::string out =
      "usage: clearance COMMAND [SUBCOMMAND] [OPTIONS]\n\n"
      "Clearance screens cloud GPU customers against export-control and\n"
      "sanctions lists and records every decision.\n\ncommands:\n";
  for (const Command& c : commands) {
    std::string left = "  " + c.spec.path;
    if (left.size() < 24) left.resize(24, ' ');
    out += left + c.spec.summary + "\n";
  }
  out +=
      "\n'clearance COMMAND SUBCOMMAND --help' shows a command's options.\n"
      "The database is --db FILE, else $CLEARANCE_DB, else ./clearance.db.\n";
  return out;
}

}  // namespace

int RunCli(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  const std::vector<Command> commands = AllCommands();
  if (words.empty() || words[0] == "--help" || words[0] == "-h" ||
      words[0] == "help") {
    std::fputs(TopLevelHelp(commands).c_str(), stdout);
    return words.empty() ? kExitUsage : kExitOk;
  }
  if (words[0] == "--version" || words[0] == "version") {
    std::printf("clearance %s\n", EngineVersion());
    return kExitOk;
  }
  // Longest command path that prefixes the words wins ("lists import").
  const Command* match = nullptr;
  size_t used = 0;
  for (const Command& c : commands) {
    std::vector<std::string> path;
    for (size_t start = 0, end; start <= c.spec.path.size(); start = end + 1) {
      end = c.spec.path.find(' ', start);
      if (end == std::string::npos) end = c.spec.path.size();
      path.push_back(c.spec.path.substr(start, end - start));
    }
    if (path.size() > words.size() || path.size() <= used) continue;
    if (std::equal(path.begin(), path.end(), words.begin())) {
      match = &c;
      used = path.size();
    }
  }
  if (match == nullptr) {
    // A family name alone ("clearance lists") lists its subcommands.
    std::string family_help;
    for (const Command& c : commands) {
      if (c.spec.path.starts_with(words[0] + " ")) {
        std::string left = "  " + c.spec.path;
        if (left.size() < 24) left.resize(24, ' ');
        family_help += left + c.spec.summary + "\n";
      }
    }
    if (!family_help.empty()) {
      const bool asked =
          words.size() > 1 && (words[1] == "--help" || words[1] == "-h");
      std::fprintf(asked ? stdout : stderr,
                   "usage: clearance %s SUBCOMMAND [OPTIONS]\n\n%s",
                   words[0].c_str(), family_help.c_str());
      if (!asked && words.size() > 1) {
        std::fprintf(stderr, "\nclearance: error: unknown subcommand '%s %s'\n",
                     words[0].c_str(), words[1].c_str());
      }
      return asked ? kExitOk : kExitUsage;
    }
    std::fprintf(
        stderr,
        "clearance: error: unknown command '%s' (see 'clearance --help')\n",
        words[0].c_str());
    return kExitUsage;
  }
  std::vector<std::string> rest(words.begin() + static_cast<long>(used),
                                words.end());
  auto args = Args::Parse(match->spec, rest);
  if (!args) {
    std::fprintf(stderr, "clearance: error: %s\n",
                 args.error().message().c_str());
    return kExitUsage;
  }
  if (args->help()) {
    std::fputs(HelpText(match->spec).c_str(), stdout);
    return kExitOk;
  }
  return match->run(*args);
}

}  // namespace clearance::cli
