// engine/store: the list store, a SQLite database holding every imported
// version of every list with its provenance. This is the one module that
// talks to SQLite for lists (schema: engine/store/migrations/*.sql).
//
// Guarantees:
//  - Import() is one transaction: all lists of a source are stored, or the
//    database is left byte-for-byte unchanged.
//  - Importing a source whose sha256 is already held is a no-op that says so.
//  - Older versions are kept until Prune().
//  - The "latest" version of a list code is the one with the newest
//    publisher's date (`published`), ties broken by import order; importing
//    an archived older file does not make it the list screened against.
//  - Version ids are never reused, so an id quoted elsewhere (audit records)
//    keeps naming the same version, or none once pruned.
//
// Errors: SQLite failures are kDatabase with "<db path>: <operation>:
// <sqlite message>"; a file that is not a SQLite database, or a SQLite
// database that is not a list store, fails Open() with kDatabase; a schema
// newer than this binary knows fails Open() with kFailedPrecondition.
//
// Durability: WAL journal, synchronous=FULL: a returned Import() survives a
// power cut. The database must live on a local filesystem (WAL needs shared
// memory), in a directory the process can write (for the -wal/-shm files).
//
// Usage:
//   auto store = ListStore::Open("clearance.db");
//   auto outcome = (*store)->Import(parsed, "2026-11-22T10:00:00Z");
//
// Thread safety: one ListStore per thread; SQLite serializes writers across
// processes (WAL mode, busy timeout 5 s).
#ifndef CLEARANCE_ENGINE_STORE_LIST_STORE_H_
#define CLEARANCE_ENGINE_STORE_LIST_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"
#include "engine/lists/lists.h"
#include "engine/lists/model.h"

namespace clearance::store {

struct ListVersionInfo {
  std::int64_t id = 0;  // version id, unique across all lists
  std::string code;     // "OFAC-SDN"
  std::string name;     // "OFAC Specially Designated Nationals"
  std::string publisher;
  std::string published;    // publisher's date
  std::string format;       // lists::FormatName()
  std::string source_path;  // main file as given at import
  std::string sha256;       // source identity (see ParsedSource::sha256)
  std::string parser_version;
  std::string imported_at;  // ISO 8601 UTC
  lists::ListCounts counts;
  bool latest = false;  // newest version of its list code
};

// The form identifiers are indexed under for identifier screening: ASCII
// lower-case with all white space removed ("AB 12 34" -> "ab1234"). Screening
// must normalize a query value the same way.
std::string NormalizeIdentifier(std::string_view value);

struct ImportOutcome {
  bool already_imported = false;  // the same sha256 was held: nothing changed
  std::vector<ListVersionInfo> versions;  // stored (or already held) versions
};

struct PruneOutcome {
  std::vector<ListVersionInfo> removed;
};

// A party as stored, with the version it belongs to.
struct StoredParty {
  ListVersionInfo version;
  lists::Party party;
};

class ListStore {
 public:
  // Opens or creates the database at `path` and applies pending migrations.
  static Result<std::unique_ptr<ListStore>> Open(const std::string& path);
  ~ListStore();
  ListStore(const ListStore&) = delete;
  ListStore& operator=(const ListStore&) = delete;

  // Stores every list of `source` in one transaction. `imported_at` is the
  // caller's clock (ISO 8601 UTC). Fails with kAlreadyExists never: a
  // re-import reports already_imported = true instead.
  Result<ImportOutcome> Import(const lists::ParsedSource& source,
                               std::string_view imported_at);

  // Every version held, ordered by list code then id.
  Result<std::vector<ListVersionInfo>> Versions();

  // Resolves a version of list `code`: a version id ("12"), a publisher's
  // date ("2025-11-19"), an sha256 prefix (>= 8 hex digits), or "latest".
  // kNotFound if nothing matches (the message lists the versions held);
  // kInvalidArgument if several do (the message lists the candidates).
  Result<ListVersionInfo> ResolveVersion(std::string_view code,
                                         std::string_view ref);

  // Loads a whole list version back into the canonical model, exactly as it
  // was imported (order of parties and of every field kept). kNotFound if
  // no such version.
  Result<lists::ListDocument> LoadList(std::int64_t version_id);

  // Loads one party. `party_ref` is "CODE:SOURCE_ID" (e.g. "OFAC-SDN:36"),
  // looked up in the latest version of CODE unless `version_id` is given;
  // a bare SOURCE_ID is searched in the latest version of every list and
  // must be unambiguous (kInvalidArgument naming the lists otherwise).
  // kNotFound if absent. A prefix that is not a held list code is taken as
  // part of a bare source id (source ids may contain ':').
  Result<StoredParty> FindParty(std::string_view party_ref,
                                std::optional<std::int64_t> version_id = {});

  // Removes versions that are not the latest of their list and were
  // imported before `before` (ISO 8601, compared as text, so "2026-01-01"
  // means before that day); dry_run reports without deleting. The latest
  // version of every list is always kept. Sources left without versions
  // are removed with them.
  Result<PruneOutcome> Prune(std::string_view before, bool dry_run);

  const std::string& path() const { return path_; }

 private:
  struct Impl;
  explicit ListStore(std::unique_ptr<Impl> impl, std::string path);
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

}  // namespace clearance::store

#endif  // CLEARANCE_ENGINE_STORE_LIST_STORE_H_
