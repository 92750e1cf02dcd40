#include "engine/store/list_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <functional>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "engine/common/embedded.h"
#include "engine/common/strings.h"
#include "engine/crypto/sha256.h"

namespace clearance {
// engine/store/migrations/*.sql, embedded by engine/CMakeLists.txt.
const std::vector<EmbeddedFile>& StoreMigrations();
}  // namespace clearance

namespace clearance::store {
namespace {

// Journal and durability, chosen deliberately:
//  - WAL: screening readers keep reading the previous state while an import
//    writes, and an import that fails or is rolled back never touches the
//    main database file (its frames, if any spilled, are discarded), which is
//    what "a failed import leaves the database byte-for-byte unchanged"
//    needs. The last connection to close checkpoints and removes the -wal
//    file, so a closed database is one self-contained file.
//  - synchronous=FULL: the WAL is synced at every commit, so an import that
//    returned survives a power cut. NORMAL would save one fsync per commit,
//    but imports are rare, large transactions, and a version id that
//    screening results were recorded against must not vanish afterwards.
constexpr const char* kConnectionPragmas =
    "PRAGMA synchronous = FULL;"
    "PRAGMA foreign_keys = ON;"
    // 64 MiB page cache: a whole list import stays in memory until commit.
    "PRAGMA cache_size = -65536;";
constexpr int kBusyTimeoutMs = 5000;

// An owned prepared statement. Text is bound without copying: the caller
// keeps bound strings alive until the statement is stepped and reset.
class Statement {
 public:
  Statement() = default;
  Statement(Statement&& other) noexcept
      : stmt_(std::exchange(other.stmt_, nullptr)), bind_rc_(other.bind_rc_) {}
  Statement& operator=(Statement&& other) noexcept {
    if (this != &other) {
      sqlite3_finalize(stmt_);
      stmt_ = std::exchange(other.stmt_, nullptr);
      bind_rc_ = other.bind_rc_;
    }
    return *this;
  }
  ~Statement() { sqlite3_finalize(stmt_); }

  sqlite3_stmt** out() { return &stmt_; }

  Statement& Bind(int index, std::string_view text) {
    if (text.size() > static_cast<std::size_t>(INT_MAX)) {
      Note(SQLITE_TOOBIG);
      return *this;
    }
    Note(sqlite3_bind_text(stmt_, index, text.data() ? text.data() : "",
                           static_cast<int>(text.size()), SQLITE_STATIC));
    return *this;
  }
  Statement& Bind(int index, std::int64_t value) {
    Note(sqlite3_bind_int64(stmt_, index, value));
    return *this;
  }

  // SQLITE_ROW, SQLITE_DONE or an error code (a failed Bind included).
  int Step() {
    if (bind_rc_ != SQLITE_OK) return std::exchange(bind_rc_, SQLITE_OK);
    return sqlite3_step(stmt_);
  }
  void Reset() {
    sqlite3_reset(stmt_);
    bind_rc_ = SQLITE_OK;
  }

  std::string Text(int column) const {
    const auto* text =
        reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    const int bytes = sqlite3_column_bytes(stmt_, column);
    return text ? std::string(text, static_cast<std::size_t>(bytes))
                : std::string();
  }
  std::int64_t Int(int column) const {
    return sqlite3_column_int64(stmt_, column);
  }

 private:
  void Note(int rc) {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }

  sqlite3_stmt* stmt_ = nullptr;
  int bind_rc_ = SQLITE_OK;
};

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

bool AllHex(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// --- Content hash ----------------------------------------------------------
// sha256 over every field of a party. Each value is length-prefixed (so
// field boundaries are unambiguous) and the values of a field are sorted, so
// the hash ignores the order DiffLists ignores.

void Put(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
}

void PutField(crypto::Sha256& hasher, std::string_view field,
              std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  std::string block;
  Put(block, field);
  block += std::to_string(values.size());
  block += '\n';
  for (const std::string& value : values) Put(block, value);
  hasher.Update(block);
}

std::string PartyContentHash(const lists::Party& party) {
  crypto::Sha256 hasher;
  PutField(hasher, "type", {std::string(lists::PartyTypeName(party.type))});
  PutField(hasher, "remarks", {party.remarks});
  std::vector<std::string> values;
  for (const lists::Name& name : party.names) {
    std::string v;
    Put(v, name.full);
    Put(v, name.script);
    Put(v, lists::AliasStrengthName(name.strength));
    Put(v, name.alias_type);
    Put(v, name.language);
    for (const lists::NamePart& part : name.parts) {
      Put(v, part.type);
      Put(v, part.value);
    }
    values.push_back(std::move(v));
  }
  PutField(hasher, "names", std::move(values));
  values.clear();
  for (const lists::Address& a : party.addresses) {
    std::string v;
    for (const std::string* f :
         {&a.full, &a.street, &a.city, &a.state_province, &a.postal_code,
          &a.region, &a.country, &a.country_name}) {
      Put(v, *f);
    }
    values.push_back(std::move(v));
  }
  PutField(hasher, "addresses", std::move(values));
  values.clear();
  for (const lists::Identifier& id : party.identifiers) {
    std::string v;
    for (const std::string* f :
         {&id.type, &id.label, &id.value, &id.country, &id.currency, &id.issued,
          &id.expires, &id.note}) {
      Put(v, *f);
    }
    values.push_back(std::move(v));
  }
  PutField(hasher, "identifiers", std::move(values));
  values.clear();
  PutField(hasher, "programs", party.programs);
  PutField(hasher, "dates_of_birth", party.dates_of_birth);
  PutField(hasher, "places_of_birth", party.places_of_birth);
  PutField(hasher, "nationalities", party.nationalities);
  PutField(hasher, "citizenships", party.citizenships);
  for (const lists::Relationship& r : party.relationships) {
    std::string v;
    for (const std::string* f :
         {&r.type, &r.other_source_id, &r.other_name, &r.note}) {
      Put(v, *f);
    }
    values.push_back(std::move(v));
  }
  PutField(hasher, "relationships", std::move(values));
  values.clear();
  for (const auto& [key, value] : party.attributes) {
    std::string v;
    Put(v, key);
    Put(v, value);
    values.push_back(std::move(v));
  }
  PutField(hasher, "attributes", std::move(values));
  return hasher.FinishHex();
}

// "#12 (published 2025-11-19, sha256 0123abcd..., imported 2026-...)"
std::string Describe(const ListVersionInfo& v) {
  std::string out = "#" + std::to_string(v.id) + " (published " +
                    (v.published.empty() ? "?" : v.published) + ", sha256 " +
                    v.sha256.substr(0, 12) + ", imported " + v.imported_at;
  if (v.latest) out += ", latest";
  return out + ")";
}

std::string DescribeAll(const std::vector<ListVersionInfo>& versions) {
  std::string out;
  for (const ListVersionInfo& v : versions) {
    if (!out.empty()) out += "; ";
    out += Describe(v);
  }
  return out;
}

struct Migration {
  int version = 0;
  std::string_view name;
  std::string_view sql;
};

// The embedded migrations in order; their numbers must be 1..N.
Result<std::vector<Migration>> KnownMigrations() {
  std::vector<Migration> out;
  for (const EmbeddedFile& file : StoreMigrations()) {
    int version = 0;
    const char* begin = file.name.data();
    const char* end = begin + file.name.size();
    auto [next, ec] = std::from_chars(begin, end, version);
    if (ec != std::errc() || next == begin || next == end || *next != '_') {
      return Fail(ErrorCode::kInternal, "store migration \"" +
                                            std::string(file.name) +
                                            "\" is not named NNN_<what>.sql");
    }
    out.push_back({version, file.name, file.content});
  }
  std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) {
    return a.version < b.version;
  });
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i].version != static_cast<int>(i) + 1) {
      return Fail(ErrorCode::kInternal,
                  "store migrations are not numbered 1.." +
                      std::to_string(out.size()) + " without gaps (found " +
                      std::string(out[i].name) + ")");
    }
  }
  return out;
}

// Every column of ListVersionInfo, in Versions() order; `latest` by the
// newest publisher's date, then the newest import.
constexpr const char* kVersionSelect = R"sql(
SELECT v.id, v.code, v.name, v.publisher, v.published, s.format,
       COALESCE((SELECT f.path FROM source_files f WHERE f.source_id = s.id
                 ORDER BY f.id LIMIT 1), ''),
       s.sha256, s.parser_version, s.imported_at,
       v.party_count, v.name_count, v.address_count, v.identifier_count,
       v.relationship_count,
       v.id = (SELECT w.id FROM list_versions w WHERE w.code = v.code
               ORDER BY w.published DESC, w.id DESC LIMIT 1)
FROM list_versions v JOIN sources s ON s.id = v.source_id
)sql";

ListVersionInfo ReadVersion(const Statement& s) {
  ListVersionInfo v;
  v.id = s.Int(0);
  v.code = s.Text(1);
  v.name = s.Text(2);
  v.publisher = s.Text(3);
  v.published = s.Text(4);
  v.format = s.Text(5);
  v.source_path = s.Text(6);
  v.sha256 = s.Text(7);
  v.parser_version = s.Text(8);
  v.imported_at = s.Text(9);
  v.counts.parties = static_cast<long>(s.Int(10));
  v.counts.names = static_cast<long>(s.Int(11));
  v.counts.addresses = static_cast<long>(s.Int(12));
  v.counts.identifiers = static_cast<long>(s.Int(13));
  v.counts.relationships = static_cast<long>(s.Int(14));
  v.latest = s.Int(15) != 0;
  return v;
}

}  // namespace

std::string NormalizeIdentifier(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isspace(u)) continue;
    out += static_cast<char>(std::tolower(u));
  }
  return out;
}

// The insert statements of one Import() (defined with it).
struct Inserts;

struct ListStore::Impl {
  sqlite3* db = nullptr;
  std::string path;
  int last_rc = SQLITE_OK;   // sqlite's code for the last failure
  std::string last_message;  // and its message

  ~Impl() {
    // The last connection to close checkpoints the WAL into the main file
    // and removes it.
    if (db != nullptr) sqlite3_close_v2(db);
  }

  void Remember(int rc) {
    last_rc = rc;
    const int db_rc = db != nullptr ? sqlite3_extended_errcode(db) : rc;
    last_message = (db != nullptr && (db_rc & 0xff) == (rc & 0xff))
                       ? sqlite3_errmsg(db)
                       : sqlite3_errstr(rc);
  }

  Error Failure(std::string_view op) const {
    return Error(ErrorCode::kDatabase,
                 path + ": " + std::string(op) + ": " + last_message);
  }
  Error Failure(std::string_view op, int rc) {
    Remember(rc);
    return Failure(op);
  }

  Result<Statement> Prepare(std::string_view sql, std::string_view op) {
    Statement stmt;
    const int rc =
        sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, stmt.out(), nullptr);
    if (rc != SQLITE_OK) return std::unexpected(Failure(op, rc));
    return stmt;
  }

  Result<void> Exec(const std::string& sql, std::string_view op) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      last_rc = rc;
      last_message = message ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      return std::unexpected(Failure(op));
    }
    return Ok();
  }

  // Steps a statement that returns no rows (an insert), then resets it.
  // SQLITE_OK, or the error code with last_message set.
  int Run(Statement& stmt) {
    const int rc = stmt.Step();
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
      stmt.Reset();
      return SQLITE_OK;
    }
    Remember(rc);
    stmt.Reset();
    return rc;
  }

  // Calls `row(stmt)` for each result row, then resets the statement.
  Result<void> ForEachRow(Statement& stmt, std::string_view op,
                          const std::function<void(const Statement&)>& row) {
    while (true) {
      const int rc = stmt.Step();
      if (rc == SQLITE_ROW) {
        row(stmt);
        continue;
      }
      if (rc == SQLITE_DONE) break;
      Error error = Failure(op, rc);
      stmt.Reset();
      return std::unexpected(std::move(error));
    }
    stmt.Reset();
    return Ok();
  }

  Result<std::vector<ListVersionInfo>> QueryVersions(
      const std::string& where_order,
      const std::function<void(Statement&)>& bind) {
    auto stmt = Prepare(std::string(kVersionSelect) + where_order,
                        "read list versions");
    if (!stmt) return std::unexpected(stmt.error());
    if (bind) bind(*stmt);
    std::vector<ListVersionInfo> out;
    auto rows =
        ForEachRow(*stmt, "read list versions",
                   [&](const Statement& s) { out.push_back(ReadVersion(s)); });
    if (!rows) return std::unexpected(rows.error());
    return out;
  }

  Result<std::optional<ListVersionInfo>> VersionById(std::int64_t id) {
    auto found =
        QueryVersions("WHERE v.id = ?1", [id](Statement& s) { s.Bind(1, id); });
    if (!found) return std::unexpected(found.error());
    if (found->empty()) return std::optional<ListVersionInfo>();
    return std::optional<ListVersionInfo>(std::move(found->front()));
  }

  Result<std::vector<std::string>> Codes() {
    auto stmt = Prepare("SELECT DISTINCT code FROM list_versions ORDER BY code",
                        "read list codes");
    if (!stmt) return std::unexpected(stmt.error());
    std::vector<std::string> out;
    auto rows = ForEachRow(*stmt, "read list codes", [&](const Statement& s) {
      out.push_back(s.Text(0));
    });
    if (!rows) return std::unexpected(rows.error());
    return out;
  }

  std::string HeldCodes() {
    auto codes = Codes();
    if (!codes || codes->empty()) return "no lists are held";
    std::string out = "lists held: ";
    for (std::size_t i = 0; i < codes->size(); ++i) {
      if (i > 0) out += ", ";
      out += (*codes)[i];
    }
    return out;
  }

  Result<void> Migrate();
  Result<void> ImportList(const lists::ListDocument& list,
                          std::int64_t source_row, Inserts& inserts);
  Result<std::vector<lists::Party>> LoadParties(const std::string& filter,
                                                std::int64_t param);
};

namespace {

// Rolls back on destruction unless committed. (A template only because
// ListStore::Impl is private: it is named where it is used.)
template <typename StoreImpl>
class Transaction {
 public:
  explicit Transaction(StoreImpl& impl) : impl_(impl) {}
  ~Transaction() {
    if (open_) sqlite3_exec(impl_.db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // BEGIN IMMEDIATE: take the write lock now (waiting up to the busy
  // timeout) rather than failing halfway when another process writes.
  Result<void> Begin(std::string_view op) {
    auto begun = impl_.Exec("BEGIN IMMEDIATE", op);
    if (begun) open_ = true;
    return begun;
  }
  Result<void> Commit(std::string_view op) {
    auto done = impl_.Exec("COMMIT", op);
    if (done) open_ = false;
    return done;
  }

 private:
  StoreImpl& impl_;
  bool open_ = false;
};

}  // namespace

Result<void> ListStore::Impl::Migrate() {
  auto known = KnownMigrations();
  if (!known) return std::unexpected(known.error());
  const int newest_known = static_cast<int>(known->size());

  // Reads the applied version without writing anything, so that opening an
  // up-to-date database leaves it untouched.
  auto current_version = [&]() -> Result<int> {
    auto tables = Prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND "
        "name NOT LIKE 'sqlite_%'",
        "read schema");
    if (!tables) return std::unexpected(tables.error());
    bool has_migrations = false;
    bool has_others = false;
    auto rows = ForEachRow(*tables, "read schema", [&](const Statement& s) {
      if (s.Text(0) == "schema_migrations") {
        has_migrations = true;
      } else {
        has_others = true;
      }
    });
    if (!rows) return std::unexpected(rows.error());
    if (!has_migrations) {
      if (has_others) {
        return Fail(ErrorCode::kDatabase,
                    path +
                        ": open: a SQLite database, but not a Clearance list "
                        "store (it has tables and no schema_migrations)");
      }
      return 0;
    }
    auto max =
        Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                "read schema version");
    if (!max) return std::unexpected(max.error());
    int version = 0;
    rows = ForEachRow(*max, "read schema version", [&](const Statement& s) {
      version = static_cast<int>(s.Int(0));
    });
    if (!rows) return std::unexpected(rows.error());
    return version;
  };
  auto too_new = [&](int version) {
    return Fail(ErrorCode::kFailedPrecondition,
                path + ": open: the database schema is version " +
                    std::to_string(version) +
                    ", newer than this clearance "
                    "knows (" +
                    std::to_string(newest_known) +
                    "); use a newer clearance to open it");
  };

  auto current = current_version();
  if (!current) return std::unexpected(current.error());
  if (*current > newest_known) return too_new(*current);
  if (*current == newest_known) return Ok();

  Transaction tx(*this);
  if (auto begun = tx.Begin("migrate: begin"); !begun) return begun;
  current = current_version();  // another process may have migrated
  if (!current) return std::unexpected(current.error());
  if (*current > newest_known) return too_new(*current);
  if (auto created = Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                          "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                          "applied_at TEXT NOT NULL DEFAULT "
                          "(strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))",
                          "migrate: create schema_migrations");
      !created) {
    return created;
  }
  auto record =
      Prepare("INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
              "migrate: record");
  if (!record) return std::unexpected(record.error());
  for (const Migration& m : *known) {
    if (m.version <= *current) continue;
    const std::string op = "migrate: apply " + std::string(m.name);
    if (auto applied = Exec(std::string(m.sql), op); !applied) return applied;
    record->Bind(1, static_cast<std::int64_t>(m.version)).Bind(2, m.name);
    if (Run(*record) != SQLITE_OK) return std::unexpected(Failure(op));
  }
  if (auto v = Exec("PRAGMA user_version = " + std::to_string(newest_known),
                    "migrate: set user_version");
      !v) {
    return v;
  }
  return tx.Commit("migrate: commit");
}

Result<std::unique_ptr<ListStore>> ListStore::Open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  const int rc = sqlite3_open_v2(
      path.c_str(), &impl->db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    Error error = impl->Failure("open", rc);
    if ((rc & 0xff) == SQLITE_CANTOPEN) {
      error = Error(ErrorCode::kDatabase,
                    error.message() +
                        " (does the directory exist, and may this user "
                        "read and write there?)");
    }
    return std::unexpected(error);
  }
  sqlite3_extended_result_codes(impl->db, 1);
  sqlite3_busy_timeout(impl->db, kBusyTimeoutMs);

  // The first read tells a database from another kind of file.
  {
    auto probe = impl->Prepare("SELECT COUNT(*) FROM sqlite_master", "open");
    int step = SQLITE_ROW;
    if (probe) step = probe->Step();
    if (step != SQLITE_ROW) impl->Remember(step);
    if (!probe || step != SQLITE_ROW) {
      if ((impl->last_rc & 0xff) == SQLITE_NOTADB) {
        return Fail(ErrorCode::kDatabase,
                    path + ": open: not a SQLite database (" +
                        impl->last_message + ")");
      }
      return std::unexpected(impl->Failure("open"));
    }
  }
  if (sqlite3_db_readonly(impl->db, "main") == 1) {
    return Fail(ErrorCode::kDatabase,
                path +
                    ": open: the database is read-only (file permissions "
                    "or a read-only filesystem); the list store needs "
                    "write access to the file and its directory");
  }

  // Switching to WAL writes only when the database is not in WAL already.
  {
    auto mode = impl->Prepare("PRAGMA journal_mode = WAL", "set journal mode");
    if (!mode) return std::unexpected(mode.error());
    std::string got;
    auto rows = impl->ForEachRow(*mode, "set journal mode",
                                 [&](const Statement& s) { got = s.Text(0); });
    if (!rows) return std::unexpected(rows.error());
    if (got != "wal" && got != "memory") {
      return Fail(ErrorCode::kDatabase,
                  path + ": set journal mode: WAL refused (journal mode is \"" +
                      got + "\"); is the database on a network filesystem?");
    }
  }
  if (auto pragmas = impl->Exec(kConnectionPragmas, "configure connection");
      !pragmas) {
    return std::unexpected(pragmas.error());
  }
  if (auto migrated = impl->Migrate(); !migrated) {
    return std::unexpected(migrated.error());
  }
  return std::unique_ptr<ListStore>(new ListStore(std::move(impl), path));
}

ListStore::ListStore(std::unique_ptr<Impl> impl, std::string path)
    : impl_(std::move(impl)), path_(std::move(path)) {}

ListStore::~ListStore() = default;

// --- Import ----------------------------------------------------------------

// The insert statements of one Import(), each prepared once and reused for
// every row.
struct Inserts {
  Statement version, party, name, name_part, address, identifier, program,
      date_of_birth, place_of_birth, nationality, citizenship, relationship,
      attribute;
};

Result<void> ListStore::Impl::ImportList(const lists::ListDocument& list,
                                         std::int64_t source_row,
                                         Inserts& ins) {
  const lists::ListCounts counts = lists::CountOf(list);
  ins.version.Bind(1, source_row)
      .Bind(2, list.code)
      .Bind(3, list.name)
      .Bind(4, list.publisher)
      .Bind(5, list.published)
      .Bind(6, static_cast<std::int64_t>(counts.parties))
      .Bind(7, static_cast<std::int64_t>(counts.names))
      .Bind(8, static_cast<std::int64_t>(counts.addresses))
      .Bind(9, static_cast<std::int64_t>(counts.identifiers))
      .Bind(10, static_cast<std::int64_t>(counts.relationships));
  if (Run(ins.version) != SQLITE_OK) {
    return std::unexpected(
        Failure("import list \"" + list.code + "\": insert list version"));
  }
  const std::int64_t version_id = sqlite3_last_insert_rowid(db);

  for (const lists::Party& party : list.parties) {
    // Builds the operation name only when something failed.
    auto failed = [&](std::string_view what) {
      return std::unexpected(Failure("import " + list.code + " party \"" +
                                     party.source_id +
                                     "\": " + std::string(what)));
    };
    const std::string hash = PartyContentHash(party);
    ins.party.Bind(1, version_id)
        .Bind(2, party.source_id)
        .Bind(3, lists::PartyTypeName(party.type))
        .Bind(4, party.remarks)
        .Bind(5, hash);
    if (Run(ins.party) != SQLITE_OK) return failed("insert party");
    const std::int64_t party_id = sqlite3_last_insert_rowid(db);

    for (const lists::Name& name : party.names) {
      ins.name.Bind(1, party_id)
          .Bind(2, version_id)
          .Bind(3, name.full)
          .Bind(4, name.script)
          .Bind(5, lists::AliasStrengthName(name.strength))
          .Bind(6, name.alias_type)
          .Bind(7, name.language);
      if (Run(ins.name) != SQLITE_OK) return failed("insert name");
      const std::int64_t name_id = sqlite3_last_insert_rowid(db);
      for (const lists::NamePart& part : name.parts) {
        ins.name_part.Bind(1, name_id).Bind(2, part.type).Bind(3, part.value);
        if (Run(ins.name_part) != SQLITE_OK) return failed("insert name part");
      }
    }
    for (const lists::Address& a : party.addresses) {
      ins.address.Bind(1, party_id)
          .Bind(2, a.full)
          .Bind(3, a.street)
          .Bind(4, a.city)
          .Bind(5, a.state_province)
          .Bind(6, a.postal_code)
          .Bind(7, a.region)
          .Bind(8, a.country)
          .Bind(9, a.country_name);
      if (Run(ins.address) != SQLITE_OK) return failed("insert address");
    }
    for (const lists::Identifier& id : party.identifiers) {
      const std::string normalized = NormalizeIdentifier(id.value);
      ins.identifier.Bind(1, party_id)
          .Bind(2, version_id)
          .Bind(3, id.type)
          .Bind(4, id.label)
          .Bind(5, id.value)
          .Bind(6, normalized)
          .Bind(7, id.country)
          .Bind(8, id.currency)
          .Bind(9, id.issued)
          .Bind(10, id.expires)
          .Bind(11, id.note);
      if (Run(ins.identifier) != SQLITE_OK) return failed("insert identifier");
    }
    struct Values {
      Statement* stmt;
      const std::vector<std::string>* values;
      const char* what;
    };
    for (const Values& field :
         {Values{&ins.program, &party.programs, "insert program"},
          Values{&ins.date_of_birth, &party.dates_of_birth,
                 "insert date of birth"},
          Values{&ins.place_of_birth, &party.places_of_birth,
                 "insert place of birth"},
          Values{&ins.nationality, &party.nationalities, "insert nationality"},
          Values{&ins.citizenship, &party.citizenships,
                 "insert citizenship"}}) {
      for (const std::string& value : *field.values) {
        field.stmt->Bind(1, party_id).Bind(2, value);
        if (Run(*field.stmt) != SQLITE_OK) return failed(field.what);
      }
    }
    for (const lists::Relationship& r : party.relationships) {
      ins.relationship.Bind(1, party_id)
          .Bind(2, r.type)
          .Bind(3, r.other_source_id)
          .Bind(4, r.other_name)
          .Bind(5, r.note);
      if (Run(ins.relationship) != SQLITE_OK) {
        return failed("insert relationship");
      }
    }
    for (const auto& [key, value] : party.attributes) {
      ins.attribute.Bind(1, party_id).Bind(2, key).Bind(3, value);
      if (Run(ins.attribute) != SQLITE_OK) return failed("insert attribute");
    }
  }
  return Ok();
}

Result<ImportOutcome> ListStore::Import(const lists::ParsedSource& source,
                                        std::string_view imported_at) {
  if (source.sha256.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                path_ + ": import: the source has no sha256 identity");
  }
  Impl& impl = *impl_;
  Transaction tx(impl);
  if (auto begun = tx.Begin("import: begin"); !begun) {
    return std::unexpected(begun.error());
  }

  auto existing = impl.Prepare("SELECT id FROM sources WHERE sha256 = ?1",
                               "import: look up source");
  if (!existing) return std::unexpected(existing.error());
  existing->Bind(1, source.sha256);
  std::optional<std::int64_t> held;
  auto looked = impl.ForEachRow(*existing, "import: look up source",
                                [&](const Statement& s) { held = s.Int(0); });
  if (!looked) return std::unexpected(looked.error());
  if (held) {
    // Nothing was written; the transaction rolls back on return.
    auto versions = impl.QueryVersions("WHERE v.source_id = ?1 ORDER BY v.id",
                                       [&](Statement& s) { s.Bind(1, *held); });
    if (!versions) return std::unexpected(versions.error());
    return ImportOutcome{true, std::move(*versions)};
  }

  std::string warnings;
  for (const std::string& w : source.warnings) {
    warnings += w;
    warnings += '\n';
  }
  auto insert_source = impl.Prepare(
      "INSERT INTO sources (sha256, format, parser_version, imported_at, "
      "warnings) VALUES (?1, ?2, ?3, ?4, ?5)",
      "import: prepare");
  if (!insert_source) return std::unexpected(insert_source.error());
  insert_source->Bind(1, source.sha256)
      .Bind(2, lists::FormatName(source.format))
      .Bind(3, source.parser_version)
      .Bind(4, imported_at)
      .Bind(5, warnings);
  if (impl.Run(*insert_source) != SQLITE_OK) {
    return std::unexpected(impl.Failure("import: insert source"));
  }
  const std::int64_t source_row = sqlite3_last_insert_rowid(impl.db);

  auto insert_file = impl.Prepare(
      "INSERT INTO source_files (source_id, path, sha256, bytes) "
      "VALUES (?1, ?2, ?3, ?4)",
      "import: prepare");
  if (!insert_file) return std::unexpected(insert_file.error());
  for (const lists::SourceFile& file : source.files) {
    insert_file->Bind(1, source_row)
        .Bind(2, file.path)
        .Bind(3, file.sha256)
        .Bind(4, file.bytes);
    if (impl.Run(*insert_file) != SQLITE_OK) {
      return std::unexpected(
          impl.Failure("import: insert source file \"" + file.path + "\""));
    }
  }

  Inserts ins;
  const std::pair<Statement*, const char*> sqls[] = {
      {&ins.version,
       "INSERT INTO list_versions (source_id, code, name, publisher, "
       "published, party_count, name_count, address_count, identifier_count, "
       "relationship_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"},
      {&ins.party,
       "INSERT INTO parties (version_id, source_id, type, remarks, "
       "content_hash) VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&ins.name,
       "INSERT INTO names (party_id, version_id, full, script, strength, "
       "alias_type, language) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
      {&ins.name_part,
       "INSERT INTO name_parts (name_id, type, value) VALUES (?1, ?2, ?3)"},
      {&ins.address,
       "INSERT INTO addresses (party_id, full, street, city, state_province, "
       "postal_code, region, country, country_name) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
      {&ins.identifier,
       "INSERT INTO identifiers (party_id, version_id, type, label, value, "
       "value_normalized, country, currency, issued, expires, note) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"},
      {&ins.program,
       "INSERT INTO programs (party_id, program) VALUES (?1, ?2)"},
      {&ins.date_of_birth,
       "INSERT INTO dates_of_birth (party_id, value) VALUES (?1, ?2)"},
      {&ins.place_of_birth,
       "INSERT INTO places_of_birth (party_id, value) VALUES (?1, ?2)"},
      {&ins.nationality,
       "INSERT INTO nationalities (party_id, country) VALUES (?1, ?2)"},
      {&ins.citizenship,
       "INSERT INTO citizenships (party_id, country) VALUES (?1, ?2)"},
      {&ins.relationship,
       "INSERT INTO relationships (party_id, type, other_source_id, "
       "other_name, note) VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&ins.attribute,
       "INSERT INTO attributes (party_id, key, value) VALUES (?1, ?2, ?3)"},
  };
  for (const auto& [stmt, sql] : sqls) {
    auto prepared = impl.Prepare(sql, "import: prepare");
    if (!prepared) return std::unexpected(prepared.error());
    *stmt = std::move(*prepared);
  }

  for (const lists::ListDocument& list : source.lists) {
    if (auto stored = impl.ImportList(list, source_row, ins); !stored) {
      return std::unexpected(stored.error());
    }
  }

  auto versions =
      impl.QueryVersions("WHERE v.source_id = ?1 ORDER BY v.id",
                         [&](Statement& s) { s.Bind(1, source_row); });
  if (!versions) return std::unexpected(versions.error());
  if (auto committed = tx.Commit("import: commit"); !committed) {
    return std::unexpected(committed.error());
  }
  return ImportOutcome{false, std::move(*versions)};
}

// --- Reading ---------------------------------------------------------------

Result<std::vector<ListVersionInfo>> ListStore::Versions() {
  return impl_->QueryVersions("ORDER BY v.code, v.id", nullptr);
}

Result<ListVersionInfo> ListStore::ResolveVersion(std::string_view code,
                                                  std::string_view ref) {
  const std::string code_text(code);
  auto versions =
      impl_->QueryVersions("WHERE v.code = ?1 ORDER BY v.id",
                           [&](Statement& s) { s.Bind(1, code_text); });
  if (!versions) return std::unexpected(versions.error());
  if (versions->empty()) {
    return Fail(ErrorCode::kNotFound, "no list \"" + code_text + "\" in " +
                                          path_ + " (" + impl_->HeldCodes() +
                                          ")");
  }
  if (ref == "latest") {
    for (const ListVersionInfo& v : *versions) {
      if (v.latest) return v;
    }
    return Fail(ErrorCode::kInternal, code_text + ": no latest version");
  }
  const std::string lower = AsciiLower(ref);
  std::vector<ListVersionInfo> candidates;
  for (const ListVersionInfo& v : *versions) {
    const bool by_id = AllDigits(ref) && std::to_string(v.id) == ref;
    const bool by_date = !ref.empty() && v.published == ref;
    const bool by_sha = ref.size() >= 8 && AllHex(ref) &&
                        AsciiLower(v.sha256).starts_with(lower);
    if (by_id || by_date || by_sha) candidates.push_back(v);
  }
  if (candidates.size() == 1) return candidates.front();
  const std::string what = code_text + " version \"" + std::string(ref) + "\"";
  if (candidates.empty()) {
    std::string hint;
    if (AllHex(ref) && !AllDigits(ref) && ref.size() < 8) {
      hint = " (an sha256 prefix needs at least 8 hex digits)";
    }
    return Fail(ErrorCode::kNotFound,
                "no " + what + hint +
                    ": give a version id, a publisher's date, an sha256 "
                    "prefix or \"latest\"; versions held: " +
                    DescribeAll(*versions));
  }
  return Fail(ErrorCode::kInvalidArgument,
              what + " is ambiguous; candidates: " + DescribeAll(candidates) +
                  "; give the version id");
}

Result<std::vector<lists::Party>> ListStore::Impl::LoadParties(
    const std::string& filter, std::int64_t param) {
  std::vector<lists::Party> parties;
  std::unordered_map<std::int64_t, std::size_t> party_index;
  // (party index, name index) by names.id
  std::unordered_map<std::int64_t, std::pair<std::size_t, std::size_t>>
      name_index;

  auto query =
      [&](const std::string& sql, std::string_view op,
          const std::function<void(const Statement&)>& row) -> Result<void> {
    auto stmt = Prepare(sql, op);
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(1, param);
    return ForEachRow(*stmt, op, row);
  };
  // Rows of a child table of parties, in insertion order; column 0 is the
  // party id, the table's own columns follow.
  auto children =
      [&](const std::string& table, const std::string& columns,
          const std::function<void(lists::Party&, const Statement&)>& row) {
        return query("SELECT c.party_id, " + columns + " FROM " + table +
                         " c JOIN parties p ON p.id = c.party_id WHERE " +
                         filter + " ORDER BY c.id",
                     "load " + table, [&](const Statement& s) {
                       auto it = party_index.find(s.Int(0));
                       if (it != party_index.end()) row(parties[it->second], s);
                     });
      };

  auto loaded = query(
      "SELECT p.id, p.source_id, p.type, p.remarks FROM parties p WHERE " +
          filter + " ORDER BY p.id",
      "load parties", [&](const Statement& s) {
        party_index[s.Int(0)] = parties.size();
        lists::Party party;
        party.source_id = s.Text(1);
        party.type = lists::ParsePartyType(s.Text(2));
        party.remarks = s.Text(3);
        parties.push_back(std::move(party));
      });
  if (!loaded) return std::unexpected(loaded.error());
  if (parties.empty()) return parties;

  loaded = query(
      "SELECT c.id, c.party_id, c.full, c.script, c.strength, c.alias_type, "
      "c.language FROM names c JOIN parties p ON p.id = c.party_id WHERE " +
          filter + " ORDER BY c.id",
      "load names", [&](const Statement& s) {
        auto it = party_index.find(s.Int(1));
        if (it == party_index.end()) return;
        lists::Party& party = parties[it->second];
        name_index[s.Int(0)] = {it->second, party.names.size()};
        lists::Name name;
        name.full = s.Text(2);
        name.script = s.Text(3);
        name.strength = lists::ParseAliasStrength(s.Text(4));
        name.alias_type = s.Text(5);
        name.language = s.Text(6);
        party.names.push_back(std::move(name));
      });
  if (!loaded) return std::unexpected(loaded.error());

  loaded = query(
      "SELECT c.name_id, c.type, c.value FROM name_parts c "
      "JOIN names n ON n.id = c.name_id JOIN parties p ON p.id = n.party_id "
      "WHERE " +
          filter + " ORDER BY c.id",
      "load name_parts", [&](const Statement& s) {
        auto it = name_index.find(s.Int(0));
        if (it == name_index.end()) return;
        parties[it->second.first].names[it->second.second].parts.push_back(
            {s.Text(1), s.Text(2)});
      });
  if (!loaded) return std::unexpected(loaded.error());

  loaded = children(
      "addresses",
      "c.full, c.street, c.city, c.state_province, c.postal_code, c.region, "
      "c.country, c.country_name",
      [](lists::Party& party, const Statement& s) {
        party.addresses.push_back({s.Text(1), s.Text(2), s.Text(3), s.Text(4),
                                   s.Text(5), s.Text(6), s.Text(7), s.Text(8)});
      });
  if (!loaded) return std::unexpected(loaded.error());

  loaded = children(
      "identifiers",
      "c.type, c.label, c.value, c.country, c.currency, c.issued, c.expires, "
      "c.note",
      [](lists::Party& party, const Statement& s) {
        party.identifiers.push_back({s.Text(1), s.Text(2), s.Text(3), s.Text(4),
                                     s.Text(5), s.Text(6), s.Text(7),
                                     s.Text(8)});
      });
  if (!loaded) return std::unexpected(loaded.error());

  using Field = std::vector<std::string> lists::Party::*;
  const std::tuple<const char*, const char*, Field> fields[] = {
      {"programs", "c.program", &lists::Party::programs},
      {"dates_of_birth", "c.value", &lists::Party::dates_of_birth},
      {"places_of_birth", "c.value", &lists::Party::places_of_birth},
      {"nationalities", "c.country", &lists::Party::nationalities},
      {"citizenships", "c.country", &lists::Party::citizenships},
  };
  for (const auto& [table, column, member] : fields) {
    loaded = children(table, column,
                      [member](lists::Party& party, const Statement& s) {
                        (party.*member).push_back(s.Text(1));
                      });
    if (!loaded) return std::unexpected(loaded.error());
  }

  loaded = children("relationships",
                    "c.type, c.other_source_id, c.other_name, c.note",
                    [](lists::Party& party, const Statement& s) {
                      party.relationships.push_back(
                          {s.Text(1), s.Text(2), s.Text(3), s.Text(4)});
                    });
  if (!loaded) return std::unexpected(loaded.error());

  loaded = children("attributes", "c.key, c.value",
                    [](lists::Party& party, const Statement& s) {
                      party.attributes.emplace_back(s.Text(1), s.Text(2));
                    });
  if (!loaded) return std::unexpected(loaded.error());
  return parties;
}

Result<lists::ListDocument> ListStore::LoadList(std::int64_t version_id) {
  auto version = impl_->VersionById(version_id);
  if (!version) return std::unexpected(version.error());
  if (!*version) {
    return Fail(
        ErrorCode::kNotFound,
        "no list version " + std::to_string(version_id) + " in " + path_);
  }
  lists::ListDocument document;
  document.code = (*version)->code;
  document.name = (*version)->name;
  document.publisher = (*version)->publisher;
  document.published = (*version)->published;
  auto parties = impl_->LoadParties("p.version_id = ?1", version_id);
  if (!parties) return std::unexpected(parties.error());
  document.parties = std::move(*parties);
  return document;
}

Result<StoredParty> ListStore::FindParty(
    std::string_view party_ref, std::optional<std::int64_t> version_id) {
  Impl& impl = *impl_;
  const std::string ref(party_ref);
  if (ref.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "empty party reference: give CODE:SOURCE_ID or SOURCE_ID");
  }
  auto codes = impl.Codes();
  if (!codes) return std::unexpected(codes.error());

  std::string code;
  std::string source_id = ref;
  if (const auto colon = ref.find(':'); colon != std::string::npos) {
    const std::string prefix = ref.substr(0, colon);
    if (std::find(codes->begin(), codes->end(), prefix) != codes->end()) {
      code = prefix;
      source_id = ref.substr(colon + 1);
    }
  }

  std::optional<ListVersionInfo> pinned;
  if (version_id) {
    auto version = impl.VersionById(*version_id);
    if (!version) return std::unexpected(version.error());
    if (!*version) {
      return Fail(
          ErrorCode::kNotFound,
          "no list version " + std::to_string(*version_id) + " in " + path_);
    }
    if (!code.empty() && (*version)->code != code) {
      return Fail(ErrorCode::kInvalidArgument,
                  ref + ": version " + std::to_string(*version_id) +
                      " is of list " + (*version)->code + ", not " + code);
    }
    pinned = std::move(**version);
  }

  // The versions searched: the pinned one, the latest of `code`, or the
  // latest of every list.
  std::vector<ListVersionInfo> searched;
  if (pinned) {
    searched.push_back(*pinned);
  } else {
    auto all = Versions();
    if (!all) return std::unexpected(all.error());
    for (ListVersionInfo& v : *all) {
      if (v.latest && (code.empty() || v.code == code)) {
        searched.push_back(std::move(v));
      }
    }
  }

  auto lookup = impl.Prepare(
      "SELECT id FROM parties WHERE version_id = ?1 AND source_id = ?2",
      "find party");
  if (!lookup) return std::unexpected(lookup.error());
  std::vector<std::pair<std::int64_t, const ListVersionInfo*>> hits;
  for (const ListVersionInfo& v : searched) {
    lookup->Bind(1, v.id).Bind(2, source_id);
    auto rows = impl.ForEachRow(*lookup, "find party", [&](const Statement& s) {
      hits.emplace_back(s.Int(0), &v);
    });
    if (!rows) return std::unexpected(rows.error());
  }

  if (hits.empty()) {
    std::string where;
    if (pinned) {
      where = pinned->code + " version " + Describe(*pinned);
    } else if (!code.empty()) {
      where = "the latest version of " + code;
    } else {
      where = "the latest version of any list (" + impl.HeldCodes() + ")";
    }
    std::string hint;
    if (code.empty() && ref.find(':') != std::string::npos) {
      hint =
          "; \"" + ref.substr(0, ref.find(':')) + "\" is not a list code held";
    }
    return Fail(ErrorCode::kNotFound,
                "no party \"" + source_id + "\" in " + where + hint);
  }
  if (hits.size() > 1) {
    std::string lists_named;
    for (const auto& [id, v] : hits) {
      if (!lists_named.empty()) lists_named += ", ";
      lists_named += v->code + ":" + source_id;
    }
    return Fail(ErrorCode::kInvalidArgument,
                "party \"" + source_id + "\" is ambiguous: it is in " +
                    std::to_string(hits.size()) + " lists; name one of " +
                    lists_named);
  }
  auto parties = impl.LoadParties("p.id = ?1", hits.front().first);
  if (!parties) return std::unexpected(parties.error());
  if (parties->size() != 1) {
    return Fail(ErrorCode::kInternal, "party \"" + ref + "\" vanished");
  }
  return StoredParty{*hits.front().second, std::move(parties->front())};
}

// --- Prune -----------------------------------------------------------------

Result<PruneOutcome> ListStore::Prune(std::string_view before, bool dry_run) {
  if (before.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "prune: give a date (ISO 8601) to remove versions imported "
                "before");
  }
  Impl& impl = *impl_;
  const std::string cutoff(before);
  Transaction tx(impl);
  if (auto begun = tx.Begin("prune: begin"); !begun) {
    return std::unexpected(begun.error());
  }
  auto all =
      impl.QueryVersions("WHERE s.imported_at < ?1 ORDER BY v.code, v.id",
                         [&](Statement& s) { s.Bind(1, cutoff); });
  if (!all) return std::unexpected(all.error());
  PruneOutcome outcome;
  for (ListVersionInfo& v : *all) {
    if (!v.latest) outcome.removed.push_back(std::move(v));
  }
  if (dry_run || outcome.removed.empty()) return outcome;  // rolls back

  auto remove =
      impl.Prepare("DELETE FROM list_versions WHERE id = ?1", "prune: prepare");
  if (!remove) return std::unexpected(remove.error());
  for (const ListVersionInfo& v : outcome.removed) {
    remove->Bind(1, v.id);
    if (impl.Run(*remove) != SQLITE_OK) {
      return std::unexpected(impl.Failure("prune: delete " + v.code +
                                          " version " + std::to_string(v.id)));
    }
  }
  auto orphans = impl.Prepare(
      "DELETE FROM sources WHERE imported_at < ?1 AND NOT EXISTS "
      "(SELECT 1 FROM list_versions v WHERE v.source_id = sources.id)",
      "prune: prepare");
  if (!orphans) return std::unexpected(orphans.error());
  orphans->Bind(1, cutoff);
  if (impl.Run(*orphans) != SQLITE_OK) {
    return std::unexpected(impl.Failure("prune: delete sources"));
  }
  if (auto committed = tx.Commit("prune: commit"); !committed) {
    return std::unexpected(committed.error());
  }
  return outcome;
}

}  // namespace clearance::store
