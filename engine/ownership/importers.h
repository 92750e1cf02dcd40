// engine/ownership importers: ownership records in, as Entity and Holding
// values for OwnershipGraph::Build (ownership.h) and store::OwnershipStore.
//
//   auto batch = ParseRecords("owners.csv", content);   // format detected
//   if (!batch) ... batch.error() names the file and line/record
//   batch->holdings, batch->entities, batch->warnings
//
// Formats (docs/ownership.md "Records in"):
//  - kProviderCsv: the provider's own records, header
//    owner,owned,percent,kind,source,valid_from,valid_to (any order) plus the
//    optional columns owner_name, owner_country, owner_hq_country,
//    owned_name, owned_country, owned_hq_country. Entities are implied by
//    the ids used.
//  - kProviderJson: {"entities":[{"id","name","country","hq_country",
//    "listed_as":[{"list","party_id","listed_from","listed_to"}]}],
//    "holdings":[{"owner","owned","percent","kind","source","valid_from",
//    "valid_to"}]}. Holdings may only name declared entities, entities held
//    in the store already, or listed-party ids ("OFAC-SDN:12345"); the store
//    checks the last two at import.
//  - kGleifRr: GLEIF relationship records (rr:RelationshipData).
//    IS_DIRECTLY_CONSOLIDATED_BY -> Holding{owner = parent "LEI:...", owned
//    = child, kind shares, percent from a PERCENTAGE RelationshipQuantifier
//    or unknown, source "gleif-rr", validity from the RELATIONSHIP_PERIOD};
//    IS_ULTIMATELY_CONSOLIDATED_BY -> UltimateParentRecord (not a holding:
//    it summarizes a chain whose links are the direct records); other types
//    (fund management, sub-funds, branches) carry no ownership and are
//    counted in a warning.
//  - kGleifLei: GLEIF LEI records (lei:LEIData): Entity{"LEI:...", legal
//    name, legal address country, headquarters address country}.
//  - kBods: Open Ownership BODS statements (a JSON array): entity and person
//    statements become entities, ownershipOrControlStatements holdings.
//
// Listed parties: an id "CODE:ID" whose CODE looks like a list code
// (upper-case words joined by '-', e.g. "OFAC-SDN", "BIS-EL") names a party
// on that list (IsListedPartyId); store::LinkListedParties resolves them
// against the list store. Matching provider names to listed parties is a
// later step (the matcher), not done here.
//
// Dependencies: this module depends on common only; nlohmann_json (JSON,
// non-throwing parse) and expat (GLEIF XML, streamed) are linked to it
// directly, not borrowed from engine/lists, so ownership stays below lists.
// The SDN's own "Owned or Controlled By" links need the list model and are
// read by store::ListRelationshipRecords (ownership_store.h).
//
// Errors (kParse for malformed content, kInvalidArgument for bad records)
// name the file and the line (CSV, XML) or record (JSON): percent outside
// 0..100, self-ownership, valid_from after valid_to, malformed dates, unknown
// kinds or columns. A failing file yields no batch at all. Owners' shares of
// one entity summing past 100% on some date are warnings, not errors.
//
// Thread safety: pure functions.
#ifndef CLEARANCE_ENGINE_OWNERSHIP_IMPORTERS_H_
#define CLEARANCE_ENGINE_OWNERSHIP_IMPORTERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"
#include "engine/ownership/ownership.h"

namespace clearance::ownership {

enum class RecordFormat {
  kProviderCsv,
  kProviderJson,
  kGleifRr,
  kGleifLei,
  kBods,
  kListRelationships,  // built by store::ListRelationshipRecords
};

// "provider-csv", "provider-json", "gleif-rr", "gleif-lei", "bods",
// "list-relationships".
std::string_view RecordFormatName(RecordFormat format);

// GLEIF's IS_ULTIMATELY_CONSOLIDATED_BY: `ultimate_parent` is the top of
// `entity`'s accounting consolidation chain.
struct UltimateParentRecord {
  std::string entity;
  std::string ultimate_parent;
  std::string record_ref;
  std::string valid_from;
  std::string valid_to;
};

// Everything read from one file (one import batch).
struct RecordBatch {
  std::string file;    // as given
  std::string sha256;  // of the file's bytes; set by the caller (the store)
  RecordFormat format = RecordFormat::kProviderCsv;
  std::vector<Entity> entities;  // declared or implied; ids unique
  std::vector<Holding> holdings;
  std::vector<UltimateParentRecord> ultimate_parents;
  std::vector<std::string> warnings;  // each names the file and record
};

// Detects the format from the content (not the file name). kUnsupportedFormat
// names what was seen, e.g. GLEIF reporting exceptions (no ownership in them).
Result<RecordFormat> DetectRecordFormat(std::string_view file,
                                        std::string_view content);

// Detects the format and parses. `file` is used in messages and refs only.
Result<RecordBatch> ParseRecords(std::string_view file,
                                 std::string_view content);

Result<RecordBatch> ParseProviderCsv(std::string_view file,
                                     std::string_view content);
Result<RecordBatch> ParseProviderJson(std::string_view file,
                                      std::string_view content);
Result<RecordBatch> ParseGleifRr(std::string_view file,
                                 std::string_view content);
Result<RecordBatch> ParseGleifLei(std::string_view file,
                                  std::string_view content);
Result<RecordBatch> ParseBods(std::string_view file, std::string_view content);

// True for "CODE:ID" where CODE is upper-case letters/digits in two or more
// '-'-joined words ("OFAC-SDN:36", "BIS-EL:X"); false for "LEI:...",
// "acct:...", "BODS:...".
bool IsListedPartyId(std::string_view id);

// Checks what ParseRecords checks, for batches built elsewhere: percent
// range, self-ownership, date format and order (errors naming record_ref),
// and adds a warning for each owned entity whose owners' shares of one kind
// sum past 100% on some date. Idempotent for warnings already present.
Result<void> ValidateBatch(RecordBatch& batch);

}  // namespace clearance::ownership

#endif  // CLEARANCE_ENGINE_OWNERSHIP_IMPORTERS_H_
