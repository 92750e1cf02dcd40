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
// Thread safety: pure functions of their arguments.
#ifndef CLEARANCE_ENGINE_RULES_REPORT_H_
#define CLEARANCE_ENGINE_RULES_REPORT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/rules/rules.h"

namespace clearance::rules {

enum class ReportFormat { kHtml, kMarkdown, kJson };
// "html", "md" (or "markdown"), "json"; nullopt otherwise.
std::optional<ReportFormat> ParseReportFormat(std::string_view name);

struct ReportOptions {
  // The date for "in force as of". Required (no default clock: callers
  // inject today's date so reports are reproducible).
  Date as_of = 0;
  // Free text shown in the header, e.g. "clearance 0.1.0"; "" = omitted.
  std::string generator;
  // Shown in place of fired/overridden counts. Default: no database.
  std::string decisions_note = "no decision database given";
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
