// screening::Rescreen against the audit trail's reviewer actions: the
// "previously allowed" accounts are those whose latest decision's EFFECTIVE
// outcome is ALLOW (an override counts once a second reviewer approved it),
// and held accounts whose list hits name a party the new version removed are
// reported for review (review_delisted), never re-decided. Lists are the
// OFAC-SDN excerpts of tests/testdata/decisions/ (v2 adds DT-3, v3 removes
// DT-1).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/audit/audit_trail.h"
#include "engine/lists/lists.h"
#include "engine/screening/replay.h"
#include "engine/screening/screening.h"
#include "engine/store/list_store.h"
#include "tests/test_support.h"

namespace clearance::screening {
namespace {

using nlohmann::json;

constexpr char kNow[] = "2026-03-02T09:00:00Z";

std::string RulesDir() {
  const char* env = std::getenv("CLEARANCE_RULES");
  return env != nullptr && *env != '\0'
             ? std::string(env)
             : std::string(CLEARANCE_SOURCE_DIR) + "/rules";
}

class Rescreening : public ::testing::Test {
 protected:
  std::string db() const { return dir_.File("t.db"); }

  std::int64_t Import(const std::string& file) {
    const std::string path = testing::TestDataFile("decisions/" + file);
    auto plan = lists::PlanSources({path});
    EXPECT_TRUE(plan.has_value()) << plan.error().ToString();
    auto store = store::ListStore::Open(db());
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    if (!plan || !store) return 0;
    std::int64_t id = 0;
    for (const auto& spec : *plan) {
      auto parsed = lists::ParseSource(spec);
      EXPECT_TRUE(parsed.has_value()) << parsed.error().ToString();
      if (!parsed) return 0;
      auto imported = (*store)->Import(*parsed, kNow);
      EXPECT_TRUE(imported.has_value()) << imported.error().ToString();
    }
    auto versions = (*store)->Versions();
    EXPECT_TRUE(versions.has_value());
    for (const auto& v : *versions) id = std::max(id, v.id);
    return id;
  }

  // Screens a test account (optionally renamed / with an extra person) and
  // records the decision.
  Decision Screen(const std::string& file, const std::string& account_id = "",
                  const std::string& extra_person = "") {
    json record = json::parse(
        testing::ReadFile(testing::TestDataFile("decisions/" + file)));
    if (!account_id.empty()) record["account_id"] = account_id;
    if (!extra_person.empty()) {
      record["people"].push_back({{"name", extra_person},
                                  {"role", "director"},
                                  {"country", "SY"},
                                  {"dob", "1968"}});
    }
    auto account = ParseAccountRecord(record.dump(), file);
    EXPECT_TRUE(account.has_value()) << account.error().ToString();
    ScreenerOptions options;
    options.db_path = db();
    options.rules_dir = RulesDir();
    options.actor = "test";
    options.now = [] { return std::string(kNow); };
    auto screener = Screener::Open(options);
    EXPECT_TRUE(screener.has_value()) << screener.error().ToString();
    if (!account || !screener) return {};
    auto decision = (*screener)->Screen(*account, "2026-03-01");
    EXPECT_TRUE(decision.has_value()) << decision.error().ToString();
    return decision ? *decision : Decision{};
  }

  // An override of `decision` to `outcome` by alice; approved by bob unless
  // `approve` is false. Returns the override's id.
  std::string Override(const Decision& decision, const std::string& outcome,
                       bool approve = true) {
    auto trail = audit::AuditTrail::Open(db());
    EXPECT_TRUE(trail.has_value());
    if (!trail) return "";
    audit::AuditRecord o;
    o.kind = audit::RecordKind::kOverride;
    o.created_at = kNow;
    o.actor = "reviewer:alice";
    o.subject = decision.account_id;
    o.refers_to = decision.decision_id;
    o.outcome = outcome;
    o.reason = "reviewed";
    auto stored = (*trail)->Append(o);
    EXPECT_TRUE(stored.has_value()) << stored.error().ToString();
    if (!stored) return "";
    if (approve) {
      audit::AuditRecord a;
      a.kind = audit::RecordKind::kSecondApproval;
      a.created_at = kNow;
      a.actor = "reviewer:bob";
      a.subject = decision.account_id;
      a.refers_to = decision.decision_id;
      a.outcome = outcome;
      a.input_json = json{
          {"decision", decision.decision_id},
          {"override",
           stored->id}}.dump();
      EXPECT_TRUE((*trail)->Append(a).has_value());
    }
    return stored->id;
  }

  Result<RescreenReport> Rescreen(std::int64_t version) {
    RescreenOptions options;
    options.db_path = db();
    options.rules_dir = RulesDir();
    options.as_of = "2026-03-15";
    options.now = kNow;
    options.record_decisions = false;
    return screening::Rescreen(version, options);
  }

  testing::TempDir dir_;
};

TEST_F(Rescreening, ConsidersEffectiveOutcomesAndReportsDelistedHolds) {
  Import("sdn_v1.json");
  // Allowed, then overridden to DENY with a second approval: not allowed.
  const Decision helios = Screen("helios_account.json");
  ASSERT_EQ(helios.outcome, "ALLOW") << helios.ToJson();
  Override(helios, "DENY");
  // Held on a DT-2 (a listed person) hit, then overridden to ALLOW with a
  // second approval: allowed. Its name matches DT-3, which v2 adds.
  const Decision helios9 =
      Screen("helios_account.json", "acct-helios-9", "Karim Nasser Al-Rashid");
  ASSERT_NE(helios9.outcome, "ALLOW") << helios9.ToJson();
  const std::string helios9_override = Override(helios9, "ALLOW");
  // Allowed; an override awaiting its second approval changes nothing.
  const Decision maplewood = Screen("maplewood_account.json");
  ASSERT_EQ(maplewood.outcome, "ALLOW") << maplewood.ToJson();
  Override(maplewood, "DENY", /*approve=*/false);
  // Three accounts held on DT-1 (which v3 removes): one left as is, one
  // overridden to DENY, one cleared to ALLOW by an approved override.
  const Decision volkov = Screen("volkov_account.json");
  ASSERT_NE(volkov.outcome, "ALLOW") << volkov.ToJson();
  const Decision volkov_denied =
      Screen("volkov_account.json", "acct-volkov-denied");
  const std::string denied_override = Override(volkov_denied, "DENY");
  const Decision volkov_cleared =
      Screen("volkov_account.json", "acct-volkov-cleared");
  Override(volkov_cleared, "ALLOW");

  const std::int64_t v2 = Import("sdn_v2.json");
  auto report = Rescreen(v2);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->allowed_accounts, 3u);  // helios-9, maplewood, cleared
  ASSERT_EQ(report->rescreened.size(), 1u);
  const RescreenedAccount& a = report->rescreened[0];
  EXPECT_EQ(a.account_id, "acct-helios-9");
  EXPECT_EQ(a.previous_decision_id, helios9.decision_id);
  EXPECT_EQ(a.previous_outcome, "ALLOW");
  EXPECT_EQ(a.previous_decision_outcome, helios9.outcome);
  EXPECT_EQ(a.previous_override_id, helios9_override);
  EXPECT_NE(a.new_outcome, "ALLOW");
  EXPECT_TRUE(a.changed);
  ASSERT_FALSE(a.matches.empty());
  EXPECT_EQ(a.matches[0].party_id, "DT-3");
  EXPECT_TRUE(report->review_delisted.empty());  // v2 removes nobody

  const std::int64_t v3 = Import("sdn_v3.json");
  report = Rescreen(v3);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->parties_removed, 1u);
  EXPECT_TRUE(report->rescreened.empty());
  // Held accounts only, newest decision first; the cleared one is allowed.
  ASSERT_EQ(report->review_delisted.size(), 2u);
  const DelistedReview& denied = report->review_delisted[0];
  EXPECT_EQ(denied.account_id, "acct-volkov-denied");
  EXPECT_EQ(denied.decision_id, volkov_denied.decision_id);
  EXPECT_EQ(denied.outcome, "DENY");
  EXPECT_EQ(denied.override_id, denied_override);
  const DelistedReview& held = report->review_delisted[1];
  EXPECT_EQ(held.account_id, "acct-volkov-2");
  EXPECT_EQ(held.decision_id, volkov.decision_id);
  EXPECT_EQ(held.outcome, volkov.outcome);
  EXPECT_TRUE(held.override_id.empty());
  EXPECT_EQ(held.list, "OFAC-SDN");
  EXPECT_EQ(held.party_id, "DT-1");
  EXPECT_EQ(held.party_name, "Volkov Trading House LLC");
}

TEST_F(Rescreening, DelistedHoldsAreNotRedecidedEvenWhenRecording) {
  Import("sdn_v1.json");
  const Decision volkov = Screen("volkov_account.json");
  ASSERT_NE(volkov.outcome, "ALLOW") << volkov.ToJson();
  Import("sdn_v2.json");
  const std::int64_t v3 = Import("sdn_v3.json");
  RescreenOptions options;
  options.db_path = db();
  options.rules_dir = RulesDir();
  options.as_of = "2026-03-15";
  options.now = kNow;
  auto report = screening::Rescreen(v3, options);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  ASSERT_EQ(report->review_delisted.size(), 1u);
  auto trail = audit::AuditTrail::Open(db());
  ASSERT_TRUE(trail.has_value());
  EXPECT_EQ((*trail)->List("acct-volkov-2", 0).value().size(), 1u);
  EXPECT_EQ((*trail)->Head().value().seq, 1);
}

}  // namespace
}  // namespace clearance::screening
