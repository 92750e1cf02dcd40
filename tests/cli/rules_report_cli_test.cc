// `clearance rules report --decisions DB --from DATE --to DATE` through the
// real binary: a decision database built here with the audit trail (decision
// records whose output_json lists fired rules as engine/screening writes
// them, an override and a cleared hit) gives the per-rule counts in the JSON
// report; without --decisions the report still says so.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engine/audit/audit_trail.h"
#include "tests/test_support.h"

namespace clearance {
namespace {

using audit::AuditRecord;
using audit::AuditTrail;
using audit::RecordKind;
using nlohmann::json;
using testing::RunClearance;
using testing::TempDir;

AuditRecord Decision(
    const std::string& created_at, const std::string& outcome,
    const std::vector<std::pair<std::string, std::string>>& fired) {
  json out = {{"kind", "account"},
              {"account_id", "acct-1"},
              {"outcome", outcome},
              {"fired", json::array()}};
  for (const auto& [id, rule_outcome] : fired) {
    out["fired"].push_back({{"id", id},
                            {"title", "t"},
                            {"outcome", rule_outcome},
                            {"basis", "REG"}});
  }
  AuditRecord r;
  r.kind = RecordKind::kDecision;
  r.created_at = created_at;
  r.actor = "test";
  r.subject = "acct-1";
  r.outcome = outcome;
  r.input_json = "{}";
  r.output_json = out.dump();
  return r;
}

AuditRecord Action(RecordKind kind, const std::string& decision_id,
                   const std::string& created_at) {
  AuditRecord r;
  r.kind = kind;
  r.created_at = created_at;
  r.actor = "reviewer:alice";
  r.subject = "acct-1";
  r.refers_to = decision_id;
  r.outcome = kind == RecordKind::kOverride ? "ALLOW" : "";
  r.reason = "false positive: different company";
  return r;
}

json Report(const std::string& args) {
  std::string out;
  EXPECT_EQ(RunClearance("rules report --as-of 2026-03-01 --format json " +
                             args + " 2>/dev/null",
                         &out),
            0)
      << out;
  const json j = json::parse(out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << out.substr(0, 2000);
  return j;
}

TEST(RulesReportCli, CountsFiredAndOverriddenPerRuleFromTheAuditTrail) {
  TempDir dir;
  const std::string db = dir.File("decisions.db");
  {
    auto trail = AuditTrail::Open(db);
    ASSERT_TRUE(trail.has_value()) << trail.error().message();
    auto d1 = (*trail)->Append(
        Decision("2026-01-10T09:00:00Z", "DENY",
                 {{"OFAC-SDN-DIRECT", "DENY"},
                  {"EAR-744.11-ENTITY-LIST", "LICENSE_REQUIRED"}}));
    ASSERT_TRUE(d1.has_value()) << d1.error().message();
    auto d2 = (*trail)->Append(Decision("2026-02-10T09:00:00Z", "DENY",
                                        {{"OFAC-SDN-DIRECT", "DENY"}}));
    ASSERT_TRUE(d2.has_value());
    auto d3 = (*trail)->Append(Decision("2026-02-11T09:00:00Z", "ALLOW", {}));
    ASSERT_TRUE(d3.has_value());
    // Outside the period.
    auto d4 = (*trail)->Append(Decision("2026-05-01T09:00:00Z", "DENY",
                                        {{"OFAC-SDN-DIRECT", "DENY"}}));
    ASSERT_TRUE(d4.has_value());
    // d1 overridden after the period ends: still counts.
    ASSERT_TRUE((*trail)
                    ->Append(Action(RecordKind::kOverride, d1->id,
                                    "2026-04-02T10:00:00Z"))
                    .has_value());
    ASSERT_TRUE((*trail)
                    ->Append(Action(RecordKind::kClearHit, d2->id,
                                    "2026-02-12T10:00:00Z"))
                    .has_value());
    ASSERT_TRUE((*trail)
                    ->Append(Action(RecordKind::kOverride, d4->id,
                                    "2026-05-02T10:00:00Z"))
                    .has_value());
  }

  const json j =
      Report("--decisions " + db + " --from 2026-01-01 --to 2026-03-31");
  const json& d = j["decisions"];
  EXPECT_EQ(d["available"], true);
  EXPECT_EQ(d["from"], "2026-01-01");
  EXPECT_EQ(d["to"], "2026-03-31");
  EXPECT_EQ(d["decisions"], 3);
  EXPECT_EQ(d["outcomes"]["DENY"], 2);
  EXPECT_EQ(d["outcomes"]["ALLOW"], 1);
  EXPECT_EQ(d["overridden"], 1);
  EXPECT_EQ(d["cleared"], 1);
  int checked = 0;
  for (const json& r : j["rules"]) {
    if (r["id"] == "OFAC-SDN-DIRECT") {
      EXPECT_EQ(r["decisions"]["fired"], 2);
      EXPECT_EQ(r["decisions"]["outcomes"]["DENY"], 2);
      EXPECT_EQ(r["decisions"]["overridden"], 1);
      EXPECT_EQ(r["decisions"]["cleared"], 1);
      ++checked;
    } else if (r["id"] == "EAR-744.11-ENTITY-LIST") {
      EXPECT_EQ(r["decisions"]["fired"], 1);
      EXPECT_EQ(r["decisions"]["outcomes"]["LICENSE_REQUIRED"], 1);
      EXPECT_EQ(r["decisions"]["overridden"], 1);
      ++checked;
    } else if (r["id"] == "OFAC-50PCT-AGGREGATE") {
      EXPECT_EQ(r["decisions"]["fired"], 0);
      ++checked;
    }
  }
  EXPECT_GE(checked, 3);
}

TEST(RulesReportCli, WithoutADatabaseTheReportSaysSo) {
  const json j = Report("");
  EXPECT_EQ(j["decisions"]["available"], false);
  EXPECT_EQ(j["decisions"]["note"], "no decision database given");
}

TEST(RulesReportCli, PeriodFlagsGoTogetherAndTheDatabaseMustExist) {
  TempDir dir;
  std::string out;
  EXPECT_NE(RunClearance("rules report --format json --decisions " +
                             dir.File("missing.db") +
                             " --from 2026-01-01 --to 2026-03-31",
                         &out),
            0);
  EXPECT_NE(out.find("no database at"), std::string::npos) << out;
  EXPECT_NE(RunClearance("rules report --format json --from 2026-01-01", &out),
            0);
  EXPECT_NE(out.find("--decisions DB is missing"), std::string::npos) << out;
}

}  // namespace
}  // namespace clearance
