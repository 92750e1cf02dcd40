// The audit trail: append/read/list/actions, canonical JSON, the hash
// definition, SQL append-only triggers, and tampering with the SQLite file
// directly (past the triggers), which Verify must name.
#include "engine/audit/audit_trail.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "engine/crypto/sha256.h"
#include "tests/test_support.h"

namespace clearance::audit {
namespace {

std::unique_ptr<AuditTrail> OpenOrDie(const std::string& path) {
  auto trail = AuditTrail::Open(path);
  EXPECT_TRUE(trail.has_value()) << trail.error().ToString();
  return trail ? std::move(*trail) : nullptr;
}

AuditRecord Decision(const std::string& subject, const std::string& outcome,
                     int n = 0) {
  AuditRecord r;
  r.kind = RecordKind::kDecision;
  r.created_at = "2026-11-22T10:00:" + std::string(n < 10 ? "0" : "") +
                 std::to_string(n % 60) + "Z";
  r.actor = "api";
  r.subject = subject;
  r.outcome = outcome;
  r.input_json = R"({"account": {"legal_name": "Lion City Compute", "n": )" +
                 std::to_string(n) + "}}";
  r.output_json = R"({"outcome": ")" + outcome + R"(", "fired": ["A1", "B2"]})";
  return r;
}

AuditRecord Action(RecordKind kind, const std::string& decision_id,
                   const std::string& reason) {
  AuditRecord r;
  r.kind = kind;
  r.created_at = "2026-11-23T09:00:00Z";
  r.actor = "reviewer:bob";
  r.subject = "acct-1";
  r.refers_to = decision_id;
  r.outcome = kind == RecordKind::kOverride ? "ALLOW" : "";
  r.reason = reason;
  return r;
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

// What an attacker with file access does first.
constexpr const char* kDropTriggers =
    "DROP TRIGGER audit_records_no_update; DROP TRIGGER "
    "audit_records_no_delete; DROP TRIGGER audit_records_continue_chain; "
    "DROP TRIGGER audit_records_advance_head; DROP TRIGGER "
    "audit_head_forward_only; DROP TRIGGER audit_head_no_delete;";

// Five decisions for acct-1..acct-5, seq 1..5.
void AppendFive(AuditTrail& trail) {
  for (int i = 1; i <= 5; ++i) {
    auto r = trail.Append(
        Decision("acct-" + std::to_string(i), i == 3 ? "DENY" : "ALLOW", i));
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
  }
}

VerifyReport VerifyOrDie(const std::string& path) {
  auto trail = OpenOrDie(path);
  auto report = trail->Verify();
  EXPECT_TRUE(report.has_value()) << report.error().ToString();
  return report ? *report : VerifyReport{};
}

TEST(AuditTrail, AppendAssignsSeqIdsAndChainsHashes) {
  testing::TempDir dir;
  auto trail = OpenOrDie(dir.File("c.db"));
  AuditRecord in = Decision("acct-1", "DENY", 1);
  in.seq = 99;  // ignored
  in.id = "X";
  auto d = trail->Append(in);
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  EXPECT_EQ(d->seq, 1);
  EXPECT_EQ(d->id, "D-000001");
  EXPECT_EQ(d->prev_hash, "");
  EXPECT_EQ(d->record_hash.size(), 64u);
  EXPECT_EQ(d->record_hash, ComputeRecordHash(*d));

  auto a = trail->Append(Action(RecordKind::kClearHit, "D-000001",
                                "name match on a different person (DOB)"));
  ASSERT_TRUE(a.has_value()) << a.error().ToString();
  EXPECT_EQ(a->seq, 2);
  EXPECT_EQ(a->id, "A-000002");
  EXPECT_EQ(a->prev_hash, d->record_hash);

  auto batch = trail->AppendBatch(
      {Decision("acct-2", "ALLOW", 2), Decision("acct-3", "ESCALATE", 3)});
  ASSERT_TRUE(batch.has_value()) << batch.error().ToString();
  ASSERT_EQ(batch->size(), 2u);
  EXPECT_EQ((*batch)[0].id, "D-000003");
  EXPECT_EQ((*batch)[1].id, "D-000004");
  EXPECT_EQ((*batch)[0].prev_hash, a->record_hash);
  EXPECT_EQ((*batch)[1].prev_hash, (*batch)[0].record_hash);

  auto head = trail->Head();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->seq, 4);
  EXPECT_EQ(head->record_hash, (*batch)[1].record_hash);
}

TEST(AuditTrail, RecordHashIsTheDocumentedEncoding) {
  AuditRecord r = Decision("acct-1", "DENY", 7);
  r.seq = 12;
  r.id = "D-000012";
  r.input_json = R"({"a":1})";
  r.output_json = R"({"outcome":"DENY"})";
  r.prev_hash = std::string(64, 'a');
  crypto::Sha256 h;
  auto field = [&](const std::string& s) {
    std::string len(8, '\0');
    for (int i = 0; i < 8; ++i) {
      len[static_cast<std::size_t>(7 - i)] =
          static_cast<char>((s.size() >> (8 * i)) & 0xff);
    }
    h.Update(len);
    h.Update(s);
  };
  for (const std::string& s :
       {std::string("clearance-audit-v1"), r.prev_hash, std::string("12"), r.id,
        std::string("decision"), r.created_at, r.actor, r.subject, r.refers_to,
        r.outcome, r.reason, r.input_json, r.output_json}) {
    field(s);
  }
  EXPECT_EQ(ComputeRecordHash(r), h.FinishHex());
  // Moving bytes across a field boundary changes the hash.
  AuditRecord moved = r;
  moved.actor = "ap";
  moved.subject = "i" + r.subject;
  EXPECT_NE(ComputeRecordHash(moved), ComputeRecordHash(r));
}

TEST(AuditTrail, GetListAndActionsFor) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  {
    auto trail = OpenOrDie(path);
    AppendFive(*trail);
    ASSERT_TRUE(trail
                    ->Append(Action(RecordKind::kOverride, "D-000003",
                                    "documented end-user statement"))
                    .has_value());
    ASSERT_TRUE(trail->Append(Decision("acct-3", "ALLOW", 6)).has_value());
    ASSERT_TRUE(trail
                    ->Append(Action(RecordKind::kSecondApproval, "D-000003",
                                    "four-eyes approval"))
                    .has_value());
  }
  auto trail = OpenOrDie(path);  // reopened: everything persisted
  auto d3 = trail->Get("D-000003");
  ASSERT_TRUE(d3.has_value()) << d3.error().ToString();
  EXPECT_EQ(d3->outcome, "DENY");
  EXPECT_EQ(d3->subject, "acct-3");
  EXPECT_EQ(d3->input_json,
            R"({"account":{"legal_name":"Lion City Compute","n":3}})");
  auto missing = trail->Get("D-000099");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);

  auto acct3 = trail->List("acct-3", 0);
  ASSERT_TRUE(acct3.has_value());
  ASSERT_EQ(acct3->size(), 2u);           // the actions' subject is acct-1
  EXPECT_EQ((*acct3)[0].id, "D-000007");  // newest first
  EXPECT_EQ((*acct3)[1].id, "D-000003");
  auto decisions = trail->List("", 2, RecordKind::kDecision);
  ASSERT_TRUE(decisions.has_value());
  ASSERT_EQ(decisions->size(), 2u);
  EXPECT_EQ((*decisions)[0].id, "D-000007");
  EXPECT_EQ((*decisions)[1].id, "D-000005");
  auto overrides = trail->List("", 0, RecordKind::kOverride);
  ASSERT_TRUE(overrides.has_value());
  ASSERT_EQ(overrides->size(), 1u);

  auto actions = trail->ActionsFor("D-000003");
  ASSERT_TRUE(actions.has_value());
  ASSERT_EQ(actions->size(), 2u);
  EXPECT_EQ((*actions)[0].id, "A-000006");  // oldest first
  EXPECT_EQ((*actions)[0].kind, RecordKind::kOverride);
  EXPECT_EQ((*actions)[0].reason, "documented end-user statement");
  EXPECT_EQ((*actions)[1].kind, RecordKind::kSecondApproval);
  // The decision itself is unchanged by the actions.
  auto again = trail->Get("D-000003");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->record_hash, d3->record_hash);
  EXPECT_EQ(again->outcome, "DENY");

  auto report = trail->Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->records, 8);
}

TEST(AuditTrail, BadRecordsAreRefusedAndNothingIsStored) {
  testing::TempDir dir;
  auto trail = OpenOrDie(dir.File("c.db"));
  ASSERT_TRUE(trail->Append(Decision("acct-1", "DENY", 1)).has_value());

  auto unknown = trail->Append(Action(RecordKind::kClearHit, "D-000042", "x"));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  auto no_reason = trail->Append(Action(RecordKind::kOverride, "D-000001", ""));
  ASSERT_FALSE(no_reason.has_value());
  EXPECT_EQ(no_reason.error().code(), ErrorCode::kInvalidArgument);
  AuditRecord purge = Decision("acct-1", "DENY");
  purge.kind = RecordKind::kPurgeCheckpoint;
  EXPECT_FALSE(trail->Append(purge).has_value());
  AuditRecord no_outcome = Decision("acct-1", "");
  EXPECT_FALSE(trail->Append(no_outcome).has_value());

  AuditRecord bad_json = Decision("acct-2", "ALLOW");
  bad_json.output_json = R"({"outcome": "ALLOW",})";
  auto batch = trail->AppendBatch({Decision("acct-2", "ALLOW"), bad_json});
  ASSERT_FALSE(batch.has_value());
  EXPECT_EQ(batch.error().code(), ErrorCode::kParse);
  EXPECT_NE(batch.error().message().find("audit record 2"), std::string::npos)
      << batch.error().message();
  EXPECT_NE(batch.error().message().find("output_json"), std::string::npos);

  auto head = trail->Head();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->seq, 1);  // nothing of the refused batch was stored
  auto next = trail->Append(Decision("acct-2", "ALLOW"));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->id, "D-000002");
}

TEST(CanonicalJson, SortsKeysDropsWhiteSpaceKeepsUnicode) {
  auto a = CanonicalJson(R"( { "b" : [3, 2, {"z":1, "a":2}], "a" : null,
                               "A": true, "é": "x" } )");
  ASSERT_TRUE(a.has_value());
  // Bytewise key order: "A" (0x41) < "a" < "b" < "é" (0xC3 0xA9).
  EXPECT_EQ(*a, R"({"A":true,"a":null,"b":[3,2,{"a":2,"z":1}],"é":"x"})");
  // Key order of the input does not matter.
  auto b =
      CanonicalJson(R"({"é":"x","b":[3,2,{"a":2,"z":1}],"A":true,"a":null})");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(*a, *b);
  // Stable: canonical of canonical is itself.
  EXPECT_EQ(CanonicalJson(*a).value(), *a);

  // \u escapes of non-ASCII become UTF-8; control characters are escaped.
  EXPECT_EQ(
      CanonicalJson(R"({"name":"Caf\u00e9 \u5317\u4eac \ud83d\ude00"})")
          .value(),
      "{\"name\":\"Caf\xC3\xA9 \xE5\x8C\x97\xE4\xBA\xAC \xF0\x9F\x98\x80\"}");
  EXPECT_EQ(CanonicalJson(R"(["a\tb\u0001\/"])").value(), R"(["a\tb\u0001/"])");
  // Numbers as nlohmann::json writes them.
  EXPECT_EQ(
      CanonicalJson("[1, -0, 1.0, 0.1, 1e3, 2.5E-3, 12345678901234]").value(),
      "[1,0,1.0,0.1,1000.0,0.0025,12345678901234]");
  // NFC and NFD forms stay distinct (no normalization).
  EXPECT_NE(CanonicalJson("\"\xC3\xA9\"").value(),
            CanonicalJson("\"e\xCC\x81\"").value());

  auto bad = CanonicalJson("{\"a\":");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kParse);
  auto bad_utf8 = CanonicalJson("\"\xFF\xFE\"");
  ASSERT_FALSE(bad_utf8.has_value());
  EXPECT_EQ(bad_utf8.error().code(), ErrorCode::kParse);
}

// CanonicalJson is a one-pass rewrite; it must give exactly what
// nlohmann::json::parse(text).dump() gives, for any input.
nlohmann::ordered_json RandomValue(std::mt19937& rng, int depth) {
  auto pick = [&](int n) {
    return static_cast<int>(rng() % static_cast<unsigned>(n));
  };
  const int kind = depth >= 4 ? 2 + pick(6) : pick(8);
  switch (kind) {
    case 0: {
      nlohmann::ordered_json o = nlohmann::ordered_json::object();
      const char* keys[] = {"b",  "a", "A",  "\xC3\xA9",
                            "aa", "",  "z1", "\xE5\x8C\x97"};
      for (int i = pick(6); i > 0; --i)
        o[keys[pick(8)]] = RandomValue(rng, depth + 1);
      return o;
    }
    case 1: {
      nlohmann::ordered_json a = nlohmann::ordered_json::array();
      for (int i = pick(5); i > 0; --i)
        a.push_back(RandomValue(rng, depth + 1));
      return a;
    }
    case 2: {
      std::string text;
      const std::uint32_t pool[] = {
          'a',  '"',  '\\',   '/',    0x01,    0x1F,     '\n', '\t',
          0x7F, 0xE9, 0x5317, 0xFFFD, 0x1F600, 0x10FFFF, ' ',  0x00};
      for (int i = pick(8); i > 0; --i) {
        nlohmann::json cp_json = nlohmann::json::parse("\"" + [&] {
          const std::uint32_t cp = pool[pick(16)];
          char buf[16];
          if (cp >= 0x10000) {
            const std::uint32_t v = cp - 0x10000;
            std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (v >> 10),
                          0xDC00 + (v & 0x3FF));
          } else {
            std::snprintf(buf, sizeof buf, "\\u%04x", cp);
          }
          return std::string(buf);
        }() + "\"");
        text += cp_json.get<std::string>();
      }
      return text;
    }
    case 3:
      return static_cast<std::int64_t>(rng()) * (pick(2) ? 1 : -1) *
             (pick(2) ? 1 : 1000003);
    case 4:
      return std::numeric_limits<std::uint64_t>::max() - rng() % 1000;
    case 5: {
      const double fixed[] = {0.1,    1.0,    -0.0, 1e300,
                              5e-324, 2.5e-3, 1e21, 123456.789};
      if (pick(2)) return fixed[pick(8)];
      return std::ldexp(static_cast<double>(rng()), pick(200) - 100);
    }
    case 6:
      return pick(2) == 1;
    default:
      return nullptr;
  }
}

TEST(CanonicalJson, MatchesNlohmannDumpOnRandomDocuments) {
  std::mt19937 rng(20261122);
  for (int i = 0; i < 3000; ++i) {
    const nlohmann::ordered_json value = RandomValue(rng, 0);
    for (const std::string& input :
         {value.dump(), value.dump(2), value.dump(-1, ' ', true)}) {
      const std::string expected = nlohmann::json::parse(input).dump(
          -1, ' ', false, nlohmann::json::error_handler_t::strict);
      auto got = CanonicalJson(input);
      ASSERT_TRUE(got.has_value()) << input << ": " << got.error().ToString();
      ASSERT_EQ(*got, expected) << input;
    }
  }
  // Duplicate keys: the last wins, as in nlohmann; a BOM is skipped.
  for (const std::string input :
       {R"({"b":1,"a":2,"b":3})", R"({"a":{"y":1,"x":2},"a":[1]})",
        "\xEF\xBB\xBF {\"a\":1}", "-0", "[-0,0.0,-0.0,1E300]",
        "123456789012345678901234567890", "-123456789012345678"}) {
    const std::string expected = nlohmann::json::parse(input).dump();
    EXPECT_EQ(CanonicalJson(input).value(), expected) << input;
  }
  // Whatever nlohmann refuses is refused.
  for (const std::string input : {"{\"a\":1,}",
                                  "[1,]",
                                  "01",
                                  "1.",
                                  ".5",
                                  "\"\\ud800\"",
                                  "\"\\udc00\"",
                                  "\"\\ud800\\u0041\"",
                                  "\"\xC0\x80\"",
                                  "\"\xED\xA0\x80\"",
                                  "\"\xF4\x90\x80\x80\"",
                                  "tru",
                                  "\"a\x01\"",
                                  "1 2",
                                  "",
                                  "  ",
                                  "[",
                                  "{\"a\"}",
                                  "\"\\x\"",
                                  "-",
                                  "1e",
                                  "+1",
                                  "{a:1}",
                                  "[1 2]",
                                  "\"\xE9\""}) {
    EXPECT_TRUE(nlohmann::json::parse(input, nullptr, false).is_discarded())
        << input;
    auto got = CanonicalJson(input);
    EXPECT_FALSE(got.has_value()) << input;
    if (!got) {
      EXPECT_EQ(got.error().code(), ErrorCode::kParse);
    }
  }
}

TEST(AuditTrail, SqlTriggersRefuseUpdateAndDelete) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  {
    auto trail = OpenOrDie(path);
    AppendFive(*trail);
  }
  std::string message;
  EXPECT_NE(
      Sql(path, "UPDATE audit_records SET outcome = 'ALLOW' WHERE seq = 3",
          &message),
      SQLITE_OK);
  EXPECT_NE(message.find("append-only"), std::string::npos) << message;
  EXPECT_NE(Sql(path, "DELETE FROM audit_records WHERE seq = 5", &message),
            SQLITE_OK);
  EXPECT_NE(Sql(path, "DELETE FROM audit_head", &message), SQLITE_OK);
  EXPECT_NE(Sql(path, "UPDATE audit_head SET seq = 4", &message), SQLITE_OK);
  // An insert that does not continue the chain is refused too.
  EXPECT_NE(Sql(path,
                "INSERT INTO audit_records (seq, id, kind, created_at, "
                "prev_hash, record_hash) VALUES (9, 'D-000009', 'decision', "
                "'x', '', '')",
                &message),
            SQLITE_OK);
  EXPECT_NE(message.find("continue the chain"), std::string::npos) << message;
  EXPECT_TRUE(VerifyOrDie(path).ok);
}

TEST(AuditTrailTamper, UpdatedFieldIsNamed) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  AppendFive(*OpenOrDie(path));
  ASSERT_EQ(Sql(path, std::string(kDropTriggers) +
                          "UPDATE audit_records SET outcome = 'ALLOW' "
                          "WHERE seq = 3"),
            SQLITE_OK);
  VerifyReport report = VerifyOrDie(path);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 3);
  EXPECT_EQ(report.first_broken_id, "D-000003");
  EXPECT_EQ(report.problem, "record_hash does not match content");
}

TEST(AuditTrailTamper, JsonEditIsNamed) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  AppendFive(*OpenOrDie(path));
  ASSERT_EQ(Sql(path, std::string(kDropTriggers) +
                          "UPDATE audit_records SET input_json = "
                          "replace(input_json, 'Lion', 'Lyon') WHERE seq = 2"),
            SQLITE_OK);
  VerifyReport report = VerifyOrDie(path);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 2);
}

TEST(AuditTrailTamper, DeletedMiddleRowIsNamed) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  AppendFive(*OpenOrDie(path));
  ASSERT_EQ(Sql(path, std::string(kDropTriggers) +
                          "DELETE FROM audit_records WHERE seq = 3"),
            SQLITE_OK);
  VerifyReport report = VerifyOrDie(path);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 3);
  EXPECT_EQ(report.first_broken_id, "");
  EXPECT_NE(report.problem.find("seq gap (record 3 missing"), std::string::npos)
      << report.problem;
}

TEST(AuditTrailTamper, DeletedAndRenumberedRowIsNamed) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  AppendFive(*OpenOrDie(path));
  // Hide the gap: remove 3 and move 4, 5 down.
  ASSERT_EQ(
      Sql(path, std::string(kDropTriggers) +
                    "DELETE FROM audit_records WHERE seq = 3;"
                    "UPDATE audit_records SET seq = seq - 1 WHERE seq > 3"),
      SQLITE_OK);
  VerifyReport report = VerifyOrDie(path);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 3);
  EXPECT_EQ(report.first_broken_id, "D-000004");
  EXPECT_NE(report.problem.find("prev_hash"), std::string::npos)
      << report.problem;
}

TEST(AuditTrailTamper, SwappedRowsAreNamed) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  AppendFive(*OpenOrDie(path));
  // Swap the content of records 2 and 4 (everything but seq).
  const std::string cols =
      "id, kind, created_at, actor, subject, refers_to, outcome, reason, "
      "input_json, output_json, prev_hash, record_hash";
  ASSERT_EQ(
      Sql(path, std::string(kDropTriggers) +
                    "CREATE TEMP TABLE t AS SELECT * FROM audit_records WHERE "
                    "seq IN (2, 4);"
                    "DELETE FROM audit_records WHERE seq IN (2, 4);"
                    "INSERT INTO audit_records (seq, " +
                    cols + ") SELECT 6 - seq, " + cols + " FROM t;"),
      SQLITE_OK);
  VerifyReport report = VerifyOrDie(path);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 2);
  EXPECT_EQ(report.first_broken_id, "D-000004");  // what now sits at seq 2
  EXPECT_NE(report.problem.find("prev_hash"), std::string::npos)
      << report.problem;
}

TEST(AuditTrailTamper, TruncatedLastRecordIsNamed) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  AppendFive(*OpenOrDie(path));
  ASSERT_EQ(Sql(path, std::string(kDropTriggers) +
                          "UPDATE audit_records SET output_json = "
                          "substr(output_json, 1, 10) WHERE seq = 5"),
            SQLITE_OK);
  VerifyReport report = VerifyOrDie(path);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 5);
  EXPECT_EQ(report.first_broken_id, "D-000005");
  EXPECT_EQ(report.problem, "record_hash does not match content");
}

TEST(AuditTrailTamper, DeletedLastRecordIsNamed) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  AppendFive(*OpenOrDie(path));
  ASSERT_EQ(Sql(path, std::string(kDropTriggers) +
                          "DELETE FROM audit_records WHERE seq = 5"),
            SQLITE_OK);
  VerifyReport report = VerifyOrDie(path);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 5);
  EXPECT_EQ(report.records, 4);
  EXPECT_NE(report.problem.find("record 5 missing"), std::string::npos)
      << report.problem;
}

TEST(AuditTrailTamper, RewrittenChainIsCaughtOnlyByTheAnchor) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  AuditHead anchor;
  {
    auto trail = OpenOrDie(path);
    AppendFive(*trail);
    anchor = trail->Head().value();
  }
  // An attacker with file access rewrites record 3 and recomputes every
  // hash after it, and the head: the chain is self-consistent again.
  {
    auto trail = OpenOrDie(path);
    std::vector<AuditRecord> all;
    for (int seq = 1; seq <= 5; ++seq) {
      all.push_back(trail->Get("D-00000" + std::to_string(seq)).value());
    }
    all[2].outcome = "ALLOW";
    std::string sql = kDropTriggers;
    for (std::size_t i = 2; i < all.size(); ++i) {
      all[i].prev_hash = all[i - 1].record_hash;
      all[i].record_hash = ComputeRecordHash(all[i]);
      sql += "UPDATE audit_records SET outcome = '" + all[i].outcome +
             "', prev_hash = '" + all[i].prev_hash + "', record_hash = '" +
             all[i].record_hash + "' WHERE seq = " + std::to_string(i + 1) +
             ";";
    }
    sql += "UPDATE audit_head SET record_hash = '" + all[4].record_hash + "';";
    trail.reset();
    ASSERT_EQ(Sql(path, sql), SQLITE_OK);
  }
  auto trail = OpenOrDie(path);
  EXPECT_TRUE(trail->Verify().value().ok);
  auto anchored = trail->Verify(anchor);
  ASSERT_TRUE(anchored.has_value());
  EXPECT_FALSE(anchored->ok);
  EXPECT_EQ(anchored->first_broken_seq, 5);
  EXPECT_NE(anchored->problem.find("anchored head"), std::string::npos);
}

TEST(AuditTrail, ConcurrentAppendsAreGroupCommittedInOneChain) {
  testing::TempDir dir;
  auto trail = OpenOrDie(dir.File("c.db"));
  constexpr int kThreads = 6;
  constexpr int kEach = 40;
  std::vector<std::thread> threads;
  std::array<std::vector<std::string>, kThreads> ids;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r =
            trail->Append(Decision("acct-" + std::to_string(t), "ALLOW", i));
        if (r) ids[static_cast<std::size_t>(t)].push_back(r->id);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> unique;
  for (const auto& v : ids) unique.insert(v.begin(), v.end());
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kThreads * kEach));
  auto report = trail->Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->records, kThreads * kEach);
}

TEST(Review, AnOverrideTakesEffectOnlyWithASecondReviewersApproval) {
  testing::TempDir dir;
  auto trail = OpenOrDie(dir.File("c.db"));
  const AuditRecord d = trail->Append(Decision("acct-1", "ALLOW", 1)).value();
  auto override_by = [&](const std::string& reviewer,
                         const std::string& outcome) {
    AuditRecord o = Action(RecordKind::kOverride, d.id, "adverse media");
    o.actor = "reviewer:" + reviewer;
    o.outcome = outcome;
    return trail->Append(o).value();
  };
  auto approve = [&](const AuditRecord& o, const std::string& reviewer) {
    AuditRecord a = Action(RecordKind::kSecondApproval, d.id, "");
    a.actor = "reviewer:" + reviewer;
    a.outcome = o.outcome;
    a.input_json = R"({"override": ")" + o.id + R"("})";
    return trail->Append(a).value();
  };
  auto review = [&] {
    return ReviewActions(d, trail->ActionsFor(d.id).value());
  };

  EXPECT_EQ(review().effective_outcome, "ALLOW");
  const AuditRecord deny = override_by("alice", "DENY");
  EXPECT_EQ(review().effective_outcome, "ALLOW");  // awaiting approval
  approve(deny, "alice");                          // same eyes: no effect
  EXPECT_EQ(review().effective_outcome, "ALLOW");
  EXPECT_TRUE(review().approvals.empty());
  const AuditRecord approval = approve(deny, "bob");
  Review r = review();
  EXPECT_EQ(r.effective_outcome, "DENY");
  EXPECT_EQ(r.effective_by, deny.id);
  EXPECT_EQ(r.approvals.at(deny.id), approval.id);

  // A later override counts once it is approved; the latest approved wins.
  const AuditRecord escalate = override_by("carol", "ESCALATE");
  EXPECT_EQ(review().effective_outcome, "DENY");
  approve(escalate, "dave");
  EXPECT_EQ(review().effective_outcome, "ESCALATE");
  // Approving the older override again changes nothing.
  approve(deny, "erin");
  r = review();
  EXPECT_EQ(r.effective_outcome, "ESCALATE");
  EXPECT_EQ(r.approvals.at(deny.id), approval.id);
}

TEST(AuditTrail, OpenRefusesZeroRetention) {
  testing::TempDir dir;
  AuditOptions options;
  options.retention_years = 0;
  auto trail = AuditTrail::Open(dir.File("c.db"), options);
  ASSERT_FALSE(trail.has_value());
  EXPECT_EQ(trail.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace clearance::audit
