// `clearance rules report` (issue 5, item 5): the rule report for
// regulators. The rendering lives in engine/rules/report.h so that tests can
// reach it; this file parses the command line, loads the rule set and
// writes the document.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/audit/audit_trail.h"
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

Result<rules::Date> PeriodDate(const Args& args, const char* flag) {
  const auto text = args.Get(flag);
  if (!text || text->empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "--decisions, --from and --to go together: --" +
                    std::string(flag) + " DATE is missing");
  }
  const auto date = rules::ParseDate(*text);
  if (!date) {
    return Fail(ErrorCode::kInvalidArgument, "--" + std::string(flag) + ": '" +
                                                 *text + "' is not YYYY-MM-DD");
  }
  return *date;
}

// One pass over the audit trail: decisions created in [--from, --to] and
// the overrides and cleared hits that refer to them.
Result<rules::DecisionStatistics> ReadDecisionStatistics(const Args& args) {
  const auto db = args.Get("decisions");
  if (!db || db->empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "--decisions, --from and --to go together: --decisions DB is "
                "missing");
  }
  auto from = PeriodDate(args, "from");
  if (!from) return std::unexpected(from.error());
  auto to = PeriodDate(args, "to");
  if (!to) return std::unexpected(to.error());
  if (*to < *from) {
    return Fail(ErrorCode::kInvalidArgument, "--to " + rules::FormatDate(*to) +
                                                 " is before --from " +
                                                 rules::FormatDate(*from));
  }
  // Opening creates a missing database; a report must not.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(*db, ec)) {
    return Fail(ErrorCode::kNotFound, "--decisions: no database at " + *db);
  }
  auto trail = audit::AuditTrail::Open(*db);
  if (!trail) return std::unexpected(trail.error());
  rules::DecisionStatsBuilder builder(*from, *to);
  auto walked = (*trail)->ForEach([&](const audit::AuditRecord& r) {
    switch (r.kind) {
      case audit::RecordKind::kDecision:
        builder.AddDecision(r.id, r.created_at, r.outcome, r.output_json);
        break;
      case audit::RecordKind::kOverride:
        builder.AddOverride(r.refers_to);
        break;
      case audit::RecordKind::kClearHit:
        builder.AddClearedHit(r.refers_to);
        break;
      default:
        break;
    }
    return true;
  });
  if (!walked) return std::unexpected(walked.error());
  rules::DecisionStatistics stats = std::move(builder).Finish();
  stats.database = *db;
  return stats;
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
    auto stats = ReadDecisionStatistics(args);
    if (!stats) return ReportError(stats.error());
    options.decisions = std::move(*stats);
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
        "--decisions DB --from DATE --to DATE adds, from the audit trail in\n"
        "DB, how often each rule fired in the decisions created in that\n"
        "period (inclusive), the outcomes it produced, and how many of those\n"
        "decisions were later overridden or had a hit cleared, plus the\n"
        "decision totals per outcome. Without --decisions the report says\n"
        "\"no decision database given\".",
        {{"rules", "DIR",
          "rule set directory (default $CLEARANCE_RULES, else rules/)"},
         {"as-of", "DATE", "date for 'in force' (YYYY-MM-DD, default today)"},
         {"format", "FORMAT", "html (default), md or json"},
         {"out", "FILE", "write the report to FILE"},
         {"decisions", "DB", "database holding the audit trail (decisions)"},
         {"from", "DATE", "start of the statistics period"},
         {"to", "DATE", "end of the statistics period"}},
        0,
        0},
       RunReport});
  return commands;
}

}  // namespace clearance::cli
