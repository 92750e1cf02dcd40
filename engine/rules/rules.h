// engine/rules: declarative, cited, dated screening rules (docs/rules.md).
//
// A rule set is a directory of JSON files (rules/*.json). Loading validates
// every rule (keys, citation, dates, expression syntax, fact names against
// the fact model, regexes, dated versions of one id), compiles each `when`
// expression into a typed tree over interned fact slots, and runs every
// rule's own test cases; any failure fails the load. A loaded set is
// identified by a content hash.
//
// Usage:
//   auto rules = rules::RuleSet::Load("rules");            // Result<...>
//   if (!rules) ...rules.error().message()...              // all issues
//   auto facts = rules::Facts::FromJson(json_value);       // once per request
//   auto decision = (*rules)->Evaluate(*facts, *rules::ParseDate("2026-03-01"),
//                                      rules::AppliesTo::kHardwareTransfer);
//   decision->outcome; decision->fired; decision->trace;
//
// Thread safety: a loaded RuleSet and a Facts are immutable; Evaluate() is
// const and may run concurrently on many threads.
#ifndef CLEARANCE_ENGINE_RULES_RULES_H_
#define CLEARANCE_ENGINE_RULES_RULES_H_

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"

namespace clearance::rules {

// Days since 1970-01-01 (proleptic Gregorian).
using Date = std::int32_t;

// Parses "YYYY-MM-DD" (a real calendar date); nullopt otherwise.
std::optional<Date> ParseDate(std::string_view text);
// "YYYY-MM-DD".
std::string FormatDate(Date date);

// Highest first: DENY > LICENSE_REQUIRED > ESCALATE > REPORT > ALLOW.
// The numeric order is the precedence (larger wins).
enum class Outcome { kAllow = 0, kReport, kEscalate, kLicenseRequired, kDeny };
std::string_view OutcomeName(Outcome outcome);  // "LICENSE_REQUIRED"
std::optional<Outcome> ParseOutcome(std::string_view name);

enum class AppliesTo { kRemoteService, kHardwareTransfer };
std::string_view AppliesToName(AppliesTo kind);  // "REMOTE_SERVICE"
std::optional<AppliesTo> ParseAppliesTo(std::string_view name);

enum class Basis { kReg, kRegDormant, kProposed, kGuidance, kPolicy };
std::string_view BasisName(Basis basis);  // "REG-DORMANT"

struct Citation {
  std::string cfr;     // "31 CFR 501.603"
  std::string fr;      // "79 FR 47726"
  std::string fr_doc;  // "2014-19223"
  std::string other;   // "OFAC Revised Guidance, Aug 13 2014"
  std::string url;
  // "31 CFR 501.603; 79 FR 47726 (FR Doc 2014-19223); OFAC ..."
  std::string ToString() const;
};

struct RuleTest {
  std::string name;
  Date as_of = 0;
  AppliesTo applies_to = AppliesTo::kRemoteService;
  nlohmann::json facts;           // as written
  nlohmann::json config;          // overrides as written (object or null)
  std::optional<Outcome> expect;  // nullopt = NOT_FIRED
};

// One rule record (one dated version of an id), as written in its file.
struct Rule {
  std::string id;
  std::string title;
  std::string summary;
  Citation citation;
  Basis basis = Basis::kReg;
  std::vector<AppliesTo> applies_to;
  Date effective_from = 0;
  std::optional<Date> effective_to;  // inclusive; nullopt = open
  bool uncertain = false;
  std::string uncertain_note;
  bool shadow = false;  // "mode": "shadow": traced, never decides
  std::string when;     // the expression source
  Outcome outcome = Outcome::kAllow;
  std::string explanation;  // the template source
  std::vector<RuleTest> tests;
  std::vector<std::string> config_used;  // config names `when` reads, sorted
  std::string file;                      // base name, "ofac.json"
  int line = 0;                          // of the rule's opening brace
};

struct ConfigItem {
  std::string name;
  nlohmann::json value;
  bool uncertain = false;
  std::string note;
  std::string citation;
  std::string file;
  int line = 0;
};

// A problem found while loading: `FILE:LINE:COL: rule ID: message`.
struct LoadIssue {
  std::string file;  // base name; "" for directory-level problems
  int line = 0;      // 0 = unknown
  int column = 0;
  std::string rule_id;  // "" when not about one rule
  std::string message;
  std::string ToString() const;
};

struct TestResult {
  size_t rule_index = 0;            // into RuleSet::rules()
  size_t test_index = 0;            // into Rule::tests
  std::optional<Outcome> expected;  // nullopt = NOT_FIRED
  std::optional<Outcome> actual;    // nullopt = NOT_FIRED
  std::string error;                // evaluation error, if any
  bool passed = false;
};

// A fact set converted once into a flat table of values (see docs/rules.md
// section 3). Unknown field names and wrongly typed values are errors
// naming the JSON path. decision.date and request.applies_to are set by
// Evaluate() from its arguments.
class Facts {
 public:
  static Result<Facts> FromJson(const nlohmann::json& facts);
  Facts(Facts&&) noexcept;
  Facts& operator=(Facts&&) noexcept;
  ~Facts();

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit Facts(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

enum class TraceStatus {
  kNotInForce,     // as_of outside effective_from..effective_to
  kNotApplicable,  // request kind not in applies_to
  kFalse,          // `when` evaluated false
  kFired,          // `when` true, the rule takes part in the decision
  kShadowFired,    // `when` true for a shadow rule: reported, not decisive
};
std::string_view TraceStatusName(TraceStatus status);  // "NOT_IN_FORCE"

struct ConfigUse {
  std::string name;
  nlohmann::json value;
  bool uncertain = false;
};

struct TraceEntry {
  size_t rule_index = 0;  // into RuleSet::rules()
  TraceStatus status = TraceStatus::kFalse;
  // For kNotInForce: "not yet in force (from 2026-11-10)". Points into the
  // RuleSet, valid while it lives (like rule_index).
  std::string_view reason;
};

struct FiredRule {
  size_t rule_index = 0;
  std::string id;
  Outcome outcome = Outcome::kAllow;
  Basis basis = Basis::kReg;
  std::string citation;     // Citation::ToString()
  std::string explanation;  // rendered
  bool uncertain = false;   // the rule or a config value it read is [U]
  bool shadow = false;
  std::vector<ConfigUse> config;  // config values the rule read
};

struct Decision {
  Outcome outcome = Outcome::kAllow;  // of the enforced fired rules
  Date as_of = 0;
  AppliesTo applies_to = AppliesTo::kRemoteService;
  std::string ruleset_hash;
  std::vector<FiredRule> fired;   // enforced rules that fired, catalog order
  std::vector<FiredRule> shadow;  // shadow rules that fired
  std::vector<TraceEntry> trace;  // every rule, catalog order
};

class RuleSet {
 public:
  // Loads, validates, compiles and tests the rule set in `dir`. On failure
  // the error (kParse for syntax, kInvalidArgument for validation,
  // kFailedPrecondition for failing rule tests, kIo/kNotFound for the
  // directory) lists every issue, one per line.
  static Result<std::shared_ptr<const RuleSet>> Load(const std::string& dir);

  // Like Load, but always returns the issues and test results; `rules` is
  // null when there was any issue. For `clearance rules check`.
  struct CheckResult {
    std::shared_ptr<const RuleSet> rules;
    std::vector<LoadIssue> issues;
    std::vector<TestResult> tests;  // empty when compilation failed
    std::string hash;               // "" when files could not be read
    size_t rule_count = 0;
  };
  static CheckResult Check(const std::string& dir);

  ~RuleSet();

  // Evaluates every rule against `facts` as of `as_of` for a request of
  // kind `applies_to`. Error (kFailedPrecondition) on a run-time type error,
  // naming the rule: treat it as a hold.
  Result<Decision> Evaluate(const Facts& facts, Date as_of,
                            AppliesTo applies_to) const;

  // The outcome of rule `rule_index` alone (nullopt = not fired) with
  // optional config overrides {"NAME": value}; for tests and reports.
  Result<std::optional<Outcome>> EvaluateRule(
      size_t rule_index, const Facts& facts, Date as_of, AppliesTo applies_to,
      const nlohmann::json& config_overrides = nullptr) const;

  // sha256 hex over the canonical JSON of every file (docs/rules.md § 5).
  const std::string& hash() const;
  const std::vector<Rule>& rules() const;
  const std::vector<ConfigItem>& config() const;
  const std::vector<TestResult>& test_results() const;
  const std::string& directory() const;

  struct Impl;

 private:
  friend struct RuleSetAccess;
  explicit RuleSet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Decision as JSON (the shape of `clearance rules eval --json`).
nlohmann::ordered_json DecisionToJson(const RuleSet& rules,
                                      const Decision& decision);

}  // namespace clearance::rules

#endif  // CLEARANCE_ENGINE_RULES_RULES_H_
