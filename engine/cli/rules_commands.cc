// `clearance rules check` and `clearance rules eval`: validate and test a
// rule set, and evaluate one fact set printing the full trace
// (docs/rules.md, docs/cli.md). `rules report` lives in rules_report.cc.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "engine/cli/cli.h"
#include "engine/cli/output.h"
#include "engine/rules/rules.h"

#ifndef CLEARANCE_SOURCE_DIR
#define CLEARANCE_SOURCE_DIR "."
#endif

namespace clearance::cli {

// Defined by the rule report (engine/cli/rules_report.cc).
std::vector<Command> RulesReportCommands();

namespace {

using nlohmann::ordered_json;

std::string Dump(const ordered_json& j) {
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace);
}

// --rules DIR, else $CLEARANCE_RULES, else <source>/rules.
std::string DefaultRulesDir() {
  if (const char* env = std::getenv("CLEARANCE_RULES"); env && *env) return env;
  return std::string(CLEARANCE_SOURCE_DIR) + "/rules";
}

int RunCheck(const Args& args) {
  const std::string dir =
      args.positionals().empty() ? DefaultRulesDir() : args.positionals()[0];
  const rules::RuleSet::CheckResult r = rules::RuleSet::Check(dir);
  size_t passed = 0;
  for (const rules::TestResult& t : r.tests) passed += t.passed ? 1 : 0;
  if (args.Has("json")) {
    ordered_json j;
    j["directory"] = dir;
    j["ok"] = r.issues.empty();
    j["hash"] = r.hash;
    j["rules"] = r.rule_count;
    j["tests"] = r.tests.size();
    j["tests_passed"] = passed;
    j["issues"] = ordered_json::array();
    for (const rules::LoadIssue& i : r.issues) {
      j["issues"].push_back({{"file", i.file},
                             {"line", i.line},
                             {"column", i.column},
                             {"rule", i.rule_id},
                             {"message", i.message},
                             {"text", i.ToString()}});
    }
    std::printf("%s\n", Dump(j).c_str());
  } else {
    for (const rules::LoadIssue& i : r.issues) {
      std::fprintf(stderr, "%s\n", i.ToString().c_str());
    }
    if (r.issues.empty()) {
      std::printf("rules OK: %zu rules, %zu/%zu tests passed, hash %s\n",
                  r.rule_count, passed, r.tests.size(), r.hash.c_str());
    } else {
      std::fprintf(stderr, "clearance: error: %zu problem%s in %s\n",
                   r.issues.size(), r.issues.size() == 1 ? "" : "s",
                   dir.c_str());
    }
  }
  return r.issues.empty() ? kExitOk : kExitInput;
}

Result<nlohmann::json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kNotFound, "cannot open " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(buffer.str(), nullptr, false);
  if (j.is_discarded()) {
    return Fail(ErrorCode::kParse, path + ": not valid JSON");
  }
  return j;
}

int RunEval(const Args& args) {
  const std::string facts_path = args.GetOr("facts", "");
  auto facts_json = ReadJsonFile(facts_path);
  if (!facts_json) return ReportError(facts_json.error());
  auto facts = rules::Facts::FromJson(*facts_json);
  if (!facts) {  // bad input file: exit 3, not a usage error
    ReportError(facts.error());
    return kExitInput;
  }

  // --as-of, else the facts' decision.date, else today.
  std::string as_of_text;
  if (auto a = args.Get("as-of")) {
    as_of_text = *a;
  } else if (facts_json->contains("decision") &&
             (*facts_json)["decision"].is_object() &&
             (*facts_json)["decision"].contains("date") &&
             (*facts_json)["decision"]["date"].is_string()) {
    as_of_text = (*facts_json)["decision"]["date"].get<std::string>();
  } else {
    as_of_text = NowIso8601().substr(0, 10);
  }
  const auto as_of = rules::ParseDate(as_of_text);
  if (!as_of) {
    return ReportError(
        Error(ErrorCode::kInvalidArgument,
              "--as-of: '" + as_of_text + "' is not YYYY-MM-DD"));
  }
  // --applies-to, else request.applies_to, else from workload.deployment.
  std::string kind_text = "REMOTE_SERVICE";
  if (auto k = args.Get("applies-to")) {
    kind_text = *k;
  } else if (auto req = facts_json->value(
                 nlohmann::json::json_pointer("/request/applies_to"),
                 nlohmann::json());
             req.is_string()) {
    kind_text = req.get<std::string>();
  } else if (auto dep = facts_json->value(
                 nlohmann::json::json_pointer("/workload/deployment"),
                 nlohmann::json());
             dep.is_string() && dep.get<std::string>() != "REMOTE_SERVICE") {
    kind_text = "HARDWARE_TRANSFER";
  }
  const auto kind = rules::ParseAppliesTo(kind_text);
  if (!kind) {
    return ReportError(
        Error(ErrorCode::kInvalidArgument,
              "--applies-to: '" + kind_text +
                  "' is not REMOTE_SERVICE or HARDWARE_TRANSFER"));
  }
  const std::string dir = args.GetOr("rules", DefaultRulesDir());
  auto set = rules::RuleSet::Load(dir);
  if (!set) {
    ReportError(set.error());
    return kExitInput;
  }
  auto decision = (*set)->Evaluate(*facts, *as_of, *kind);
  if (!decision) return ReportError(decision.error());

  if (args.Has("json")) {
    std::printf("%s\n", Dump(rules::DecisionToJson(**set, *decision)).c_str());
    return kExitOk;
  }
  std::printf("decision: %s  (as of %s, %s, rule set %s)\n",
              std::string(rules::OutcomeName(decision->outcome)).c_str(),
              rules::FormatDate(decision->as_of).c_str(), kind_text.c_str(),
              decision->ruleset_hash.substr(0, 16).c_str());
  auto print_fired = [](const char* title,
                        const std::vector<rules::FiredRule>& fired) {
    if (fired.empty()) return;
    std::printf("\n%s:\n", title);
    for (const rules::FiredRule& f : fired) {
      std::printf("  %-16s %s [%s]%s\n",
                  std::string(rules::OutcomeName(f.outcome)).c_str(),
                  f.id.c_str(), std::string(rules::BasisName(f.basis)).c_str(),
                  f.uncertain ? " [U]" : "");
      std::printf("      %s\n", f.explanation.c_str());
      std::printf("      cites: %s\n", f.citation.c_str());
      for (const rules::ConfigUse& c : f.config) {
        std::printf("      config %s = %s%s\n", c.name.c_str(),
                    c.value.dump().c_str(), c.uncertain ? " [U]" : "");
      }
    }
  };
  print_fired("fired", decision->fired);
  print_fired("shadow (not enforced)", decision->shadow);
  std::printf("\ntrace:\n");
  Table table({"rule", "status", "outcome", "in force", "where"});
  for (const rules::TraceEntry& t : decision->trace) {
    const rules::Rule& r = (*set)->rules()[t.rule_index];
    std::string status(rules::TraceStatusName(t.status));
    if (!t.reason.empty()) status += ": " + std::string(t.reason);
    table.AddRow({r.id, status, std::string(rules::OutcomeName(r.outcome)),
                  rules::FormatDate(r.effective_from) + ".." +
                      (r.effective_to ? rules::FormatDate(*r.effective_to)
                                      : std::string("")),
                  r.file + ":" + std::to_string(r.line)});
  }
  std::fputs(table.Render().c_str(), stdout);
  return kExitOk;
}

}  // namespace

std::vector<Command> RulesCommands() {
  std::vector<Command> commands;
  commands.push_back(
      {{"rules check",
        "[DIR] [--json]",
        "validate a rule set and run every rule's own tests",
        "Loads every *.json file of DIR (default $CLEARANCE_RULES, else the\n"
        "rules/ folder of the source tree), validates each rule (fields,\n"
        "citation, dates, expression syntax, fact names, regexes, dated\n"
        "versions), runs every rule's test cases and prints the content hash.\n"
        "Each problem is printed as FILE:LINE:COL: rule ID: message.\n"
        "Exit 0 when all is well, 3 on any problem.",
        {{"json", "", "print a JSON report"}},
        0,
        1},
       RunCheck});
  commands.push_back(
      {{"rules eval",
        "--facts FILE.json [--as-of DATE] [--applies-to KIND] [--rules DIR] "
        "[--json]",
        "evaluate one fact set and print the decision and full trace",
        "Evaluates every rule of the rule set against the facts (see\n"
        "docs/rules.md, Fact model) as of DATE (default: the facts'\n"
        "decision.date, else today) for a request of KIND REMOTE_SERVICE or\n"
        "HARDWARE_TRANSFER (default: request.applies_to, else\n"
        "HARDWARE_TRANSFER when workload.deployment is a hardware kind).\n"
        "Prints the outcome, the fired rules with citation and explanation,\n"
        "and the trace of every rule considered.",
        {{"facts", "FILE", "fact set (JSON)"},
         {"as-of", "DATE", "decision date YYYY-MM-DD"},
         {"applies-to", "KIND", "REMOTE_SERVICE or HARDWARE_TRANSFER"},
         {"rules", "DIR", "rule set (default $CLEARANCE_RULES or rules/)"},
         {"json", "", "print JSON instead of text"}},
        0,
        0},
       [](const Args& args) {
         if (!args.Get("facts")) {
           std::fprintf(stderr,
                        "clearance: error: rules eval needs --facts FILE\n");
           return kExitUsage;
         }
         return RunEval(args);
       }});
  for (auto& c : RulesReportCommands()) commands.push_back(std::move(c));
  return commands;
}

}  // namespace clearance::cli
