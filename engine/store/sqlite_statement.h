// Internal to engine/store: an owned SQLite connection and prepared
// statement shared by the ownership and audit stores, and a guard that
// rolls back an open transaction on every early return. Bind errors are
// remembered and returned by the next Step(); Reset() also clears the bindings.
// Bound text must outlive the step (SQLITE_STATIC).
#ifndef CLEARANCE_ENGINE_STORE_SQLITE_STATEMENT_H_
#define CLEARANCE_ENGINE_STORE_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/common/error.h"

namespace clearance::store::internal {

// Rolls back the transaction open on `db` when destroyed, unless Disarm()
// was called after its COMMIT succeeded: every early return of a write path
// leaves the database as it was.
class RollbackGuard {
 public:
  explicit RollbackGuard(sqlite3* db) : db_(db) {}
  ~RollbackGuard() {
    if (db_ != nullptr)
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  RollbackGuard(const RollbackGuard&) = delete;
  RollbackGuard& operator=(const RollbackGuard&) = delete;
  void Disarm() { db_ = nullptr; }

 private:
  sqlite3* db_;
};

class Statement {
 public:
  Statement() = default;
  Statement(Statement&& o) noexcept
      : stmt_(std::exchange(o.stmt_, nullptr)), rc_(o.rc_) {}
  Statement& operator=(Statement&& o) noexcept {
    if (this != &o) {
      sqlite3_finalize(stmt_);
      stmt_ = std::exchange(o.stmt_, nullptr);
      rc_ = o.rc_;
    }
    return *this;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  sqlite3_stmt** out() { return &stmt_; }

  Statement& Bind(int i, std::string_view text) {
    if (text.size() > static_cast<std::size_t>(INT_MAX)) {
      Note(SQLITE_TOOBIG);
    } else {
      Note(sqlite3_bind_text(stmt_, i, text.data() ? text.data() : "",
                             static_cast<int>(text.size()), SQLITE_STATIC));
    }
    return *this;
  }
  Statement& Bind(int i, std::int64_t v) {
    Note(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  Statement& Bind(int i, std::optional<double> v) {
    Note(v ? sqlite3_bind_double(stmt_, i, *v) : sqlite3_bind_null(stmt_, i));
    return *this;
  }
  int Step() {
    if (rc_ != SQLITE_OK) return std::exchange(rc_, SQLITE_OK);
    return sqlite3_step(stmt_);
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    rc_ = SQLITE_OK;
  }
  std::string Text(int c) const {
    const auto* t =
        reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
    return t ? std::string(
                   t, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c)))
             : std::string();
  }
  std::int64_t Int(int c) const { return sqlite3_column_int64(stmt_, c); }
  std::optional<double> Real(int c) const {
    if (sqlite3_column_type(stmt_, c) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(stmt_, c);
  }

 private:
  void Note(int rc) {
    if (rc != SQLITE_OK && rc_ == SQLITE_OK) rc_ = rc;
  }
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

// An owned connection and the error helpers every store needs. A store's
// Impl derives from it, so that statements (members of the Impl) are
// finalized before the connection closes.
struct Connection {
  sqlite3* db = nullptr;
  std::string path;

  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    if (db != nullptr) sqlite3_close_v2(db);
  }

  // Opens the existing database file at `path` (read-write; the list
  // store creates it and applies the migrations), waits up to 5 s for
  // other writers, and runs `pragmas` (this connection's settings).
  Result<void> Open(const std::string& file, const char* pragmas) {
    path = file;
    if (sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      return std::unexpected(Failure("open"));
    }
    sqlite3_busy_timeout(db, 5000);
    return Exec(pragmas, "configure connection");
  }

  // kDatabase: "<path>: <op>: <SQLite's message>".
  Error Failure(std::string_view op) const {
    return Error(ErrorCode::kDatabase,
                 path + ": " + std::string(op) + ": " + sqlite3_errmsg(db));
  }
  Result<Statement> Prepare(std::string_view sql, std::string_view op) {
    Statement s;
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()),
                           s.out(), nullptr) != SQLITE_OK) {
      return std::unexpected(Failure(op));
    }
    return s;
  }
  Result<void> Exec(const char* sql, std::string_view op) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return std::unexpected(Failure(op));
    }
    return Ok();
  }
};

}  // namespace clearance::store::internal

#endif  // CLEARANCE_ENGINE_STORE_SQLITE_STATEMENT_H_
