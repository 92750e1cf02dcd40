#include "engine/store/ruleset_store.h"

#include <sqlite3.h>

#include <climits>
#include <set>
#include <utility>

#include "engine/store/list_store.h"
#include "engine/store/sqlite_statement.h"

namespace clearance::store {
namespace {

// This connection's settings (the list store's migrations made the file
// WAL; setting it again is a no-op).
constexpr const char* kConnectionPragmas =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
    "PRAGMA foreign_keys = ON;";

// An owned prepared statement.
class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(stmt_); }
  sqlite3_stmt** out() { return &stmt_; }
  sqlite3_stmt* get() const { return stmt_; }

  // SQLITE_STATIC: the bound text must outlive the step.
  bool Bind(int i, std::string_view text) {
    if (text.size() > static_cast<std::size_t>(INT_MAX)) return false;
    return sqlite3_bind_text(stmt_, i, text.data() ? text.data() : "",
                             static_cast<int>(text.size()),
                             SQLITE_STATIC) == SQLITE_OK;
  }
  bool BindBlob(int i, std::string_view bytes) {
    if (bytes.size() > static_cast<std::size_t>(INT_MAX)) return false;
    return sqlite3_bind_blob(stmt_, i, bytes.data() ? bytes.data() : "",
                             static_cast<int>(bytes.size()),
                             SQLITE_STATIC) == SQLITE_OK;
  }
  bool Bind(int i, std::int64_t v) {
    return sqlite3_bind_int64(stmt_, i, v) == SQLITE_OK;
  }
  std::string Text(int c) const {
    const void* t = sqlite3_column_blob(stmt_, c);
    const int n = sqlite3_column_bytes(stmt_, c);
    return t ? std::string(static_cast<const char*>(t),
                           static_cast<std::size_t>(n))
             : std::string();
  }
  std::int64_t Int(int c) const { return sqlite3_column_int64(stmt_, c); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

struct RulesetStore::Impl : internal::Connection {
  Result<void> Prepare(Stmt& s, std::string_view sql, std::string_view op) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()),
                           s.out(), nullptr) != SQLITE_OK) {
      return std::unexpected(Failure(op));
    }
    return Ok();
  }
};

Result<std::unique_ptr<RulesetStore>> RulesetStore::Open(
    const std::string& path) {
  // The list store creates the file, checks it is a Clearance store and
  // applies every migration (004_rulesets.sql included).
  {
    auto lists = ListStore::Open(path);
    if (!lists) return std::unexpected(lists.error());
  }
  auto impl = std::make_unique<Impl>();
  if (auto opened = impl->Open(path, kConnectionPragmas); !opened) {
    return std::unexpected(opened.error());
  }
  return std::unique_ptr<RulesetStore>(new RulesetStore(std::move(impl), path));
}

RulesetStore::RulesetStore(std::unique_ptr<Impl> impl, std::string path)
    : impl_(std::move(impl)), path_(std::move(path)) {}
RulesetStore::~RulesetStore() = default;

Result<bool> RulesetStore::Has(std::string_view hash) {
  Stmt s;
  if (auto p =
          impl_->Prepare(s, "SELECT 1 FROM ruleset_snapshots WHERE hash = ?1",
                         "ruleset snapshot: look up");
      !p) {
    return std::unexpected(p.error());
  }
  s.Bind(1, hash);
  const int rc = sqlite3_step(s.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(impl_->Failure("ruleset snapshot: look up"));
}

Result<bool> RulesetStore::Put(const RulesetSnapshot& snapshot,
                               std::string_view stored_at) {
  if (snapshot.hash.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "ruleset snapshot: the hash is empty");
  }
  if (snapshot.files.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "ruleset snapshot " + snapshot.hash + ": no files");
  }
  std::set<std::string_view> names;
  for (const RulesetFile& f : snapshot.files) {
    if (f.name.empty() || !names.insert(f.name).second) {
      return Fail(ErrorCode::kInvalidArgument,
                  "ruleset snapshot " + snapshot.hash +
                      ": empty or duplicate file name '" + f.name + "'");
    }
  }
  Impl& d = *impl_;
  if (auto begun = d.Exec("BEGIN IMMEDIATE", "ruleset snapshot: begin");
      !begun) {
    return std::unexpected(begun.error());
  }
  internal::RollbackGuard rollback(d.db);

  // Checked inside the write transaction: another process may have stored
  // the same hash since the caller last looked.
  auto held = Has(snapshot.hash);
  if (!held) return std::unexpected(held.error());
  if (*held) return false;

  Stmt head;
  if (auto p = d.Prepare(head,
                         "INSERT INTO ruleset_snapshots (hash, stored_at, "
                         "file_count) VALUES (?1, ?2, ?3)",
                         "ruleset snapshot: insert");
      !p) {
    return std::unexpected(p.error());
  }
  head.Bind(1, snapshot.hash);
  head.Bind(2, stored_at);
  head.Bind(3, static_cast<std::int64_t>(snapshot.files.size()));
  if (sqlite3_step(head.get()) != SQLITE_DONE) {
    return std::unexpected(d.Failure("ruleset snapshot: insert"));
  }
  Stmt file;
  if (auto p = d.Prepare(file,
                         "INSERT INTO ruleset_files (hash, name, content) "
                         "VALUES (?1, ?2, ?3)",
                         "ruleset snapshot: insert file");
      !p) {
    return std::unexpected(p.error());
  }
  for (const RulesetFile& f : snapshot.files) {
    if (!file.Bind(1, snapshot.hash) || !file.Bind(2, f.name) ||
        !file.BindBlob(3, f.content) ||
        sqlite3_step(file.get()) != SQLITE_DONE) {
      return std::unexpected(
          d.Failure("ruleset snapshot: insert file " + f.name));
    }
    sqlite3_reset(file.get());
    sqlite3_clear_bindings(file.get());
  }
  if (auto c = d.Exec("COMMIT", "ruleset snapshot: commit"); !c) {
    return std::unexpected(c.error());
  }
  rollback.Disarm();
  return true;
}

Result<RulesetSnapshot> RulesetStore::Get(std::string_view hash) {
  Impl& d = *impl_;
  RulesetSnapshot out;
  out.hash = std::string(hash);
  Stmt head;
  if (auto p = d.Prepare(head,
                         "SELECT stored_at, file_count FROM ruleset_snapshots "
                         "WHERE hash = ?1",
                         "ruleset snapshot: read");
      !p) {
    return std::unexpected(p.error());
  }
  head.Bind(1, hash);
  int rc = sqlite3_step(head.get());
  if (rc == SQLITE_DONE) {
    return Fail(ErrorCode::kNotFound,
                path_ + ": no snapshot of rule set " + std::string(hash));
  }
  if (rc != SQLITE_ROW) {
    return std::unexpected(d.Failure("ruleset snapshot: read"));
  }
  out.stored_at = head.Text(0);
  const std::int64_t expected_files = head.Int(1);

  Stmt files;
  if (auto p = d.Prepare(files,
                         "SELECT name, content FROM ruleset_files WHERE hash "
                         "= ?1 ORDER BY name",
                         "ruleset snapshot: read files");
      !p) {
    return std::unexpected(p.error());
  }
  files.Bind(1, hash);
  while ((rc = sqlite3_step(files.get())) == SQLITE_ROW) {
    out.files.push_back({files.Text(0), files.Text(1)});
  }
  if (rc != SQLITE_DONE) {
    return std::unexpected(d.Failure("ruleset snapshot: read files"));
  }
  if (static_cast<std::int64_t>(out.files.size()) != expected_files) {
    return Fail(ErrorCode::kIntegrity,
                path_ + ": rule set snapshot " + std::string(hash) + " has " +
                    std::to_string(out.files.size()) + " files, " +
                    std::to_string(expected_files) + " were stored");
  }
  return out;
}

Result<std::vector<RulesetSnapshot>> RulesetStore::List() {
  Stmt s;
  if (auto p = impl_->Prepare(s,
                              "SELECT hash, stored_at FROM ruleset_snapshots "
                              "ORDER BY stored_at, hash",
                              "ruleset snapshot: list");
      !p) {
    return std::unexpected(p.error());
  }
  std::vector<RulesetSnapshot> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    RulesetSnapshot snap;
    snap.hash = s.Text(0);
    snap.stored_at = s.Text(1);
    out.push_back(std::move(snap));
  }
  if (rc != SQLITE_DONE) {
    return std::unexpected(impl_->Failure("ruleset snapshot: list"));
  }
  return out;
}

}  // namespace clearance::store
