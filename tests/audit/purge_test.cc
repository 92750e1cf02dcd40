// Retention purges of the audit trail (AuditTrail::Purge, migration
// 006_audit_purge.sql): the retention period, the prefix removed and where it
// stops (the cutoff, a kept action's reference), the checkpoint appended to
// the chain, Verify (and anchors) after one or more purges, tampering after
// a purge, the SQL triggers, and that a dry run or a failed purge leaves the
// database file byte-for-byte unchanged.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "engine/audit/audit_trail.h"
#include "tests/test_support.h"

namespace clearance::audit {
namespace {

using nlohmann::json;

constexpr char kNow[] = "2026-03-02T09:00:00Z";  // 10 years: before 2016-03-02

std::unique_ptr<AuditTrail> OpenOrDie(const std::string& path,
                                      int retention_years = 10) {
  AuditOptions options;
  options.retention_years = retention_years;
  auto trail = AuditTrail::Open(path, options);
  EXPECT_TRUE(trail.has_value()) << trail.error().ToString();
  return trail ? std::move(*trail) : nullptr;
}

AuditRecord Decision(const std::string& subject, const std::string& created_at,
                     const std::string& outcome = "ALLOW") {
  AuditRecord r;
  r.kind = RecordKind::kDecision;
  r.created_at = created_at;
  r.actor = "api";
  r.subject = subject;
  r.outcome = outcome;
  r.input_json = R"({"account_id": ")" + subject + R"("})";
  r.output_json = R"({"outcome": ")" + outcome + R"("})";
  return r;
}

AuditRecord Action(RecordKind kind, const std::string& decision_id,
                   const std::string& created_at) {
  AuditRecord r;
  r.kind = kind;
  r.created_at = created_at;
  r.actor = "reviewer:bob";
  r.subject = "acct";
  r.refers_to = decision_id;
  r.outcome = kind == RecordKind::kOverride ? "DENY" : "";
  r.reason = "checked";
  return r;
}

void AppendOrDie(AuditTrail& trail, AuditRecord record) {
  auto r = trail.Append(std::move(record));
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
}

// Runs SQL on the file directly, as someone with file access would.
int Sql(const std::string& path, const std::string& sql,
        std::string* message = nullptr) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  if (message != nullptr) *message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  return rc;
}

constexpr const char* kDropTriggers =
    "DROP TRIGGER audit_records_no_update; DROP TRIGGER "
    "audit_records_no_delete; DROP TRIGGER audit_records_continue_chain; "
    "DROP TRIGGER audit_records_advance_head; DROP TRIGGER "
    "audit_head_forward_only; DROP TRIGGER audit_head_no_delete;";

// Seq 1-3: 2014, seq 4-5: 2015, seq 6-7: 2020.
void AppendSeven(AuditTrail& trail) {
  AppendOrDie(trail, Decision("acct-1", "2014-05-01T10:00:00Z"));
  AppendOrDie(trail, Decision("acct-2", "2014-06-01T10:00:00Z", "DENY"));
  AppendOrDie(
      trail, Action(RecordKind::kClearHit, "D-000002", "2014-06-02T10:00:00Z"));
  AppendOrDie(trail, Decision("acct-3", "2015-01-01T10:00:00Z"));
  AppendOrDie(trail, Decision("acct-4", "2015-12-31T23:59:59Z"));
  AppendOrDie(trail, Decision("acct-5", "2020-01-01T00:00:00Z"));
  AppendOrDie(trail, Decision("acct-6", "2020-02-01T00:00:00Z"));
}

TEST(AuditPurge, RefusesACutoffInsideTheRetentionPeriod) {
  testing::TempDir dir;
  auto trail = OpenOrDie(dir.File("c.db"));
  AppendSeven(*trail);
  auto young = trail->Purge("2016-03-03", kNow);
  ASSERT_FALSE(young.has_value());
  EXPECT_EQ(young.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(young.error().message().find("retention"), std::string::npos)
      << young.error().message();
  EXPECT_NE(young.error().message().find("2016-03-02T09:00:00Z"),
            std::string::npos)
      << young.error().message();
  // One second too young, too.
  EXPECT_FALSE(trail->Purge("2016-03-02T09:00:01Z", kNow).has_value());
  EXPECT_EQ(trail->Verify().value().records, 7);

  for (const char* bad : {"2016-02-30", "2016-3-1", "yesterday",
                          "2016-03-01T10:00:00", "2016-03-01 10:00:00Z"}) {
    auto r = trail->Purge(bad, kNow);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(trail->Purge("2010-01-01", "now").has_value());

  // The period is configuration: with 5 years, 2021 is old enough.
  auto five = OpenOrDie(dir.File("c.db"), 5);
  auto purged = five->Purge("2021-01-01", kNow, {.dry_run = true});
  ASSERT_TRUE(purged.has_value()) << purged.error().ToString();
  EXPECT_EQ(purged->latest_cutoff, "2021-03-02T09:00:00Z");
  EXPECT_EQ(purged->removed, 7);
}

TEST(AuditPurge, LeapDayRetentionErrsOnKeeping) {
  testing::TempDir dir;
  auto trail = OpenOrDie(dir.File("c.db"));
  AppendSeven(*trail);
  auto r =
      trail->Purge("2010-01-01", "2028-02-29T12:00:00Z", {.dry_run = true});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->latest_cutoff, "2018-02-28T12:00:00Z");
}

TEST(AuditPurge, RemovesThePrefixAppendsAChainedCheckpointAndVerifies) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  auto trail = OpenOrDie(path);
  AppendSeven(*trail);
  const AuditRecord fifth = trail->Get("D-000005").value();
  const AuditRecord seventh = trail->Get("D-000007").value();
  const AuditHead before_purge = trail->Head().value();

  auto report = trail->Purge("2016-01-01", kNow);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_FALSE(report->dry_run);
  EXPECT_EQ(report->before, "2016-01-01T00:00:00Z");
  EXPECT_EQ(report->retention_years, 10);
  EXPECT_EQ(report->first_seq, 1);
  EXPECT_EQ(report->last_seq, 5);
  EXPECT_EQ(report->first_id, "D-000001");
  EXPECT_EQ(report->last_id, "D-000005");
  EXPECT_EQ(report->removed, 5);
  using Counts = std::vector<std::pair<std::string, std::int64_t>>;
  EXPECT_EQ(report->removed_by_kind,
            (Counts{{"decision", 4}, {"clear_hit", 1}}));
  EXPECT_EQ(report->last_record_hash, fifth.record_hash);
  EXPECT_EQ(report->kept_from_id, "D-000006");
  EXPECT_NE(report->stop_reason.find("not before the cutoff"),
            std::string::npos)
      << report->stop_reason;

  // The checkpoint is a new record at the end of the chain, chained and
  // hashed like any other.
  ASSERT_TRUE(report->checkpoint.has_value());
  const AuditRecord& c = *report->checkpoint;
  EXPECT_EQ(c.seq, 8);
  EXPECT_EQ(c.id, "A-000008");
  EXPECT_EQ(c.kind, RecordKind::kPurgeCheckpoint);
  EXPECT_EQ(c.created_at, kNow);
  EXPECT_EQ(c.actor, "retention");
  EXPECT_EQ(c.prev_hash, seventh.record_hash);
  EXPECT_EQ(c.record_hash, ComputeRecordHash(c));
  const AuditRecord stored = trail->Get("A-000008").value();
  EXPECT_EQ(stored.record_hash, c.record_hash);
  EXPECT_EQ(stored.input_json, c.input_json);
  const json input = json::parse(c.input_json);
  EXPECT_EQ(input["first_seq"], 1);
  EXPECT_EQ(input["last_seq"], 5);
  EXPECT_EQ(input["last_record_hash"], fifth.record_hash);
  EXPECT_EQ(input["first_prev_hash"], "");
  EXPECT_EQ(input["records"], 5);
  EXPECT_EQ(input["before"], "2016-01-01T00:00:00Z");
  EXPECT_EQ(json::parse(c.output_json)["removed_by_kind"]["clear_hit"], 1);
  const AuditHead head = trail->Head().value();
  EXPECT_EQ(head.seq, 8);
  EXPECT_EQ(head.record_hash, c.record_hash);

  // The prefix is gone; the rest is intact and verifies.
  auto gone = trail->Get("D-000001");
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(trail->Get("D-000006").has_value());
  auto verified = trail->Verify();
  ASSERT_TRUE(verified.has_value());
  EXPECT_TRUE(verified->ok) << verified->problem;
  EXPECT_EQ(verified->records, 3);
  EXPECT_EQ(verified->first_seq, 6);
  EXPECT_EQ(verified->purge_checkpoint, "A-000008");

  // Anchors: one kept, the last removed record (held by the checkpoint),
  // one inside the purged range (cannot be checked), a wrong hash.
  EXPECT_TRUE(trail->Verify(before_purge).value().ok);
  EXPECT_TRUE(trail->Verify(AuditHead{5, fifth.record_hash}).value().ok);
  auto purged_anchor = trail->Verify(AuditHead{3, std::string(64, 'a')});
  ASSERT_TRUE(purged_anchor.has_value());
  EXPECT_FALSE(purged_anchor->ok);
  EXPECT_EQ(purged_anchor->first_broken_seq, 3);
  EXPECT_EQ(purged_anchor->anchor_purged_by, "A-000008");
  EXPECT_NE(purged_anchor->problem.find("purged"), std::string::npos)
      << purged_anchor->problem;
  EXPECT_EQ(purged_anchor->problem.find("missing"), std::string::npos)
      << purged_anchor->problem;
  auto wrong = trail->Verify(AuditHead{5, std::string(64, 'b')});
  ASSERT_TRUE(wrong.has_value());
  EXPECT_FALSE(wrong->ok);
  EXPECT_TRUE(wrong->anchor_purged_by.empty());
  EXPECT_NE(wrong->problem.find("differs from the anchored head"),
            std::string::npos)
      << wrong->problem;

  // The chain goes on; actions on purged decisions are refused.
  AppendOrDie(*trail, Decision("acct-7", "2026-03-02T10:00:00Z"));
  EXPECT_TRUE(trail->Verify().value().ok);
  auto late = trail->Append(
      Action(RecordKind::kClearHit, "D-000002", "2026-03-02T10:00:00Z"));
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code(), ErrorCode::kNotFound);

  // Reopened (another process): the same.
  trail.reset();
  EXPECT_TRUE(OpenOrDie(path)->Verify().value().ok);
}

TEST(AuditPurge, ADecisionAKeptActionRefersToStopsThePrefix) {
  testing::TempDir dir;
  auto trail = OpenOrDie(dir.File("c.db"));
  AppendOrDie(*trail, Decision("acct-1", "2014-01-01T00:00:00Z"));  // D1
  AppendOrDie(*trail, Action(RecordKind::kOverride, "D-000001",
                             "2014-01-02T00:00:00Z"));              // A2
  AppendOrDie(*trail, Decision("acct-2", "2014-02-01T00:00:00Z"));  // D3
  AppendOrDie(*trail, Decision("acct-3", "2015-02-01T00:00:00Z"));  // D4
  AppendOrDie(*trail, Action(RecordKind::kOverride, "D-000003",
                             "2020-01-01T00:00:00Z"));              // A5, kept
  AppendOrDie(*trail, Decision("acct-4", "2020-02-01T00:00:00Z"));  // D6

  // Everything up to D4 is older than the cutoff, but A5 (kept) refers to
  // D3: the purge stops before D3. D1 and its own override go together.
  auto dry = trail->Purge("2016-01-01", kNow, {.dry_run = true});
  ASSERT_TRUE(dry.has_value()) << dry.error().ToString();
  EXPECT_EQ(dry->removed, 2);
  EXPECT_EQ(dry->last_id, "A-000002");
  EXPECT_EQ(dry->kept_from_id, "D-000003");
  EXPECT_NE(dry->stop_reason.find("referred to by A-000005"), std::string::npos)
      << dry->stop_reason;
  auto report = trail->Purge("2016-01-01", kNow);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->first_seq, 1);
  EXPECT_EQ(report->last_seq, 2);
  ASSERT_TRUE(report->checkpoint.has_value());
  EXPECT_EQ(report->checkpoint->id, "A-000007");
  auto kept = trail->Get("D-000003");
  ASSERT_TRUE(kept.has_value());
  ASSERT_EQ(trail->ActionsFor("D-000003").value().size(), 1u);
  auto verified = trail->Verify();
  ASSERT_TRUE(verified.has_value());
  EXPECT_TRUE(verified->ok) << verified->problem;
  EXPECT_EQ(verified->first_seq, 3);

  // Ten years later the rest ages out: a second purge removes D3..D6 (the
  // action and its decision together) and stops at the first checkpoint
  // (created at the first purge). The chain verifies through the second
  // checkpoint; the first one, still held, lies wholly before the chain.
  auto again = trail->Purge("2021-01-01", "2031-06-01T00:00:00Z");
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(again->first_seq, 3);
  EXPECT_EQ(again->last_seq, 6);
  EXPECT_EQ(again->kept_from_id, "A-000007");
  ASSERT_TRUE(again->checkpoint.has_value());
  EXPECT_EQ(again->checkpoint->id, "A-000008");
  verified = trail->Verify();
  ASSERT_TRUE(verified.has_value());
  EXPECT_TRUE(verified->ok) << verified->problem;
  EXPECT_EQ(verified->first_seq, 7);
  EXPECT_EQ(verified->records, 2);
  EXPECT_EQ(verified->purge_checkpoint, "A-000008");
  const json second = json::parse(again->checkpoint->input_json);
  EXPECT_EQ(second["first_prev_hash"],
            json::parse(report->checkpoint->input_json)["last_record_hash"]);
}

TEST(AuditPurge, EveryRecordOlderLeavesTheCheckpointAlone) {
  testing::TempDir dir;
  auto trail = OpenOrDie(dir.File("c.db"));
  AppendSeven(*trail);
  auto report = trail->Purge("2021-01-01", "2031-06-01T00:00:00Z");
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->removed, 7);
  EXPECT_EQ(report->kept_from_seq, 0);
  auto verified = trail->Verify();
  ASSERT_TRUE(verified.has_value());
  EXPECT_TRUE(verified->ok) << verified->problem;
  EXPECT_EQ(verified->records, 1);
  EXPECT_EQ(verified->first_seq, 8);
  EXPECT_EQ(verified->purge_checkpoint, "A-000008");
  AppendOrDie(*trail, Decision("acct-8", "2031-06-01T00:00:01Z"));
  EXPECT_TRUE(trail->Verify().value().ok);
}

TEST(AuditPurge, NothingOldEnoughIsANoOp) {
  testing::TempDir dir;
  auto trail = OpenOrDie(dir.File("c.db"));
  AppendSeven(*trail);
  auto report = trail->Purge("2014-01-01", kNow);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->removed, 0);
  EXPECT_FALSE(report->checkpoint.has_value());
  EXPECT_EQ(report->kept_from_id, "D-000001");
  EXPECT_EQ(trail->Head().value().seq, 7);
  auto empty = OpenOrDie(dir.File("empty.db"))->Purge("2014-01-01", kNow);
  ASSERT_TRUE(empty.has_value()) << empty.error().ToString();
  EXPECT_EQ(empty->removed, 0);
}

TEST(AuditPurge, TamperingAfterAPurgeIsDetected) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  {
    auto trail = OpenOrDie(path);
    AppendSeven(*trail);
    ASSERT_TRUE(trail->Purge("2016-01-01", kNow).has_value());
  }
  const std::string copy = dir.File("copy.db");
  std::filesystem::copy_file(path, copy);
  const std::string copy2 = dir.File("copy2.db");
  std::filesystem::copy_file(path, copy2);

  // A kept record edited.
  ASSERT_EQ(Sql(path, std::string(kDropTriggers) +
                          "UPDATE audit_records SET outcome = 'DENY' WHERE "
                          "seq = 6;"),
            SQLITE_OK);
  VerifyReport report = OpenOrDie(path)->Verify().value();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_id, "D-000006");
  EXPECT_EQ(report.problem, "record_hash does not match content");

  // The checkpoint itself edited (a wider range claimed).
  ASSERT_EQ(Sql(copy, std::string(kDropTriggers) +
                          "UPDATE audit_records SET input_json = "
                          "replace(input_json, '\"last_seq\":5', "
                          "'\"last_seq\":6') WHERE seq = 8;"),
            SQLITE_OK);
  report = OpenOrDie(copy)->Verify().value();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_id, "A-000008");

  // The first kept record deleted as well (past the triggers): no
  // checkpoint vouches for the new first record.
  ASSERT_EQ(Sql(copy2, std::string(kDropTriggers) +
                           "DELETE FROM audit_records WHERE seq = 6;"),
            SQLITE_OK);
  report = OpenOrDie(copy2)->Verify().value();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_id, "D-000007");
  EXPECT_NE(report.problem.find("no purge checkpoint covers them"),
            std::string::npos)
      << report.problem;
}

TEST(AuditPurge, SqlTriggersStillRefuseEveryOtherDelete) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  {
    auto trail = OpenOrDie(path);
    AppendSeven(*trail);
  }
  std::string message;
  // Before any purge: no delete at all, the oldest record included.
  EXPECT_NE(Sql(path, "DELETE FROM audit_records WHERE seq = 1", &message),
            SQLITE_OK);
  EXPECT_NE(message.find("append-only"), std::string::npos) << message;
  // A purge cannot be faked by recording one without its checkpoint.
  EXPECT_NE(Sql(path,
                "INSERT INTO audit_purges (checkpoint_seq, checkpoint_id, "
                "first_seq, last_seq, last_record_hash) SELECT 7, 'D-000007', "
                "1, 2, record_hash FROM audit_records WHERE seq = 2",
                &message),
            SQLITE_OK);
  {
    auto trail = OpenOrDie(path);
    ASSERT_TRUE(trail->Purge("2016-01-01", kNow).has_value());
  }
  // After it: the records kept, the newest and the checkpoint stay; the
  // purge record cannot be edited or removed; updates abort as before.
  for (const char* sql :
       {"DELETE FROM audit_records WHERE seq = 6",
        "DELETE FROM audit_records WHERE seq = 8", "DELETE FROM audit_records",
        "UPDATE audit_records SET reason = 'x' WHERE seq = 8",
        "DELETE FROM audit_purges", "UPDATE audit_purges SET last_seq = 7",
        "UPDATE audit_head SET seq = 5", "DELETE FROM audit_head"}) {
    EXPECT_NE(Sql(path, sql, &message), SQLITE_OK) << sql;
    EXPECT_FALSE(message.empty()) << sql;
  }
  EXPECT_TRUE(OpenOrDie(path)->Verify().value().ok);
}

TEST(AuditPurge, ARawDeleteOfAReferencedRecordIsRefused) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  {
    auto trail = OpenOrDie(path);
    AppendOrDie(*trail, Decision("acct-1", "2014-01-01T00:00:00Z"));
    AppendOrDie(*trail, Decision("acct-2", "2014-01-02T00:00:00Z"));
    AppendOrDie(*trail, Action(RecordKind::kOverride, "D-000001",
                               "2020-01-01T00:00:00Z"));
  }
  // A purge record covering D1 (as a planner ignoring references would
  // write it): the trigger still keeps D1, which kept A3 refers to.
  std::string message;
  ASSERT_EQ(
      Sql(path,
          "DROP TRIGGER audit_purges_with_checkpoint; "
          "INSERT INTO audit_purges (checkpoint_seq, checkpoint_id, "
          "first_seq, last_seq, last_record_hash) VALUES (9, 'A-000009', 1, "
          "2, 'x');"),
      SQLITE_OK);
  EXPECT_NE(Sql(path, "DELETE FROM audit_records WHERE seq = 1", &message),
            SQLITE_OK);
  EXPECT_NE(message.find("refers to"), std::string::npos) << message;
  EXPECT_NE(Sql(path, "DELETE FROM audit_records WHERE seq = 2", &message),
            SQLITE_OK);  // not the oldest
}

TEST(AuditPurge, DryRunAndFailedPurgesLeaveTheFileUnchanged) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  {
    auto trail = OpenOrDie(path);
    AppendSeven(*trail);
  }
  const std::string before = testing::ReadFile(path);
  ASSERT_FALSE(before.empty());
  ASSERT_FALSE(std::filesystem::exists(path + "-wal"));
  {
    auto trail = OpenOrDie(path);
    auto dry = trail->Purge("2016-01-01", kNow, {.dry_run = true});
    ASSERT_TRUE(dry.has_value()) << dry.error().ToString();
    EXPECT_TRUE(dry->dry_run);
    EXPECT_EQ(dry->removed, 5);
    EXPECT_EQ(dry->last_id, "D-000005");
    EXPECT_FALSE(dry->checkpoint.has_value());
    EXPECT_FALSE(trail->Purge("2020-01-01", kNow).has_value());  // too young
    EXPECT_EQ(trail->Verify().value().records, 7);
  }
  EXPECT_EQ(testing::ReadFile(path), before);

  // A broken chain is never purged, and the refusal changes nothing.
  ASSERT_EQ(Sql(path, std::string(kDropTriggers) +
                          "UPDATE audit_records SET subject = 'x' WHERE seq = "
                          "2;"),
            SQLITE_OK);
  const std::string tampered = testing::ReadFile(path);
  {
    auto trail = OpenOrDie(path);
    auto refused = trail->Purge("2016-01-01", kNow);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code(), ErrorCode::kIntegrity);
    EXPECT_NE(refused.error().message().find("D-000002"), std::string::npos)
        << refused.error().message();
  }
  EXPECT_EQ(testing::ReadFile(path), tampered);
}

TEST(AuditPurge, AppendsDuringAPurgeKeepOneChain) {
  testing::TempDir dir;
  auto trail = OpenOrDie(dir.File("c.db"));
  for (int i = 0; i < 50; ++i) {
    AppendOrDie(*trail,
                Decision("old-" + std::to_string(i), "2014-01-01T00:00:00Z"));
  }
  std::atomic<bool> stop = false;
  std::atomic<int> appended = 0;
  std::thread writer([&] {
    while (!stop) {
      if (trail->Append(Decision("new", "2026-03-02T09:00:00Z"))) ++appended;
    }
  });
  auto report = trail->Purge("2016-01-01", kNow);
  stop = true;
  writer.join();
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_GE(report->removed, 50);
  auto verified = trail->Verify();
  ASSERT_TRUE(verified.has_value());
  EXPECT_TRUE(verified->ok) << verified->problem;
  EXPECT_EQ(verified->records, appended.load() + 1);
}

}  // namespace
}  // namespace clearance::audit
