// End-to-end tests of `clearance decisions ...` and `clearance audit ...`
// through the real binary. Decisions are made with the screening library
// (Screener, a fixed clock) against small OFAC-SDN excerpts in
// tests/testdata/decisions/; everything after that goes through the binary:
// show/list, override + four-eyes approval, clear, audit verify/head, a
// tampered database, replay across list versions and rule set changes,
// rescreen after a new list version (effective outcomes, delisted parties),
// and the retention purge.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/rules/rules.h"
#include "engine/screening/replay.h"
#include "engine/screening/screening.h"
#include "engine/store/ruleset_store.h"
#include "tests/test_support.h"

namespace clearance {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::ReadFile;
using testing::RunClearance;
using testing::TempDir;
using testing::TestDataFile;

constexpr int kExitNotFound = 6;
constexpr int kExitIntegrity = 7;
const char kNow[] = "2026-03-02T09:00:00Z";

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

class DecisionsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    // Children inherit these: the catalog in the source tree, a fixed clock.
    ::setenv("CLEARANCE_RULES", CLEARANCE_SOURCE_DIR "/rules", 1);
    ::setenv("CLEARANCE_NOW", kNow, 1);
    ::setenv("CLEARANCE_NO_PROGRESS", "1", 1);
    Import("sdn_v1.json");
  }

  std::string db() const { return dir_.File("t.db"); }
  std::string Db() const { return " --db " + Quote(db()) + " "; }

  void Import(const std::string& file) {
    std::string out;
    ASSERT_EQ(RunClearance("lists import" + Db() +
                               Quote(TestDataFile("decisions/" + file)),
                           &out),
              0)
        << out;
  }

  // Screens a test account with the library and records the decision.
  screening::Decision Screen(const std::string& file,
                             const std::string& rules_dir = "") {
    screening::ScreenerOptions options;
    options.db_path = db();
    options.rules_dir = rules_dir;
    options.actor = "cli:test";
    options.now = [] { return std::string(kNow); };
    auto screener = screening::Screener::Open(options);
    EXPECT_TRUE(screener.has_value()) << screener.error().ToString();
    if (!screener) return {};
    const std::string path = TestDataFile("decisions/" + file);
    auto account = screening::ParseAccountRecord(ReadFile(path), path);
    EXPECT_TRUE(account.has_value()) << account.error().ToString();
    if (!account) return {};
    auto decision = (*screener)->Screen(*account, "2026-03-01");
    EXPECT_TRUE(decision.has_value()) << decision.error().ToString();
    return decision ? *decision : screening::Decision{};
  }

  int Run(const std::string& args, std::string* out) {
    return RunClearance(args + Db(), out);
  }

  // Whether the database holds a rule set snapshot of `hash`.
  bool HasSnapshot(const std::string& hash) {
    auto store = store::RulesetStore::Open(db());
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    if (!store) return false;
    auto held = (*store)->Has(hash);
    EXPECT_TRUE(held.has_value()) << held.error().ToString();
    return held && *held;
  }

  json RunJson(const std::string& args, int expected_code) {
    std::string out;
    const int code = RunClearance(args + Db() + "--json", &out);
    EXPECT_EQ(code, expected_code) << args << "\n" << out;
    const json parsed = json::parse(out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << args << "\n" << out;
    return parsed;
  }

  TempDir dir_;
};

TEST(DecisionsCliHelp, EveryCommandHasHelp) {
  for (const char* command :
       {"decisions show", "decisions list", "decisions replay",
        "decisions override", "decisions approve", "decisions clear",
        "decisions rescreen", "audit verify", "audit head", "audit purge"}) {
    std::string out;
    EXPECT_EQ(RunClearance(std::string(command) + " --help", &out), 0)
        << command;
    EXPECT_NE(out.find("usage: clearance " + std::string(command)),
              std::string::npos)
        << out;
  }
}

TEST_F(DecisionsCli, ShowAndListADecision) {
  const screening::Decision d = Screen("helios_account.json");
  ASSERT_FALSE(d.decision_id.empty());
  EXPECT_EQ(d.outcome, "ALLOW") << d.ToJson();

  const json shown = RunJson("decisions show " + d.decision_id, 0);
  EXPECT_EQ(shown["record"]["id"], d.decision_id);
  EXPECT_EQ(shown["record"]["subject"], "acct-helios-7");
  EXPECT_EQ(shown["record"]["actor"], "cli:test");
  EXPECT_EQ(shown["effective_outcome"], d.outcome);
  EXPECT_EQ(shown["input"]["legal_name"], "Helios Quantum Computing GmbH");
  EXPECT_EQ(shown["decision"]["versions"]["ruleset_hash"],
            d.versions.ruleset_hash);
  EXPECT_TRUE(shown["actions"].empty());

  std::string text;
  ASSERT_EQ(Run("decisions show " + d.decision_id, &text), 0) << text;
  EXPECT_NE(text.find("Decision " + d.decision_id), std::string::npos) << text;
  EXPECT_NE(text.find("versions"), std::string::npos) << text;

  Screen("maplewood_account.json");
  const json all = RunJson("decisions list", 0);
  ASSERT_EQ(all.size(), 2u) << all.dump(2);
  EXPECT_EQ(all[0]["account"], "acct-maplewood-1");  // newest first
  const json one = RunJson("decisions list --account acct-helios-7", 0);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0]["id"], d.decision_id);
  EXPECT_TRUE(RunJson("decisions list --outcome DENY", 0).empty());
  EXPECT_EQ(RunJson("decisions list --limit 1", 0).size(), 1u);

  std::string out;
  EXPECT_EQ(Run("decisions show D-999999", &out), kExitNotFound) << out;
  EXPECT_EQ(Run("decisions list --outcome MAYBE", &out), 2) << out;
}

TEST_F(DecisionsCli, OverrideNeedsASecondDifferentReviewer) {
  const screening::Decision d = Screen("helios_account.json");
  ASSERT_FALSE(d.decision_id.empty());
  std::string out;
  ASSERT_EQ(Run("decisions override " + d.decision_id +
                    " --outcome escalate --reason 'adverse media: GPU "
                    "diversion report' --reviewer alice",
                &out),
            0)
      << out;
  json shown = RunJson("decisions show " + d.decision_id, 0);
  ASSERT_EQ(shown["actions"].size(), 1u);
  const std::string override_id = shown["actions"][0]["id"];
  EXPECT_EQ(shown["actions"][0]["kind"], "override");
  EXPECT_EQ(shown["actions"][0]["outcome"], "ESCALATE");
  EXPECT_TRUE(shown["actions"][0]["approved_by"].is_null());
  EXPECT_EQ(shown["effective_outcome"], d.outcome);  // not yet in effect

  // Four eyes: the same reviewer cannot approve.
  EXPECT_EQ(Run("decisions approve " + override_id + " --reviewer alice", &out),
            1)
      << out;
  EXPECT_NE(out.find("four-eyes"), std::string::npos) << out;
  ASSERT_EQ(Run("decisions approve " + override_id + " --reviewer bob", &out),
            0)
      << out;
  shown = RunJson("decisions show " + d.decision_id, 0);
  ASSERT_EQ(shown["actions"].size(), 2u);
  EXPECT_EQ(shown["actions"][1]["kind"], "second_approval");
  EXPECT_EQ(shown["actions"][0]["approved_by"], shown["actions"][1]["id"]);
  EXPECT_EQ(shown["effective_outcome"], "ESCALATE");
  // Approved once: a second approval is refused.
  EXPECT_EQ(Run("decisions approve " + override_id + " --reviewer carol", &out),
            1)
      << out;
  // The decision record itself is untouched.
  EXPECT_EQ(shown["record"]["outcome"], d.outcome);
  const json list = RunJson("decisions list", 0);
  EXPECT_EQ(list[0]["effective_outcome"], "ESCALATE");
  EXPECT_EQ(list[0]["actions"], 2);

  // Reviewer actions are chained like decisions.
  const json verified = RunJson("audit verify", 0);
  EXPECT_TRUE(verified["ok"]);
  EXPECT_EQ(verified["records"], 3);
}

TEST_F(DecisionsCli, ClearAHitNeedsAnExistingHit) {
  const screening::Decision d = Screen("helios_account.json");
  ASSERT_FALSE(d.decision_id.empty());
  std::string out;
  // No list hit under the first list version: hit 1 does not exist.
  EXPECT_EQ(Run("decisions clear " + d.decision_id +
                    " --hit 1 --reason 'different company' --reviewer alice",
                &out),
            kExitNotFound)
      << out;
  EXPECT_EQ(Run("decisions clear " + d.decision_id +
                    " --hit x --reason r --reviewer alice",
                &out),
            2)
      << out;
}

TEST_F(DecisionsCli, VerifyDetectsATamperedRecordAndNamesIt) {
  const screening::Decision first = Screen("helios_account.json");
  const screening::Decision second = Screen("maplewood_account.json");
  ASSERT_FALSE(second.decision_id.empty());
  std::string out;
  ASSERT_EQ(Run("audit verify", &out), 0) << out;
  EXPECT_NE(out.find("audit chain OK: 2 records"), std::string::npos) << out;
  const json head = RunJson("audit head", 0);
  EXPECT_EQ(head["seq"], 2);
  ASSERT_EQ(Run("audit head", &out), 0);
  const std::string anchor = out.substr(0, out.find('\n'));
  EXPECT_EQ(anchor, "2:" + head["record_hash"].get<std::string>());
  ASSERT_EQ(Run("audit verify --anchor " + anchor, &out), 0) << out;

  if (std::system("command -v sqlite3 >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "the sqlite3 program is absent";
  }
  // The triggers refuse an edit...
  const std::string edit =
      "UPDATE audit_records SET outcome = 'DENY' WHERE id = '" +
      first.decision_id + "';";
  EXPECT_NE(std::system(
                ("sqlite3 " + Quote(db()) + " " + Quote(edit) + " 2>/dev/null")
                    .c_str()),
            0);
  ASSERT_EQ(Run("audit verify", &out), 0) << out;
  // ...someone with the file drops them; the chain still tells.
  ASSERT_EQ(std::system(("sqlite3 " + Quote(db()) + " " +
                         Quote("DROP TRIGGER audit_records_no_update; " + edit))
                            .c_str()),
            0);
  EXPECT_EQ(Run("audit verify", &out), kExitIntegrity) << out;
  EXPECT_NE(out.find(first.decision_id), std::string::npos) << out;
  const json report = RunJson("audit verify", kExitIntegrity);
  EXPECT_FALSE(report["ok"]);
  EXPECT_EQ(report["first_broken_id"], first.decision_id);
  EXPECT_EQ(report["first_broken_seq"], 1);
}

TEST_F(DecisionsCli, ReplayShowsWhatANewerListVersionChanges) {
  const screening::Decision d = Screen("helios_account.json");
  ASSERT_EQ(d.outcome, "ALLOW") << d.ToJson();
  // Same lists, same rules: reproduced, no difference.
  json replay = RunJson("decisions replay " + d.decision_id, 0);
  ASSERT_TRUE(replay.is_object());
  EXPECT_TRUE(replay["reproduced"]) << replay.dump(2);
  EXPECT_FALSE(replay["since"]["changed"]) << replay.dump(2);
  EXPECT_EQ(replay["ruleset_source"], "current");

  Import("sdn_v2.json");  // adds Helios Quantum Computing GmbH
  // Needs the screener to honour ScreenerOptions::list_versions (the pin).
  replay = RunJson("decisions replay " + d.decision_id, 0);
  ASSERT_TRUE(replay.is_object());
  EXPECT_TRUE(replay["reproduced"]) << replay.dump(2);
  EXPECT_EQ(replay["replayed_outcome"], "ALLOW");
  EXPECT_EQ(replay["stored_versions"]["list_versions"],
            json(d.versions.list_versions));
  EXPECT_NE(replay["current_versions"]["list_versions"],
            replay["stored_versions"]["list_versions"]);
  EXPECT_TRUE(replay["since"]["changed"]);
  EXPECT_EQ(replay["since"]["outcome_before"], "ALLOW");
  EXPECT_NE(replay["since"]["outcome_after"], "ALLOW") << replay.dump(2);
  EXPECT_EQ(replay["since"]["hits_added"], json({"OFAC-SDN:DT-3"}))
      << replay.dump(2);
  EXPECT_FALSE(replay["since"]["rules_added"].empty());

  std::string text;
  ASSERT_EQ(Run("decisions replay " + d.decision_id, &text), 0) << text;
  EXPECT_NE(text.find("reproduced"), std::string::npos) << text;
  EXPECT_NE(text.find("OFAC-SDN:DT-3"), std::string::npos) << text;
}

TEST_F(DecisionsCli, ReplayUsesTheRuleSetSnapshotAfterRulesChange) {
  // A private copy of the catalog. The screener that records the decision
  // snapshots it when it opens.
  const fs::path rules = dir_.path() / "rules";
  fs::copy(CLEARANCE_SOURCE_DIR "/rules", rules);
  auto loaded = rules::RuleSet::Load(rules.string());
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_FALSE(HasSnapshot((*loaded)->hash()));
  const screening::Decision d =
      Screen("maplewood_account.json", rules.string());
  ASSERT_EQ(d.versions.ruleset_hash, (*loaded)->hash());
  EXPECT_TRUE(HasSnapshot(d.versions.ruleset_hash));
  auto again = screening::SnapshotRuleset(db(), **loaded, kNow);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_FALSE(*again);  // one snapshot per hash, already written by Open

  // The rules change afterwards (any byte of content changes the hash).
  json config = json::parse(ReadFile((rules / "config.json").string()));
  config["description"] = "edited after the decision";
  testing::WriteFile((rules / "config.json").string(), config.dump(2));

  const json replay = RunJson(
      "decisions replay " + d.decision_id + " --rules " + Quote(rules.string()),
      0);
  ASSERT_TRUE(replay.is_object());
  EXPECT_EQ(replay["ruleset_source"], "snapshot") << replay.dump(2);
  EXPECT_TRUE(replay["reproduced"]) << replay.dump(2);
  const std::string current_hash = replay["current_versions"]["ruleset_hash"];
  EXPECT_NE(current_hash, replay["stored_versions"]["ruleset_hash"]);
  // A replay records nothing: today's rules were not snapshotted by it.
  EXPECT_FALSE(HasSnapshot(current_hash));

  // A decision whose snapshot is missing (recorded before screeners
  // snapshotted their rules, or its rows removed): the replay says the rule
  // set of that time is unavailable, and does not snapshot today's rules
  // in its place.
  const screening::Decision later =
      Screen("maplewood_account.json", rules.string());
  ASSERT_EQ(later.versions.ruleset_hash, current_hash);
  ASSERT_TRUE(HasSnapshot(later.versions.ruleset_hash));
  if (std::system("command -v sqlite3 >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "the sqlite3 program is absent";
  }
  // Snapshots are immutable: their triggers refuse a DELETE until dropped.
  const std::string remove = "DELETE FROM ruleset_files WHERE hash = '" +
                             later.versions.ruleset_hash +
                             "'; DELETE FROM ruleset_snapshots WHERE hash = '" +
                             later.versions.ruleset_hash + "';";
  EXPECT_NE(std::system(("sqlite3 " + Quote(db()) + " " + Quote(remove) +
                         " 2>/dev/null")
                            .c_str()),
            0);
  ASSERT_TRUE(HasSnapshot(later.versions.ruleset_hash));
  ASSERT_EQ(std::system(("sqlite3 " + Quote(db()) + " " +
                         Quote("DROP TRIGGER ruleset_files_no_delete; DROP "
                               "TRIGGER ruleset_snapshots_no_delete; " +
                               remove))
                            .c_str()),
            0);
  ASSERT_FALSE(HasSnapshot(later.versions.ruleset_hash));

  config["description"] = "edited twice";
  testing::WriteFile((rules / "config.json").string(), config.dump(2));
  auto edited = rules::RuleSet::Load(rules.string());
  ASSERT_TRUE(edited.has_value()) << edited.error().ToString();
  std::string out;
  EXPECT_EQ(Run("decisions replay " + later.decision_id + " --rules " +
                    Quote(rules.string()),
                &out),
            kExitNotFound)
      << out;
  EXPECT_NE(out.find("no snapshot"), std::string::npos) << out;
  EXPECT_NE(out.find("rule set of that time is unavailable"), std::string::npos)
      << out;
  EXPECT_FALSE(HasSnapshot(later.versions.ruleset_hash));
  EXPECT_FALSE(HasSnapshot((*edited)->hash()));
}

TEST_F(DecisionsCli, RescreenReportsOnlyTheAccountsANewVersionAffects) {
  const screening::Decision helios = Screen("helios_account.json");
  const screening::Decision maplewood = Screen("maplewood_account.json");
  ASSERT_EQ(helios.outcome, "ALLOW") << helios.ToJson();
  ASSERT_EQ(maplewood.outcome, "ALLOW") << maplewood.ToJson();

  Import("sdn_v2.json");
  const json report = RunJson("decisions rescreen --since OFAC-SDN", 0);
  EXPECT_EQ(report["list"], "OFAC-SDN");
  EXPECT_FALSE(report["previous_version"].is_null());
  EXPECT_EQ(report["parties_added"], 1);
  EXPECT_EQ(report["parties_changed"], 0);
  EXPECT_EQ(report["allowed_accounts"], 2);
  ASSERT_EQ(report["accounts"].size(), 1u) << report.dump(2);
  const json& account = report["accounts"][0];
  EXPECT_EQ(account["account"], "acct-helios-7");
  EXPECT_EQ(account["previous_decision"], helios.decision_id);
  EXPECT_TRUE(account["changed"]);
  EXPECT_NE(account["new_outcome"], "ALLOW");
  EXPECT_EQ(account["matches"][0]["party_id"], "DT-3");
  EXPECT_EQ(report["changed"], 1);

  // The new decision is in the trail, by "rescreen"; the unrelated account
  // was not screened again.
  const json helios_list = RunJson("decisions list --account acct-helios-7", 0);
  ASSERT_EQ(helios_list.size(), 2u);
  EXPECT_EQ(helios_list[0]["id"], account["new_decision"]);
  EXPECT_EQ(helios_list[0]["actor"], "rescreen");
  EXPECT_EQ(RunJson("decisions list --account acct-maplewood-1", 0).size(), 1u);

  // Helios is no longer allowed: a second rescreen has nobody to look at.
  const json again = RunJson("decisions rescreen --since OFAC-SDN", 0);
  EXPECT_EQ(again["allowed_accounts"], 1);
  EXPECT_TRUE(again["accounts"].empty());
  std::string out;
  EXPECT_EQ(Run("decisions rescreen --since 9999", &out), kExitNotFound) << out;
}

TEST_F(DecisionsCli, RescreenUsesEffectiveOutcomesAndReportsDelistedHolds) {
  const screening::Decision helios = Screen("helios_account.json");
  const screening::Decision volkov = Screen("volkov_account.json");
  ASSERT_EQ(helios.outcome, "ALLOW") << helios.ToJson();
  ASSERT_NE(volkov.outcome, "ALLOW") << volkov.ToJson();  // DT-1 hit
  // Helios is overridden to DENY and approved: no longer allowed.
  std::string out;
  ASSERT_EQ(Run("decisions override " + helios.decision_id +
                    " --outcome DENY --reason 'adverse media' --reviewer alice",
                &out),
            0)
      << out;
  ASSERT_EQ(
      Run("decisions approve " + helios.decision_id + " --reviewer bob", &out),
      0)
      << out;

  Import("sdn_v2.json");  // adds Helios Quantum Computing GmbH
  json report = RunJson("decisions rescreen --since OFAC-SDN", 0);
  EXPECT_EQ(report["allowed_accounts"], 0) << report.dump(2);
  EXPECT_TRUE(report["accounts"].empty()) << report.dump(2);
  EXPECT_TRUE(report["review_delisted"].empty()) << report.dump(2);

  Import("sdn_v3.json");  // removes DT-1 (Volkov Trading House LLC)
  report = RunJson("decisions rescreen --since OFAC-SDN", 0);
  EXPECT_EQ(report["parties_removed"], 1);
  ASSERT_EQ(report["review_delisted"].size(), 1u) << report.dump(2);
  const json& held = report["review_delisted"][0];
  EXPECT_EQ(held["account"], "acct-volkov-2");
  EXPECT_EQ(held["decision"], volkov.decision_id);
  EXPECT_EQ(held["outcome"], volkov.outcome);
  EXPECT_TRUE(held["override"].is_null());
  EXPECT_EQ(held["list"], "OFAC-SDN");
  EXPECT_EQ(held["party_id"], "DT-1");
  EXPECT_EQ(held["party_name"], "Volkov Trading House LLC");
  // Not re-decided: a reviewer acts.
  EXPECT_EQ(RunJson("decisions list --account acct-volkov-2", 0).size(), 1u);

  ASSERT_EQ(Run("decisions rescreen --since OFAC-SDN", &out), 0) << out;
  EXPECT_NE(out.find("REMOVED PARTY"), std::string::npos) << out;
  EXPECT_NE(out.find("OFAC-SDN:DT-1 Volkov Trading House LLC"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("not re-decided"), std::string::npos) << out;
}

TEST_F(DecisionsCli, AuditPurgeRemovesOldRecordsWithACheckpoint) {
  // 2026: three decisions, an approved override of the third.
  Screen("helios_account.json");                                    // D-000001
  Screen("maplewood_account.json");                                 // D-000002
  const screening::Decision third = Screen("helios_account.json");  // D-3
  ASSERT_EQ(third.decision_id, "D-000003");
  std::string out;
  ASSERT_EQ(Run("decisions override D-000003 --outcome ESCALATE --reason r "
                "--reviewer alice",
                &out),
            0)
      << out;  // A-000004
  ASSERT_EQ(Run("decisions approve A-000004 --reviewer bob", &out), 0)
      << out;  // A-000005
  // 2027: a further override of D-000003, kept by any 2026 cutoff.
  ::setenv("CLEARANCE_NOW", "2027-01-01T00:00:00Z", 1);
  ASSERT_EQ(Run("decisions override D-000003 --outcome DENY --reason r2 "
                "--reviewer carol",
                &out),
            0)
      << out;  // A-000006
  const json head = RunJson("audit head", 0);
  const json first = RunJson("decisions show D-000001", 0);
  const std::string anchor = "6:" + head["record_hash"].get<std::string>();

  // Ten years on. Inside the retention period: refused, nothing changed.
  ::setenv("CLEARANCE_NOW", "2036-06-01T00:00:00Z", 1);
  const std::string untouched = ReadFile(db());
  EXPECT_EQ(Run("audit purge --before 2027-01-01", &out), 1) << out;
  EXPECT_NE(out.find("retention"), std::string::npos) << out;
  EXPECT_EQ(Run("audit purge --before 2026-13-01", &out), 2) << out;
  EXPECT_EQ(Run("audit purge", &out), 2) << out;
  // A dry run reports and changes nothing (byte for byte).
  ASSERT_EQ(Run("audit purge --before 2026-06-01 --dry-run", &out), 0) << out;
  EXPECT_NE(out.find("Dry run"), std::string::npos) << out;
  EXPECT_NE(out.find("would be purged"), std::string::npos) << out;
  EXPECT_NE(out.find("decision"), std::string::npos) << out;
  EXPECT_EQ(ReadFile(db()), untouched);

  // D-000003 is referred to by A-000006 (kept): the purge stops before it.
  const json purged = RunJson("audit purge --before 2026-06-01", 0);
  EXPECT_FALSE(purged["dry_run"]);
  EXPECT_EQ(purged["retention_years"], 10);
  EXPECT_EQ(purged["retention_source"],
            "rules config record_retention_years_ofac");
  EXPECT_EQ(purged["removed"], 2);
  EXPECT_EQ(purged["first_id"], "D-000001");
  EXPECT_EQ(purged["last_id"], "D-000002");
  EXPECT_EQ(purged["removed_by_kind"]["decision"], 2);
  EXPECT_EQ(purged["kept_from"]["id"], "D-000003");
  EXPECT_NE(purged["stop_reason"].get<std::string>().find("A-000006"),
            std::string::npos)
      << purged.dump(2);
  EXPECT_EQ(purged["checkpoint"]["id"], "A-000007");
  EXPECT_EQ(purged["checkpoint"]["prev_hash"], head["record_hash"]);

  const json verified = RunJson("audit verify", 0);
  EXPECT_TRUE(verified["ok"]) << verified.dump(2);
  EXPECT_EQ(verified["records"], 5);
  EXPECT_EQ(verified["first_seq"], 3);
  EXPECT_EQ(verified["purge_checkpoint"], "A-000007");
  ASSERT_EQ(Run("audit verify", &out), 0) << out;
  EXPECT_NE(out.find("purged under retention"), std::string::npos) << out;
  // Anchors: the old head still checks; a purged record cannot be checked
  // (exit 6, not a broken chain); the last purged one checks through the
  // checkpoint only with the right hash.
  EXPECT_EQ(Run("audit verify --anchor " + anchor, &out), 0) << out;
  EXPECT_EQ(Run("audit verify --anchor 1:" +
                    first["record"]["record_hash"].get<std::string>(),
                &out),
            kExitNotFound)
      << out;
  EXPECT_NE(out.find("purged"), std::string::npos) << out;
  const json purged_anchor =
      RunJson("audit verify --anchor 1:" +
                  first["record"]["record_hash"].get<std::string>(),
              kExitNotFound);
  EXPECT_EQ(purged_anchor["anchor_purged_by"], "A-000007");
  EXPECT_EQ(Run("audit verify --anchor 2:" + std::string(64, '0'), &out),
            kExitIntegrity)
      << out;

  EXPECT_EQ(Run("decisions show D-000001", &out), kExitNotFound) << out;
  const json kept = RunJson("decisions show D-000003", 0);
  EXPECT_EQ(kept["actions"].size(), 3u);
  EXPECT_EQ(kept["effective_outcome"], "ESCALATE");

  // Nothing older is left: a second purge is a no-op.
  ASSERT_EQ(Run("audit purge --before 2026-06-01", &out), 0) << out;
  EXPECT_NE(out.find("Nothing to purge"), std::string::npos) << out;
  EXPECT_EQ(RunJson("audit verify", 0)["records"], 5);
}

TEST_F(DecisionsCli, AuditPurgeTakesTheRetentionPeriodFromTheRuleCatalog) {
  Screen("helios_account.json");
  const fs::path rules = dir_.path() / "rules-3y";
  fs::create_directories(rules);
  testing::WriteFile((rules / "config.json").string(),
                     R"({"config": {"record_retention_years_ofac": {"value": 3,
          "uncertain": false, "note": "test", "citation": "test"}}})");
  ::setenv("CLEARANCE_NOW", "2029-06-01T00:00:00Z", 1);
  std::string out;
  // The catalog's 10 years refuse it; a catalog configuring 3 allows it.
  EXPECT_EQ(Run("audit purge --dry-run --before 2026-06-01", &out), 1) << out;
  const json report = RunJson(
      "audit purge --dry-run --before 2026-06-01 "
      "--rules " +
          Quote(rules.string()),
      0);
  EXPECT_EQ(report["retention_years"], 3);
  EXPECT_EQ(report["latest_cutoff"], "2026-06-01T00:00:00Z");
  EXPECT_EQ(report["removed"], 1);
  EXPECT_TRUE(report["checkpoint"].is_null());
}

}  // namespace
}  // namespace clearance
