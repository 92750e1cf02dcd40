#include "engine/store/audit_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <utility>

#include "engine/store/list_store.h"
#include "engine/store/sqlite_statement.h"

namespace clearance::store {
namespace {

// WAL + synchronous=FULL: every commit fsyncs the WAL before it returns, so
// an acknowledged audit record survives a power cut, not only a process
// kill (NORMAL would survive the kill but may lose the newest commits on
// power loss, which "acknowledged = on disk" forbids). The cost, one fsync
// per transaction, is paid once per group commit (AuditTrail::AppendBatch
// and concurrent Append calls), see docs/records.md.
constexpr const char* kConnectionPragmas =
    "PRAGMA synchronous = FULL;"
    "PRAGMA foreign_keys = ON;";

constexpr const char* kColumns =
    "seq, id, kind, created_at, actor, subject, refers_to, outcome, reason, "
    "input_json, output_json, prev_hash, record_hash";

using internal::Statement;

AuditRow RowFrom(const Statement& s) {
  AuditRow r;
  r.seq = s.Int(0);
  r.id = s.Text(1);
  r.kind = s.Text(2);
  r.created_at = s.Text(3);
  r.actor = s.Text(4);
  r.subject = s.Text(5);
  r.refers_to = s.Text(6);
  r.outcome = s.Text(7);
  r.reason = s.Text(8);
  r.input_json = s.Text(9);
  r.output_json = s.Text(10);
  r.prev_hash = s.Text(11);
  r.record_hash = s.Text(12);
  return r;
}

}  // namespace

struct AuditStore::Impl : internal::Connection {
  Statement insert;  // prepared once: the append hot path

  // Steps to completion; calls `row` for each result row; resets.
  template <typename F>
  Result<void> Rows(Statement& s, std::string_view op, F&& row) {
    while (true) {
      const int rc = s.Step();
      if (rc == SQLITE_ROW) {
        if (!row(s)) break;
        continue;
      }
      if (rc == SQLITE_DONE) break;
      Error e = Failure(op);
      s.Reset();
      return std::unexpected(std::move(e));
    }
    s.Reset();
    return Ok();
  }
  Result<std::vector<AuditRow>> Query(std::string_view sql, std::string_view op,
                                      std::string_view a = {},
                                      std::string_view b = {},
                                      std::int64_t limit = -1) {
    auto s = Prepare(sql, op);
    if (!s) return std::unexpected(s.error());
    if (sqlite3_bind_parameter_count(*s->out()) >= 1) s->Bind(1, a);
    if (sqlite3_bind_parameter_count(*s->out()) >= 2) s->Bind(2, b);
    if (sqlite3_bind_parameter_count(*s->out()) >= 3) s->Bind(3, limit);
    std::vector<AuditRow> out;
    auto rows = Rows(*s, op, [&](const Statement& st) {
      out.push_back(RowFrom(st));
      return true;
    });
    if (!rows) return std::unexpected(rows.error());
    return out;
  }
};

Result<std::unique_ptr<AuditStore>> AuditStore::Open(const std::string& path) {
  // The list store creates the file, checks it is a Clearance store and
  // applies every migration (003_audit.sql included).
  {
    auto lists = ListStore::Open(path);
    if (!lists) return std::unexpected(lists.error());
  }
  auto impl = std::make_unique<Impl>();
  if (auto opened = impl->Open(path, kConnectionPragmas); !opened) {
    return std::unexpected(opened.error());
  }
  auto insert = impl->Prepare(
      "INSERT INTO audit_records (seq, id, kind, created_at, actor, subject, "
      "refers_to, outcome, reason, input_json, output_json, prev_hash, "
      "record_hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
      "audit: prepare insert");
  if (!insert) return std::unexpected(insert.error());
  impl->insert = std::move(*insert);
  return std::unique_ptr<AuditStore>(new AuditStore(std::move(impl), path));
}

AuditStore::AuditStore(std::unique_ptr<Impl> impl, std::string path)
    : impl_(std::move(impl)), path_(std::move(path)) {}
AuditStore::~AuditStore() = default;

Result<std::vector<AuditRow>> AuditStore::Append(std::vector<AuditRow> rows,
                                                 const Seal& seal) {
  Impl& d = *impl_;
  if (rows.empty()) return rows;
  if (auto begun = d.Exec("BEGIN IMMEDIATE", "audit append: begin"); !begun) {
    return std::unexpected(begun.error());
  }
  internal::RollbackGuard rollback(d.db);

  auto head = Head();
  if (!head) return std::unexpected(head.error());
  if (auto sealed = seal(*head, rows); !sealed) {
    return std::unexpected(sealed.error());
  }
  for (const AuditRow& r : rows) {
    d.insert.Bind(1, r.seq)
        .Bind(2, r.id)
        .Bind(3, r.kind)
        .Bind(4, r.created_at)
        .Bind(5, r.actor)
        .Bind(6, r.subject)
        .Bind(7, r.refers_to)
        .Bind(8, r.outcome)
        .Bind(9, r.reason)
        .Bind(10, r.input_json)
        .Bind(11, r.output_json)
        .Bind(12, r.prev_hash)
        .Bind(13, r.record_hash);
    const int rc = d.insert.Step();
    if (rc != SQLITE_DONE) {
      Error e = d.Failure("audit append: insert " + r.id);
      d.insert.Reset();
      return std::unexpected(std::move(e));
    }
    d.insert.Reset();
  }
  if (auto committed = d.Exec("COMMIT", "audit append: commit"); !committed) {
    return std::unexpected(committed.error());
  }
  rollback.Disarm();
  return rows;
}

Result<AuditRow> AuditStore::Purge(const AuditPurge& purge, AuditRow checkpoint,
                                   const Seal& seal) {
  Impl& d = *impl_;
  const std::string range =
      std::to_string(purge.first_seq) + ".." + std::to_string(purge.last_seq);
  if (purge.first_seq < 1 || purge.last_seq < purge.first_seq) {
    return Fail(ErrorCode::kInternal,
                d.path + ": audit purge: bad range " + range);
  }
  if (auto begun = d.Exec("BEGIN IMMEDIATE", "audit purge: begin"); !begun) {
    return std::unexpected(begun.error());
  }
  internal::RollbackGuard rollback(d.db);

  // The plan was made outside this transaction: check that what it saw of
  // the prefix still holds (appends only add rows after it).
  auto oldest = d.Prepare(
      "SELECT MIN(seq), (SELECT record_hash FROM audit_records WHERE seq = ?1) "
      "FROM audit_records",
      "audit purge: read oldest");
  if (!oldest) return std::unexpected(oldest.error());
  oldest->Bind(1, purge.last_seq);
  std::int64_t first_held = 0;
  std::string last_hash;
  auto read =
      d.Rows(*oldest, "audit purge: read oldest", [&](const Statement& st) {
        first_held = st.Int(0);
        last_hash = st.Text(1);
        return false;
      });
  if (!read) return std::unexpected(read.error());
  if (first_held != purge.first_seq || last_hash != purge.last_record_hash) {
    return Fail(ErrorCode::kFailedPrecondition,
                d.path + ": audit purge of seq " + range +
                    ": the oldest records changed since the purge was "
                    "planned (another purge?); nothing was purged");
  }
  auto referring = d.Prepare(
      "SELECT a.id, a.refers_to FROM audit_records a JOIN audit_records t "
      "ON t.id = a.refers_to WHERE a.seq > ?1 AND a.refers_to <> '' AND "
      "t.seq BETWEEN ?2 AND ?3 LIMIT 1",
      "audit purge: check references");
  if (!referring) return std::unexpected(referring.error());
  referring->Bind(1, std::max(purge.planned_through_seq, purge.last_seq))
      .Bind(2, purge.first_seq)
      .Bind(3, purge.last_seq);
  std::string referrer, referred;
  read = d.Rows(*referring, "audit purge: check references",
                [&](const Statement& st) {
                  referrer = st.Text(0);
                  referred = st.Text(1);
                  return false;
                });
  if (!read) return std::unexpected(read.error());
  if (!referrer.empty()) {
    return Fail(ErrorCode::kFailedPrecondition,
                d.path + ": audit purge of seq " + range + ": " + referrer +
                    ", appended while the purge was planned, refers to " +
                    referred + "; nothing was purged (run it again)");
  }

  auto head = Head();
  if (!head) return std::unexpected(head.error());
  std::vector<AuditRow> rows{std::move(checkpoint)};
  if (auto sealed = seal(*head, rows); !sealed) {
    return std::unexpected(sealed.error());
  }
  AuditRow& c = rows.front();
  d.insert.Bind(1, c.seq)
      .Bind(2, c.id)
      .Bind(3, c.kind)
      .Bind(4, c.created_at)
      .Bind(5, c.actor)
      .Bind(6, c.subject)
      .Bind(7, c.refers_to)
      .Bind(8, c.outcome)
      .Bind(9, c.reason)
      .Bind(10, c.input_json)
      .Bind(11, c.output_json)
      .Bind(12, c.prev_hash)
      .Bind(13, c.record_hash);
  int rc = d.insert.Step();
  if (rc != SQLITE_DONE) {
    Error e = d.Failure("audit purge: insert checkpoint " + c.id);
    d.insert.Reset();
    return std::unexpected(std::move(e));
  }
  d.insert.Reset();

  auto record = d.Prepare(
      "INSERT INTO audit_purges (checkpoint_seq, checkpoint_id, first_seq, "
      "last_seq, last_record_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
      "audit purge: record");
  if (!record) return std::unexpected(record.error());
  record->Bind(1, c.seq)
      .Bind(2, c.id)
      .Bind(3, purge.first_seq)
      .Bind(4, purge.last_seq)
      .Bind(5, purge.last_record_hash);
  if (record->Step() != SQLITE_DONE) {
    return std::unexpected(d.Failure("audit purge: record"));
  }

  // One statement; SQLite visits the integer primary key range in order,
  // oldest first, which the DELETE trigger requires.
  auto remove =
      d.Prepare("DELETE FROM audit_records WHERE seq BETWEEN ?1 AND ?2",
                "audit purge: delete");
  if (!remove) return std::unexpected(remove.error());
  remove->Bind(1, purge.first_seq).Bind(2, purge.last_seq);
  if (remove->Step() != SQLITE_DONE) {
    return std::unexpected(d.Failure("audit purge: delete seq " + range));
  }
  const std::int64_t removed = sqlite3_changes64(d.db);
  if (removed != purge.last_seq - purge.first_seq + 1) {
    return Fail(ErrorCode::kIntegrity,
                d.path + ": audit purge of seq " + range + " removed " +
                    std::to_string(removed) +
                    " rows (a gap in the trail?); nothing was purged");
  }
  if (auto committed = d.Exec("COMMIT", "audit purge: commit"); !committed) {
    return std::unexpected(committed.error());
  }
  rollback.Disarm();
  return std::move(rows.front());
}

Result<AuditHead> AuditStore::Head() {
  auto s = impl_->Prepare(
      "SELECT seq, record_hash FROM audit_head WHERE one = 1", "audit: head");
  if (!s) return std::unexpected(s.error());
  AuditHead head;
  bool found = false;
  auto rows = impl_->Rows(*s, "audit: head", [&](const Statement& st) {
    head.seq = st.Int(0);
    head.record_hash = st.Text(1);
    found = true;
    return true;
  });
  if (!rows) return std::unexpected(rows.error());
  if (!found) {
    return Fail(ErrorCode::kIntegrity,
                impl_->path + ": audit: head: the audit_head row is missing");
  }
  return head;
}

Result<std::optional<AuditRow>> AuditStore::FindById(std::string_view id) {
  auto rows = impl_->Query(
      std::string("SELECT ") + kColumns + " FROM audit_records WHERE id = ?1",
      "audit: find record", id);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::nullopt;
  return std::move(rows->front());
}

Result<std::optional<AuditRow>> AuditStore::FindBySeq(std::int64_t seq) {
  auto s = impl_->Prepare(
      std::string("SELECT ") + kColumns + " FROM audit_records WHERE seq = ?1",
      "audit: find record");
  if (!s) return std::unexpected(s.error());
  s->Bind(1, seq);
  std::optional<AuditRow> out;
  auto rows = impl_->Rows(*s, "audit: find record", [&](const Statement& st) {
    out = RowFrom(st);
    return false;
  });
  if (!rows) return std::unexpected(rows.error());
  return out;
}

Result<std::vector<AuditRow>> AuditStore::List(std::string_view subject,
                                               std::string_view kind,
                                               int limit) {
  return impl_->Query(
      std::string("SELECT ") + kColumns +
          " FROM audit_records WHERE (?1 = '' OR subject = ?1) AND "
          "(?2 = '' OR kind = ?2) ORDER BY seq DESC LIMIT ?3",
      "audit: list records", subject, kind, limit > 0 ? limit : -1);
}

Result<std::vector<AuditRow>> AuditStore::ReferringTo(std::string_view id) {
  return impl_->Query(std::string("SELECT ") + kColumns +
                          " FROM audit_records WHERE refers_to = ?1 AND "
                          "refers_to <> '' ORDER BY seq",
                      "audit: records referring to " + std::string(id), id);
}

Result<AuditHead> AuditStore::ForEach(
    const std::function<bool(const AuditRow&)>& row) {
  Impl& d = *impl_;
  // One read transaction: the head and the walk see one snapshot.
  if (auto begun = d.Exec("BEGIN", "audit: read begin"); !begun) {
    return std::unexpected(begun.error());
  }
  struct End {
    sqlite3* db;
    ~End() { sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr); }
  } end{d.db};
  auto head = Head();
  if (!head && head.error().code() == ErrorCode::kIntegrity) {
    head = AuditHead{-1, ""};  // the head row was deleted: for Verify
  }
  if (!head) return std::unexpected(head.error());
  auto s = d.Prepare(
      std::string("SELECT ") + kColumns + " FROM audit_records ORDER BY seq",
      "audit: read records");
  if (!s) return std::unexpected(s.error());
  auto rows = d.Rows(*s, "audit: read records",
                     [&](const Statement& st) { return row(RowFrom(st)); });
  if (!rows) return std::unexpected(rows.error());
  return head;
}

}  // namespace clearance::store
