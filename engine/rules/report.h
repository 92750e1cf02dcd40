// engine/rules/report: the rule report for regulators (issue 5, item 5).
//
// Renders a loaded RuleSet as one standalone document: every rule record
// with its citation, basis, effective dates and whether it is in force on
// a given date, its condition in plain language, its test cases and their
// results, the configuration values (with their [U] flags) and the
// rule-set content hash. Three formats:
//   - HTML: one file, inline CSS, no external assets, a table of contents,
//     print CSS (page break per family, no dark backgrounds);
//   - Markdown: the same content for review in a repository;
//   - JSON: the same content for machines.
//
// Usage:
//   auto set = rules::RuleSet::Load("rules");
//   rules::ReportOptions options;
//   options.as_of = *rules::ParseDate("2026-03-01");
//   std::string html = rules::RenderRulesReport(**set, options,
//                                               rules::ReportFormat::kHtml);
//
// The plain-language condition comes from DescribeCondition(), which parses
// the rule's `when` text with the grammar of docs/rules.md § 2 and renders
// it with a phrase table for fact paths, operators and functions (the
// compiled tree of engine/rules is internal and keeps no names). A text it
// cannot parse is shown verbatim, never dropped.
//
// Decision statistics (`--decisions DB --from DATE --to DATE`): the caller
// streams the audit trail's records into a DecisionStatsBuilder (this module
// does not read databases) and passes the result in ReportOptions; each rule
// then shows how often it fired in the period, the outcomes it produced, and
// how many of those decisions were later overridden or had a hit cleared.
//
// Thread safety: pure functions of their arguments; a DecisionStatsBuilder
// is used by one thread.
#ifndef CLEARANCE_ENGINE_RULES_REPORT_H_
#define CLEARANCE_ENGINE_RULES_REPORT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/rules/rules.h"

namespace clearance::rules {

enum class ReportFormat { kHtml, kMarkdown, kJson };
// "html", "md" (or "markdown"), "json"; nullopt otherwise.
std::optional<ReportFormat> ParseReportFormat(std::string_view name);

// How often one rule fired in the decisions of the period.
struct RuleFiringStats {
  std::int64_t fired = 0;  // decisions in which the rule fired
  // Outcome the rule produced ("DENY", ...) -> count.
  std::map<std::string, std::int64_t, std::less<>> outcomes;
  std::int64_t overridden = 0;  // of `fired`, decisions later overridden
  std::int64_t cleared = 0;     // of `fired`, decisions with a hit cleared
};

// Statistics over the decisions created within [from, to] (inclusive, by
// the date of created_at). Reviewer actions count whenever they were taken
// (a decision of the period overridden after `to` is still "overridden");
// a decision overridden twice counts once.
struct DecisionStatistics {
  std::string database;  // shown as the source, e.g. the DB path
  Date from = 0;
  Date to = 0;
  std::int64_t decisions = 0;
  // Decision outcome as recorded -> count.
  std::map<std::string, std::int64_t, std::less<>> outcomes;
  std::int64_t overridden = 0;
  std::int64_t cleared = 0;
  // Decisions whose output_json did not parse or had no "fired" array:
  // counted in `decisions` and `outcomes`, not per rule.
  std::int64_t unreadable = 0;
  // Rule id -> counts; rules that never fired are absent.
  std::map<std::string, RuleFiringStats, std::less<>> rules;
};

// Accumulates DecisionStatistics from audit records in any order.
//
//   DecisionStatsBuilder b(from, to);
//   trail.ForEach([&](const AuditRecord& r) {
//     if (r.kind == kDecision) b.AddDecision(r.id, r.created_at, r.outcome,
//                                            r.output_json);
//     else if (r.kind == kOverride) b.AddOverride(r.refers_to);
//     else if (r.kind == kClearHit) b.AddClearedHit(r.refers_to);
//     return true; });
//   options.decisions = std::move(b).Finish();
//
// The decision JSON is engine/screening's Decision::ToJson: the rule ids
// are read from "fired": [{"id": ..., "outcome": ...}, ...]. Memory: the
// fired rule ids of every decision of the period.
class DecisionStatsBuilder {
 public:
  DecisionStatsBuilder(Date from, Date to);
  // A decision record; ignored unless created_at (ISO 8601, "YYYY-MM-DD..."
  // first) falls within [from, to].
  void AddDecision(std::string_view id, std::string_view created_at,
                   std::string_view outcome, std::string_view output_json);
  // A reviewer action referring to decision `decision_id`; ignored unless
  // that decision is (or will be) added and within the period.
  void AddOverride(std::string_view decision_id);
  void AddClearedHit(std::string_view decision_id);
  DecisionStatistics Finish() &&;

 private:
  struct Counted {
    std::vector<std::pair<std::string, std::string>> fired;  // id, outcome
    std::string outcome;
    bool readable = true;
  };
  Date from_, to_;
  std::map<std::string, Counted, std::less<>> decisions_;
  std::set<std::string, std::less<>> overridden_, cleared_;
};

struct ReportOptions {
  // The date for "in force as of". Required (no default clock: callers
  // inject today's date so reports are reproducible).
  Date as_of = 0;
  // Free text shown in the header, e.g. "clearance 0.1.0"; "" = omitted.
  std::string generator;
  // Shown in place of fired/overridden counts when `decisions` is unset.
  std::string decisions_note = "no decision database given";
  // Fired/overridden counts per rule; nullopt = no database (the report
  // shows `decisions_note`).
  std::optional<DecisionStatistics> decisions;
};

// A condition in plain language, as a tree: a leaf is one sentence; an
// inner node joins its children with `joiner` ("all of the following",
// "any of the following", "none of the following").
struct PlainCondition {
  std::string text;  // leaf sentence, or the heading of an inner node
  std::vector<PlainCondition> children;
  bool parsed = true;  // false: `text` is the raw expression
};

// Config values known to the renderer, shown next to `config.NAME`.
using ConfigValues = std::map<std::string, std::string, std::less<>>;

PlainCondition DescribeCondition(std::string_view expression,
                                 const ConfigValues& config = {});
// The tree flattened into one sentence (for JSON and short listings).
std::string FlattenCondition(const PlainCondition& condition);

// Whether `rule` is in force on `date` (effective_from <= date <=
// effective_to).
bool InForce(const Rule& rule, Date date);

// The report. Test results are those RuleSet::Load ran (every rule's tests
// are run at every load).
std::string RenderRulesReport(const RuleSet& rules,
                              const ReportOptions& options,
                              ReportFormat format);

}  // namespace clearance::rules

#endif  // CLEARANCE_ENGINE_RULES_REPORT_H_
