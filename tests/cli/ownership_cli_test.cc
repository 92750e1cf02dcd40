// End-to-end tests of `clearance ownership ...` through the real binary:
// the regulations.md A2/B2/C2 scenarios from a provider CSV, bad input, and
// the real SDN's multi-level ownership chains.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/test_support.h"

namespace clearance {
namespace {

using nlohmann::json;
using testing::ReadFile;
using testing::RunClearance;
using testing::TempDir;
using testing::TestDataFile;

const std::string kScenarios = TestDataFile("ownership/scenarios.csv");

std::string Db(const TempDir& dir) { return "--db " + dir.File("t.db") + " "; }

json RunJson(const std::string& args, int expected_code = 0) {
  std::string out;
  const int code = RunClearance(args + " --json 2>/dev/null", &out);
  EXPECT_EQ(code, expected_code) << args << "\n" << out;
  const json parsed = json::parse(out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << out;
  return parsed;
}

json Explain(const TempDir& dir, const std::string& entity,
             const std::string& date) {
  return RunJson("ownership explain " + Db(dir) + entity + " --as-of " + date);
}

TEST(OwnershipCli, EveryCommandHasHelp) {
  for (const char* command :
       {"ownership import", "ownership explain", "ownership scan"}) {
    std::string out;
    EXPECT_EQ(RunClearance(std::string(command) + " --help", &out), 0);
    EXPECT_NE(out.find("usage: clearance " + std::string(command)),
              std::string::npos)
        << out;
  }
  std::string out;
  EXPECT_EQ(RunClearance("ownership import", &out), 2);
  EXPECT_NE(out.find("needs FILE... or --from-lists"), std::string::npos);
}

class OwnershipScenarios : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string out;
    ASSERT_EQ(RunClearance("ownership import " + Db(dir_) + kScenarios, &out),
              0)
        << out;
    // Not verified against a list store (none imported), and said so.
    EXPECT_NE(out.find("not in the list store"), std::string::npos) << out;
  }
  TempDir dir_;
};

TEST_F(OwnershipScenarios, ReimportIsANoOp) {
  const std::string before = ReadFile(dir_.File("t.db"));
  json again = RunJson("ownership import " + Db(dir_) + kScenarios);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0]["already_imported"].get<bool>());
  EXPECT_EQ(ReadFile(dir_.File("t.db")), before);
}

// A2 test 1: SDN-X 25% + SDN-Y 25% -> 50% aggregate -> blocked (DENY).
TEST_F(OwnershipScenarios, A2AggregateOfTwoQuarterOwnersIsBlocked) {
  json j = Explain(dir_, "acct:CUST-AGG", "2026-03-01");
  EXPECT_DOUBLE_EQ(j["ofac_50_percent_rule"]["share"].get<double>(), 50.0);
  EXPECT_TRUE(
      j["ofac_50_percent_rule"]["outcome"].get<std::string>().starts_with(
          "blocked"));
  EXPECT_EQ(j["ofac_50_percent_rule"]["paths"].size(), 2u);
}

// A2 test 2: SDN-X 60% of HoldCo, HoldCo 55% of Customer -> blocked by chain.
TEST_F(OwnershipScenarios, A2ChainSixtyTimesFiftyFiveIsBlocked) {
  json j = Explain(dir_, "acct:CUST-CHAIN", "2026-03-01");
  EXPECT_TRUE(j["ofac_50_percent_rule"]["blocked"].get<bool>());
  EXPECT_TRUE(
      j["ofac_50_percent_rule"]["outcome"].get<std::string>().starts_with(
          "blocked"));
  // The tree shows the chain down to the listed owner.
  ASSERT_EQ(j["owners"].size(), 1u);
  EXPECT_EQ(j["owners"][0]["id"], "acct:HOLDCO");
  EXPECT_EQ(j["owners"][0]["percent"], 55.0);
  ASSERT_EQ(j["owners"][0]["owners"].size(), 1u);
  EXPECT_EQ(j["owners"][0]["owners"][0]["id"], "OFAC-SDN:SDN-X");
  EXPECT_EQ(j["owners"][0]["owners"][0]["listed"][0], "OFAC-SDN:SDN-X");
  std::string text;
  ASSERT_EQ(RunClearance("ownership explain " + Db(dir_) +
                             "acct:CUST-CHAIN --as-of 2026-03-01",
                         &text),
            0);
  EXPECT_NE(text.find("OFAC-SDN:SDN-X"), std::string::npos) << text;
  EXPECT_NE(text.find("LISTED"), std::string::npos) << text;
}

// A2 test 3: SDN-X 30% and an SDN officer with control -> escalate, not
// blocked.
TEST_F(OwnershipScenarios, A2ThirtyPercentPlusSdnOfficerEscalates) {
  json j = Explain(dir_, "acct:CUST-CEO", "2026-03-01");
  const auto& ofac = j["ofac_50_percent_rule"];
  EXPECT_FALSE(ofac["blocked"].get<bool>());
  EXPECT_DOUBLE_EQ(ofac["share"].get<double>(), 30.0);
  EXPECT_TRUE(ofac["outcome"].get<std::string>().starts_with("escalate"));
  EXPECT_FALSE(ofac["controlled_by"].empty());
}

// B2: EL parent 60% of a Singapore customer on three dates.
TEST_F(OwnershipScenarios, B2AffiliatesRuleOnThreeDates) {
  json active = Explain(dir_, "acct:SG-CUST", "2025-10-15");
  EXPECT_EQ(active["bis_affiliates_rule"]["rule_status"], "active");
  EXPECT_TRUE(
      active["bis_affiliates_rule"]["outcome"].get<std::string>().starts_with(
          "license required"));
  json suspended = Explain(dir_, "acct:SG-CUST", "2026-03-01");
  EXPECT_EQ(suspended["bis_affiliates_rule"]["rule_status"], "suspended");
  EXPECT_TRUE(suspended["bis_affiliates_rule"]["outcome"]
                  .get<std::string>()
                  .starts_with("escalate"));
  // B2 test 3: EL-A 30% + EL-B 25% on 2026-12-01, rule reimposed (the
  // configured default): license required; the config used is shown.
  json later = Explain(dir_, "acct:SG-JV", "2026-12-01");
  EXPECT_DOUBLE_EQ(later["bis_affiliates_rule"]["share"].get<double>(), 55.0);
  EXPECT_EQ(later["bis_affiliates_rule"]["after_suspension_config"], "active");
  EXPECT_TRUE(
      later["bis_affiliates_rule"]["outcome"].get<std::string>().starts_with(
          "license required"));
  json unknown = RunJson("ownership explain " + Db(dir_) +
                         "acct:SG-JV --as-of 2026-12-01 --affiliates-after "
                         "unknown");
  EXPECT_TRUE(
      unknown["bis_affiliates_rule"]["outcome"].get<std::string>().starts_with(
          "escalate"));
}

// C2: ultimate parent's headquarters in D:5 (China) vs Japan.
TEST_F(OwnershipScenarios, C2UltimateParentHeadquarters) {
  json cn = Explain(dir_, "acct:SG-CUST", "2026-03-01");
  EXPECT_EQ(cn["ultimate_parent"]["id"], "BIS-EL:BJ-PARENT");
  EXPECT_EQ(cn["ultimate_parent"]["hq_country"], "CN");
  EXPECT_TRUE(cn["ultimate_parent"]["d5_or_macau"].get<bool>());
  json jp = Explain(dir_, "acct:SG-JPSUB", "2026-03-01");
  EXPECT_EQ(jp["ultimate_parent"]["id"], "acct:JP-PARENT");
  EXPECT_EQ(jp["ultimate_parent"]["hq_country"], "JP");
  EXPECT_FALSE(jp["ultimate_parent"]["d5_or_macau"].get<bool>());
}

TEST_F(OwnershipScenarios, ScanFlagsBlockedAndEscalations) {
  std::string csv;
  ASSERT_EQ(RunClearance("ownership scan " + Db(dir_) +
                             "--as-of 2026-03-01 --lists OFAC-SDN 2>/dev/null",
                         &csv),
            0);
  EXPECT_NE(csv.find("acct:CUST-AGG,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("acct:CUST-CHAIN,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("acct:HOLDCO,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",escalate,"), std::string::npos) << csv;  // CUST-CEO
  EXPECT_EQ(csv.find("\nOFAC-SDN:SDN-X,"), std::string::npos) << csv;
  std::string json_out;
  ASSERT_EQ(RunClearance("ownership scan " + Db(dir_) +
                             "--as-of 2026-03-01 --format json --out " +
                             dir_.File("scan.json") + " 2>/dev/null",
                         &json_out),
            0);
  json rows = json::parse(ReadFile(dir_.File("scan.json")), nullptr, false);
  ASSERT_TRUE(rows.is_array());
  bool sg = false;
  for (const auto& r : rows) {
    if (r["entity"] == "acct:SG-CUST") sg = r["outcome"] == "blocked";
  }
  EXPECT_TRUE(sg);  // 60% owned by an Entity List party
}

TEST(OwnershipCli, BadInputImportsNothing) {
  TempDir dir;
  std::string out;
  EXPECT_EQ(RunClearance("ownership import " + Db(dir) + kScenarios + " " +
                             TestDataFile("ownership/bad_percent.csv"),
                         &out),
            3);
  EXPECT_NE(out.find("bad_percent.csv line 3: percent 140"), std::string::npos)
      << out;
  EXPECT_EQ(RunClearance("ownership import " + Db(dir) +
                             TestDataFile("ownership/unknown_entity.json"),
                         &out),
            3);
  EXPECT_NE(out.find("unknown entity id \"acct:NOBODY\""), std::string::npos)
      << out;
  // Nothing of the good file went in.
  EXPECT_EQ(RunClearance("ownership explain " + Db(dir) + "acct:SG-CUST", &out),
            6);
}

TEST(OwnershipCli, RealSdnMultiLevelChain) {
  const std::string sdn =
      testing::SharedDataFile("lists/ofac_sdn_advanced_2025-11-19");
  if (sdn.empty()) GTEST_SKIP() << "real SDN list absent";
  TempDir dir;
  std::string out;
  ASSERT_EQ(RunClearance("lists import " + Db(dir) + sdn, &out), 0) << out;
  ASSERT_EQ(RunClearance("ownership import --from-lists " + Db(dir), &out), 0)
      << out;
  EXPECT_NE(out.find("Owned or Controlled By"), std::string::npos) << out;
  // Tadbirgaran Atiyeh Iranian Investment Company (25020) <- Mehr-e Eqtesad
  // (12802) <- Mehr Eqtesad Bank (25018) <- Bonyad Taavon Basij (25017) <-
  // Basij Resistance Force (12727) <- IRGC (10391).
  json j = Explain(dir, "OFAC-SDN:25020", "2026-03-01");
  std::vector<std::string> chain;
  const json* level = &j["owners"];
  while (!level->empty()) {
    chain.push_back((*level)[0]["id"]);
    EXPECT_EQ((*level)[0]["kind"], "control");
    EXPECT_TRUE((*level)[0]["percent"].is_null());
    EXPECT_FALSE((*level)[0]["listed"].empty());
    level = &(*level)[0]["owners"];
  }
  ASSERT_GE(chain.size(), 5u);
  EXPECT_EQ(chain[0], "OFAC-SDN:12802");
  EXPECT_EQ(chain[1], "OFAC-SDN:25018");
  EXPECT_EQ(chain[2], "OFAC-SDN:25017");
  EXPECT_EQ(chain[3], "OFAC-SDN:12727");
  EXPECT_EQ(chain[4], "OFAC-SDN:10391");
  EXPECT_TRUE(
      j["ofac_50_percent_rule"]["outcome"].get<std::string>().starts_with(
          "blocked (listed)"));
  std::string text;
  ASSERT_EQ(
      RunClearance("ownership explain " + Db(dir) + "OFAC-SDN:25020", &text),
      0);
  EXPECT_NE(text.find("ISLAMIC REVOLUTIONARY GUARD CORPS"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace clearance
