// engine/store: ownership records persisted next to the lists, in the same
// SQLite file (schema: migrations/002_ownership.sql), for
// ownership::OwnershipGraph::Build.
//
//   auto batch = ReadRecordFile("owners.csv");            // parse + sha256
//   LinkListedParties(*batch, *list_store);              // "BIS-EL:..." ids
//   auto owned = OwnershipStore::Open("clearance.db");
//   (*owned)->Import({*batch}, "2026-11-22T10:00:00Z");
//   auto data = (*owned)->Load();   // -> OwnershipGraph::Build(...)
//
// Guarantees:
//  - Import() stores all given batches in one transaction, or nothing: a
//    holding naming an entity that is neither in the batches nor already
//    stored fails the whole import (kInvalidArgument naming the record).
//  - A batch whose sha256 is already held is skipped and reported as
//    already_imported (a no-op; the database is not written).
//  - A batch replaces holdings of earlier batches with the same (owner,
//    owned, kind, source); a kListRelationships batch replaces every earlier
//    holding of its source (a new list version restates all its links).
//
// Errors: SQLite failures are kDatabase "<db path>: <operation>: <message>";
// Open() fails as ListStore::Open() does (the file must be a Clearance
// store; migrations are applied by it).
//
// Thread safety: one OwnershipStore per thread; SQLite serializes writers
// across processes (WAL, busy timeout 5 s).
#ifndef CLEARANCE_ENGINE_STORE_OWNERSHIP_STORE_H_
#define CLEARANCE_ENGINE_STORE_OWNERSHIP_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"
#include "engine/ownership/importers.h"
#include "engine/ownership/ownership.h"
#include "engine/store/list_store.h"

namespace clearance::store {

struct OwnershipBatchInfo {
  std::int64_t id = 0;
  std::string file;
  std::string sha256;
  std::string format;  // ownership::RecordFormatName
  std::string imported_at;
  std::int64_t entities = 0;  // read from the file
  std::int64_t holdings = 0;
  std::vector<std::string> warnings;
};

struct OwnershipImportOutcome {
  OwnershipBatchInfo batch;       // stored (or already held) batch
  bool already_imported = false;  // same sha256 held: nothing changed
  std::int64_t replaced = 0;      // earlier holdings this batch replaced
};

// An entity of the provider's records linked to a listed party by the
// matcher (`clearance ownership link`; table ownership_links, migration
// 005_ownership_links.sql). An applied link is a listing of the entity
// (Load() adds it to the entity's listings); a review link never counts.
struct OwnershipLink {
  std::string entity_id;
  std::string list;      // list code, e.g. "SAMPLE-RPL"
  std::string party_id;  // the publisher's id
  std::string party_name;
  std::string matched_name;  // the listed name (or identifier) that matched
  double score = 0;          // 0..1; 1 for identifier hits
  std::string method;        // "name" or "identifier:<TYPE>" (e.g. LEI)
  std::string explanation;   // the matcher's explanation, JSON text
  bool applied = false;      // false: "review" (below threshold)
  double threshold = 0;      // the threshold of the run that linked it
  std::int64_t list_version = 0;
  std::string listed_from;  // the party's start_date, ISO, "" = unknown
  std::string listed_to;    // the party's end_date, ISO, "" = open
  std::string linked_at;    // ISO 8601 UTC of the run that (re)wrote it
};

struct LinkReplaceOutcome {
  std::int64_t added = 0;      // new (entity, list, party) rows
  std::int64_t changed = 0;    // same key, other status/score/version
  std::int64_t unchanged = 0;  // identical to the stored row (not written)
  std::int64_t removed = 0;    // stored rows of the lists no longer found
};

// Everything stored, ready for OwnershipGraph::Build.
struct OwnershipData {
  std::vector<ownership::Entity> entities;
  std::vector<ownership::Holding> holdings;
  std::vector<ownership::UltimateParentRecord> ultimate_parents;
};

class OwnershipStore {
 public:
  // Opens (creating and migrating if needed) the database at `path`.
  static Result<std::unique_ptr<OwnershipStore>> Open(const std::string& path);
  ~OwnershipStore();
  OwnershipStore(const OwnershipStore&) = delete;
  OwnershipStore& operator=(const OwnershipStore&) = delete;

  // Stores `batches` in one transaction (see the guarantees above); one
  // outcome per batch, in order. REQUIRES: each batch has its sha256 set.
  Result<std::vector<OwnershipImportOutcome>> Import(
      const std::vector<ownership::RecordBatch>& batches,
      std::string_view imported_at);

  // Every entity (with listings, including applied matcher links),
  // holding and ultimate-parent record, in import order.
  Result<OwnershipData> Load();

  // Restates the matcher links of the lists in `lists` (every list when
  // empty) in one transaction: rows of those lists not in `links` are
  // removed, new ones added, changed ones rewritten; a row identical to the
  // stored one (same status, score, method, version, dates) is left as is,
  // with its linked_at, so re-running a link is a no-op. `linked_at` is
  // stamped on written rows. Errors: kInvalidArgument naming the link if its
  // entity is not stored or its score is outside 0..1 (nothing written);
  // kDatabase.
  Result<LinkReplaceOutcome> ReplaceLinks(
      const std::vector<std::string>& lists,
      const std::vector<OwnershipLink>& links, std::string_view linked_at);

  // Every matcher link (applied and review), by entity then list and party.
  Result<std::vector<OwnershipLink>> Links();

  // Every batch held, oldest first.
  Result<std::vector<OwnershipBatchInfo>> Batches();

  const std::string& path() const { return path_; }

 private:
  struct Impl;
  OwnershipStore(std::unique_ptr<Impl> impl, std::string path);
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

// Reads the file at `path`, detects its format, parses it and sets sha256
// (of the bytes). kIo if it cannot be read; parse errors as ParseRecords.
Result<ownership::RecordBatch> ReadRecordFile(const std::string& path);

// Resolves listed-party references in `batch` against the list store:
// every "CODE:ID" entity id (ownership::IsListedPartyId) and every declared
// listed_as. When CODE is held, the party must be in its latest version
// (kNotFound naming the record otherwise) and the entity gets the party's
// name and country and a Listing (listed_from/to from the Entity List's
// start_date/end_date where published). When CODE is not held, the listing
// is kept as declared and a warning says it was not verified.
Result<void> LinkListedParties(ownership::RecordBatch& batch, ListStore& lists);

// The ownership links published inside a list: every "Owned or Controlled
// By" relationship of the latest version of `code` becomes
// Holding{owner = "CODE:<other>", owned = "CODE:<party>", percent unknown,
// kind kControl, source "<CODE> relationship"}: OFAC does not publish
// percentages and the phrase does not tell ownership from control, so the
// link is reported (both parties are listed themselves) without counting as
// a share. Every party becomes an entity listed on `code`. The batch's
// sha256 is "list:<code>:<version sha256>", so one version imports once.
// kNotFound if no version of `code` is held.
Result<ownership::RecordBatch> ListRelationshipRecords(ListStore& lists,
                                                       std::string_view code);

}  // namespace clearance::store

#endif  // CLEARANCE_ENGINE_STORE_OWNERSHIP_STORE_H_
