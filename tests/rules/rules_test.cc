// Loading, validation, own-test execution, content hash and evaluation of
// rule sets (docs/rules.md), on the fixture set tests/testdata/rules/ and on
// broken copies of it.
#include "engine/rules/rules.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/test_support.h"

namespace clearance::rules {
namespace {

using testing::TempDir;
using testing::TestDataFile;
using testing::WriteFile;

std::string FixtureDir() { return TestDataFile("rules"); }

std::shared_ptr<const RuleSet> LoadFixture() {
  auto set = RuleSet::Load(FixtureDir());
  EXPECT_TRUE(set.has_value()) << (set ? "" : set.error().message());
  return set ? *set : nullptr;
}

Decision Evaluate(const RuleSet& set, const nlohmann::json& facts_json,
                  const std::string& date, AppliesTo kind) {
  auto facts = Facts::FromJson(facts_json);
  EXPECT_TRUE(facts.has_value()) << (facts ? "" : facts.error().message());
  auto d = set.Evaluate(*facts, *ParseDate(date), kind);
  EXPECT_TRUE(d.has_value()) << (d ? "" : d.error().message());
  return d ? *d : Decision();
}

const TraceEntry* TraceOf(const RuleSet& set, const Decision& d,
                          const std::string& id, TraceStatus status) {
  for (const TraceEntry& t : d.trace) {
    if (set.rules()[t.rule_index].id == id && t.status == status) return &t;
  }
  return nullptr;
}

// A fixture copy in a temp dir with one extra file.
class BrokenRuleSet {
 public:
  BrokenRuleSet(const std::string& name, const std::string& content) {
    for (const auto& e : std::filesystem::directory_iterator(FixtureDir())) {
      std::filesystem::copy_file(e.path(), dir_.path() / e.path().filename());
    }
    WriteFile(dir_.File(name), content);
  }
  std::string dir() const { return dir_.path().string(); }
  RuleSet::CheckResult Check() const { return RuleSet::Check(dir()); }

 private:
  TempDir dir_;
};

std::string OneRule(const std::string& fields) {
  return "{\"rules\": [\n  {\n    \"id\": \"TEST-RULE\",\n" + fields +
         "\n  }\n]}\n";
}

const char kGoodFields[] =
    "    \"title\": \"t\", \"summary\": \"s\",\n"
    "    \"citation\": {\"cfr\": \"15 CFR 744.11\"},\n"
    "    \"basis\": \"POLICY\", \"applies_to\": [\"REMOTE_SERVICE\"],\n"
    "    \"effective_from\": \"2025-01-01\", \"effective_to\": null,\n"
    "    \"outcome\": \"ESCALATE\", \"explanation\": \"x\",\n"
    "    \"tests\": [{\"name\": \"n\", \"as_of\": \"2026-01-01\", \"facts\": "
    "{}, \"expect\": \"NOT_FIRED\"}],\n";

TEST(RuleSet, LoadsTheFixtureAndRunsItsTests) {
  RuleSet::CheckResult r = RuleSet::Check(FixtureDir());
  for (const LoadIssue& i : r.issues) ADD_FAILURE() << i.ToString();
  ASSERT_TRUE(r.rules);
  EXPECT_EQ(r.rule_count, 7u);
  EXPECT_EQ(r.tests.size(), 18u);
  for (const TestResult& t : r.tests) EXPECT_TRUE(t.passed);
  EXPECT_EQ(r.hash.size(), 64u);
  EXPECT_EQ(r.rules->config().size(), 2u);
}

TEST(RuleSet, AffiliatesRuleAsOfThreeDates) {
  auto set = LoadFixture();
  ASSERT_TRUE(set);
  const nlohmann::json facts = {
      {"account", {{"legal_name", "Acme Compute Pte Ltd"}, {"country", "SG"}}},
      {"ownership", {{"aggregate", {{"BIS-EL", 55}, {"BIS-MEU", 0}}}}}};
  // B2.1: active.
  Decision d =
      Evaluate(*set, facts, "2025-10-15", AppliesTo::kHardwareTransfer);
  EXPECT_EQ(d.outcome, Outcome::kLicenseRequired);
  ASSERT_EQ(d.fired.size(), 1u);
  EXPECT_EQ(d.fired[0].id, "EAR-AFFILIATES-50PCT");
  EXPECT_NE(d.fired[0].explanation.find(
                "own 55% (Entity List) of Acme Compute Pte Ltd"),
            std::string::npos)
      << d.fired[0].explanation;
  EXPECT_NE(d.fired[0].citation.find("90 FR 47201 (FR Doc 2025-19001)"),
            std::string::npos);
  // B2.2: suspended -> escalate; the other versions show as not in force.
  d = Evaluate(*set, facts, "2026-03-01", AppliesTo::kHardwareTransfer);
  EXPECT_EQ(d.outcome, Outcome::kEscalate);
  const TraceEntry* expired =
      TraceOf(*set, d, "EAR-AFFILIATES-50PCT", TraceStatus::kNotInForce);
  ASSERT_NE(expired, nullptr);
  EXPECT_EQ(expired->reason, "no longer in force (to 2025-11-09)");
  // B2.3: reimposed per the dated configuration, which the decision shows.
  d = Evaluate(*set, facts, "2026-12-01", AppliesTo::kHardwareTransfer);
  EXPECT_EQ(d.outcome, Outcome::kLicenseRequired);
  ASSERT_EQ(d.fired.size(), 1u);
  ASSERT_EQ(d.fired[0].config.size(), 1u);
  EXPECT_EQ(d.fired[0].config[0].name, "affiliates_rule_after_2026_11_09");
  EXPECT_EQ(d.fired[0].config[0].value, "active");
  EXPECT_TRUE(d.fired[0].uncertain);
}

TEST(RuleSet, TraceListsEveryRuleWithItsStatus) {
  auto set = LoadFixture();
  ASSERT_TRUE(set);
  const nlohmann::json facts = {
      {"account",
       {{"legal_name", "Tehran Trading"},
        {"kyc_address_country", "IR"},
        {"country", "IR"}}},
      {"workload",
       {{"workload_type", "training"}, {"est_training_ops", 3e26}}}};
  Decision d = Evaluate(*set, facts, "2026-03-01", AppliesTo::kRemoteService);
  EXPECT_EQ(d.outcome, Outcome::kDeny);
  EXPECT_EQ(d.trace.size(), set->rules().size());
  EXPECT_NE(TraceOf(*set, d, "OFAC-EMBARGO-JURISDICTION", TraceStatus::kFired),
            nullptr);
  EXPECT_NE(TraceOf(*set, d, "OFAC-SDN-DIRECT", TraceStatus::kFalse), nullptr);
  EXPECT_NE(
      TraceOf(*set, d, "EAR-742.6-D5HQ-ADVCOMP", TraceStatus::kNotApplicable),
      nullptr);
  // The shadow (PROPOSED) rule fires but does not decide.
  EXPECT_NE(
      TraceOf(*set, d, "ICTS-IAAS-LARGE-AI-REPORT", TraceStatus::kShadowFired),
      nullptr);
  ASSERT_EQ(d.shadow.size(), 1u);
  EXPECT_EQ(d.shadow[0].outcome, Outcome::kReport);
  // Nothing fired -> ALLOW.
  d = Evaluate(*set, {{"account", {{"country", "FR"}}}}, "2026-03-01",
               AppliesTo::kRemoteService);
  EXPECT_EQ(d.outcome, Outcome::kAllow);
  EXPECT_TRUE(d.fired.empty());
  const auto json = DecisionToJson(*set, d);
  EXPECT_EQ(json["outcome"], "ALLOW");
  EXPECT_EQ(json["trace"].size(), set->rules().size());
}

TEST(RuleSet, PrecedenceDenyOverLicenceOverEscalate) {
  auto set = LoadFixture();
  ASSERT_TRUE(set);
  const nlohmann::json facts = {
      {"account", {{"hq_country", "CN"}, {"kyc_address_country", "CU"}}},
      {"workload", {{"eccn", "3A090.a"}}},
      {"ownership", {{"aggregate", {{"BIS-EL", 70}}}}}};
  Decision d =
      Evaluate(*set, facts, "2025-10-15", AppliesTo::kHardwareTransfer);
  EXPECT_EQ(d.outcome, Outcome::kDeny);
  EXPECT_EQ(d.fired.size(),
            3u);  // embargo DENY, D5HQ and affiliates LICENSE_REQUIRED
}

TEST(RuleSet, ContentHashIgnoresFormattingButNotContent) {
  const std::string original = RuleSet::Check(FixtureDir()).hash;
  TempDir dir;
  for (const auto& e : std::filesystem::directory_iterator(FixtureDir())) {
    nlohmann::json j =
        nlohmann::json::parse(testing::ReadFile(e.path().string()));
    WriteFile(dir.File(e.path().filename().string()),
              j.dump(7));  // re-indented
  }
  EXPECT_EQ(RuleSet::Check(dir.path().string()).hash, original);
  EXPECT_EQ(RuleSet::Check(FixtureDir()).hash, original);  // stable
  nlohmann::json config =
      nlohmann::json::parse(testing::ReadFile(dir.File("config.json")));
  config["config"]["affiliates_rule_after_2026_11_09"]["value"] = "suspended";
  WriteFile(dir.File("config.json"), config.dump(2));
  EXPECT_NE(RuleSet::Check(dir.path().string()).hash, original);
}

TEST(RuleSetErrors, SyntaxErrorInWhenNamesFileLineColumnAndRule) {
  BrokenRuleSet b(
      "zz_bad.json",
      OneRule(std::string(kGoodFields) +
              "    \"when\": \"account.country == 'CN' and and true\""));
  auto r = b.Check();
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_FALSE(r.rules);
  const LoadIssue& i = r.issues[0];
  EXPECT_EQ(i.file, "zz_bad.json");
  EXPECT_EQ(i.line, 10);
  // `    "when": "` is 13 characters; the second `and` is at 29 of the
  // expression.
  EXPECT_EQ(i.column, 14 + 28);
  EXPECT_EQ(i.rule_id, "TEST-RULE");
  EXPECT_EQ(i.ToString(),
            "zz_bad.json:10:42: rule TEST-RULE: in \"when\": expected a value, "
            "found keyword 'and'");
  auto loaded = RuleSet::Load(b.dir());
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().message().find("zz_bad.json:10:42"),
            std::string::npos);
}

TEST(RuleSetErrors, UnknownFact) {
  BrokenRuleSet b("zz_bad.json",
                  OneRule(std::string(kGoodFields) +
                          "    \"when\": \"account.headquarters == 'CN'\""));
  auto r = b.Check();
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].line, 10);
  EXPECT_EQ(r.issues[0].column, 14 + 8);
  EXPECT_NE(r.issues[0].message.find("unknown fact 'account.headquarters'"),
            std::string::npos)
      << r.issues[0].message;
}

TEST(RuleSetErrors, MissingCitation) {
  std::string fields = kGoodFields;
  fields.replace(fields.find("{\"cfr\": \"15 CFR 744.11\"}"), 24,
                 "{\"fr_doc\": \"2025-1\"}");
  BrokenRuleSet b("zz_bad.json", OneRule(fields + "    \"when\": \"true\""));
  auto r = b.Check();
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].file, "zz_bad.json");
  EXPECT_EQ(r.issues[0].line, 5);
  EXPECT_EQ(r.issues[0].rule_id, "TEST-RULE");
  EXPECT_NE(r.issues[0].message.find("missing citation"), std::string::npos);
}

TEST(RuleSetErrors, OverlappingContradictoryDates) {
  // A fourth Affiliates version overlapping the suspended one with another
  // outcome.
  std::string fields = kGoodFields;
  fields.replace(fields.find("\"ESCALATE\""), 10, "\"DENY\"");
  fields.replace(fields.find("\"2025-01-01\", \"effective_to\": null"), 34,
                 "\"2026-01-01\", \"effective_to\": \"2026-02-01\"");
  std::string text = OneRule(fields + "    \"when\": \"true\"");
  text.replace(text.find("TEST-RULE"), 9, "EAR-AFFILIATES-50PCT");
  BrokenRuleSet b("zz_bad.json", text);
  auto r = b.Check();
  ASSERT_EQ(r.issues.size(), 1u) << r.issues[0].ToString();
  EXPECT_EQ(r.issues[0].file, "zz_bad.json");
  EXPECT_EQ(r.issues[0].line, 2);
  EXPECT_EQ(r.issues[0].rule_id, "EAR-AFFILIATES-50PCT");
  EXPECT_NE(r.issues[0].message.find("overlapping contradictory dates"),
            std::string::npos)
      << r.issues[0].message;
  EXPECT_NE(r.issues[0].message.find("affiliates.json"), std::string::npos);
}

TEST(RuleSetErrors, InvalidJsonAndUnknownKeys) {
  BrokenRuleSet b("zz_bad.json", "{\"rules\": [\n  {\"id\": \"X\",}\n]}");
  auto r = b.Check();
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].line, 2);
  EXPECT_EQ(r.issues[0].column, 14);
  BrokenRuleSet c("zz_bad.json",
                  OneRule(std::string(kGoodFields) +
                          "    \"when\": \"true\", \"severity\": 3"));
  r = c.Check();
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_NE(r.issues[0].message.find("unknown field \"severity\""),
            std::string::npos);
}

TEST(RuleSetErrors, FailingOwnTestFailsTheLoad) {
  std::string fields = kGoodFields;
  fields.replace(fields.find("\"NOT_FIRED\""), 11, "\"ESCALATE\"");
  BrokenRuleSet b(
      "zz_bad.json",
      OneRule(fields + "    \"when\": \"account.country == 'CN'\""));
  auto r = b.Check();
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].ToString(),
            "zz_bad.json:2: rule TEST-RULE: test \"n\" (as of 2026-01-01, "
            "REMOTE_SERVICE) failed: "
            "expected ESCALATE, got NOT_FIRED");
  auto loaded = RuleSet::Load(b.dir());
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), ErrorCode::kFailedPrecondition);
}

TEST(RuleSetErrors, BadRegexAndUnknownFactInTestFacts) {
  BrokenRuleSet b(
      "zz_bad.json",
      OneRule(std::string(kGoodFields) +
              "    \"when\": \"matches(account.email_domain, '[a-')\""));
  auto r = b.Check();
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_NE(r.issues[0].message.find("invalid regular expression"),
            std::string::npos);
  std::string fields = kGoodFields;
  fields.replace(fields.find("\"facts\": {}"), 11,
                 "\"facts\": {\"account\": {\"hq\": \"CN\"}}");
  BrokenRuleSet c("zz_bad.json", OneRule(fields + "    \"when\": \"true\""));
  r = c.Check();
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_NE(r.issues[0].message.find("unknown field account.hq"),
            std::string::npos)
      << r.issues[0].message;
}

TEST(Facts, RejectUnknownAndMistypedFields) {
  EXPECT_FALSE(Facts::FromJson({{"acount", {{"country", "CN"}}}}).has_value());
  auto bad = Facts::FromJson({{"workload", {{"tpp", "high"}}}});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(),
            "facts: workload.tpp: expected a number, found string");
  auto nested =
      Facts::FromJson({{"ip_events", {{{"country", "CN"}, {"city", "x"}}}}});
  ASSERT_FALSE(nested.has_value());
  EXPECT_NE(nested.error().message().find("ip_events[0].city"),
            std::string::npos);
}

}  // namespace
}  // namespace clearance::rules
