// `clearance rules report` (issue 5, item 5): the rule report for
// regulators. The rendering lives in engine/rules/report.h so that tests can
// reach it; this file parses the command line, loads the rule set and
// writes the document.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "engine/cli/cli.h"
#include "engine/cli/output.h"
#include "engine/rules/report.h"
#include "engine/rules/rules.h"

#ifndef CLEARANCE_SOURCE_DIR
#define CLEARANCE_SOURCE_DIR "."
#endif

namespace clearance::cli {

namespace {

std::string ReportRulesDir(const Args& args) {
  if (auto dir = args.Get("rules")) return *dir;
  if (const char* env = std::getenv("CLEARANCE_RULES"); env && *env) return env;
  return std::string(CLEARANCE_SOURCE_DIR) + "/rules";
}

int RunReport(const Args& args) {
  const std::string format_text = args.GetOr("format", "html");
  const auto format = rules::ParseReportFormat(format_text);
  if (!format) {
    return ReportError(
        Error(ErrorCode::kInvalidArgument,
              "--format: '" + format_text + "' is not html, md or json"));
  }
  const std::string as_of_text =
      args.GetOr("as-of", NowIso8601().substr(0, 10));
  const auto as_of = rules::ParseDate(as_of_text);
  if (!as_of) {
    return ReportError(
        Error(ErrorCode::kInvalidArgument,
              "--as-of: '" + as_of_text + "' is not YYYY-MM-DD"));
  }

  rules::ReportOptions options;
  options.as_of = *as_of;
  options.generator = std::string("clearance ") + EngineVersion();
  if (args.Has("decisions") || args.Has("from") || args.Has("to")) {
    // The decision store arrives with a later issue; until then the report
    // says so instead of inventing counts.
    options.decisions_note =
        "no decision database given (the decision store is not available in "
        "this build; --decisions " +
        args.GetOr("decisions", "") + " was not read)";
    std::fprintf(
        stderr,
        "clearance: note: no decision database given: fired/overridden "
        "counts are not available in this build\n");
  }

  auto set = rules::RuleSet::Load(ReportRulesDir(args));
  if (!set) return ReportError(set.error());
  const std::string text = rules::RenderRulesReport(**set, options, *format);

  if (auto out = args.Get("out")) {
    std::ofstream file(*out, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    if (!file) {
      return ReportError(Error(ErrorCode::kIo, "cannot write " + *out));
    }
    std::fprintf(stderr, "wrote %s (%zu bytes, rule set %s)\n", out->c_str(),
                 text.size(), (*set)->hash().substr(0, 16).c_str());
    return kExitOk;
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace

std::vector<Command> RulesReportCommands() {
  std::vector<Command> commands;
  commands.push_back(
      {{"rules report",
        "[--rules DIR] [--as-of DATE] [--format html|md|json] [--out FILE] "
        "[--decisions DB --from DATE --to DATE]",
        "the rule report for regulators",
        "Loads the rule set (running every rule's tests) and writes every "
        "rule\n"
        "with its citation, basis, effective dates and whether it is in force\n"
        "on --as-of (default today), its condition in plain language, its\n"
        "test cases and their results, the configuration values with their\n"
        "[U] flags, and the rule-set content hash.\n"
        "\n"
        "--format html (default) writes one standalone file (inline CSS, a\n"
        "table of contents, print layout with a page per rule family); md\n"
        "writes Markdown; json the same content for machines. --out FILE\n"
        "writes to FILE instead of standard output.\n"
        "\n"
        "--decisions DB --from DATE --to DATE will add how often each rule\n"
        "fired and how many of those decisions were overridden once the\n"
        "decision store exists; until then the report says \"no decision\n"
        "database given\".",
        {{"rules", "DIR",
          "rule set directory (default $CLEARANCE_RULES, else rules/)"},
         {"as-of", "DATE", "date for 'in force' (YYYY-MM-DD, default today)"},
         {"format", "FORMAT", "html (default), md or json"},
         {"out", "FILE", "write the report to FILE"},
         {"decisions", "DB", "decision database (later issue)"},
         {"from", "DATE", "start of the statistics period"},
         {"to", "DATE", "end of the statistics period"}},
        0,
        0},
       RunReport});
  return commands;
}

}  // namespace clearance::cli
