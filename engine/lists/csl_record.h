// Internal: the trade.gov Consolidated Screening List (CSL) record shared by
// the CSV parser (csl_csv.cc) and the JSON parser (csl_json.cc). Each parser
// only decodes its syntax into a CslRecord; CslListBuilder owns the one
// mapping from CSL fields to the canonical model.
//
// One ListDocument per CSL `source`, with these codes:
//
//   CSL source (abbreviation in parentheses)         code
//   ------------------------------------------------ ----------------------
//   Entity List (EL) - BIS                           BIS-EL
//   Denied Persons List (DPL) - BIS                  BIS-DPL
//   Unverified List (UVL) - BIS                      BIS-UVL
//   Military End User (MEU) List - BIS               BIS-MEU
//   ITAR Debarred (DTC) - State Department           STATE-ITAR-DEBARRED
//   Nonproliferation Sanctions (ISN) - State Dept.   STATE-ISN
//   Specially Designated Nationals (SDN) - Treasury  CSL-OFAC-SDN
//   Sectoral Sanctions Identifications List (SSI)    CSL-OFAC-SSI
//   Foreign Sanctions Evaders (FSE)                  CSL-OFAC-FSE
//   Non-SDN Menu-Based Sanctions List (NS-MBS List)  CSL-OFAC-NS-MBS
//   Non-SDN Chinese Military-Industrial Complex
//     Companies List (CMIC)                          CSL-OFAC-CMIC
//   Palestinian Legislative Council List (PLC)       CSL-OFAC-PLC
//   Capta List (CAP)                                 CSL-OFAC-CAPTA
//   anything else, e.g. "New List (NL) - Agency"     CSL-NL (with a warning)
//
// BIS and State lists are published for screening only through the CSL, so
// they get the canonical codes (BIS-DPL is also what bis_dpl.cc produces
// from BIS's own dpl.txt: two versions of the same list). OFAC publishes its
// lists itself; those files are authoritative, so the CSL copies are kept
// apart under "CSL-OFAC-*" and never overwrite "OFAC-SDN" and friends.
// Sources are recognised by the abbreviation in parentheses, so a reworded
// source name keeps its code.
//
// Per record (fields named as in the CSL):
//  - source_id: entity_number when present, else _id; `_id` is kept as the
//    attribute "csl_id" when it differs.
//  - type: Individual/Entity/Vessel/Aircraft; empty gives kUnknown, except
//    on BIS-MEU, which names only entities (kEntity). The other untyped
//    lists (EL, DPL, UVL, ITAR, ISN) mix people and organisations.
//  - names: `name` is the primary name; `alt_names` are strong a.k.a.s (a
//    leading "and " that the Entity List puts on the last one is dropped).
//  - addresses: country as a code (or a name mapped by
//    reference::CountryCodeFor) into Address.country; the published text in
//    Address.full.
//  - title, federal_register_notice, start_date, end_date, standard_order,
//    license_requirement, license_policy, call_sign, vessel_type,
//    gross_tonnage, gross_registered_tonnage, vessel_flag, vessel_owner,
//    source_list_url, source_information_url: attributes with those keys.
//    start_date and end_date must be ISO dates.
//  - remarks: Party.remarks; each "Linked To: NAME" in it also becomes a
//    Relationship{"Linked To", other_name}.
//  - dates_of_birth: ISO ("1967", "1967-03-25"; "circa 1967" -> "1967";
//    "1960 to 1962" -> "1960/1962"; "25 Mar 1962" -> "1962-03-25").
//  - nationalities, citizenships: ISO alpha-2 (names mapped via reference;
//    unmapped text kept as attributes "nationality" / "citizenship").
//  - ids: OFAC's identifier labels map to canonical Identifier types
//    (see ClassifyCslIdLabel); labels that are facts rather than documents
//    ("Gender", "Secondary sanctions risk:", "Listing Date (CMIC)", ...)
//    become attributes keyed by the label's snake_case ("gender").
//  - The same source_id twice in one source (the 2022 CSL repeats Capta
//    entry 15268 with another source_list_url) is merged into one party:
//    values not yet present are added; a warning names both lines.
//
// Thread safety: CslListBuilder is a plain object; use one per parse.
#ifndef CLEARANCE_ENGINE_LISTS_CSL_RECORD_H_
#define CLEARANCE_ENGINE_LISTS_CSL_RECORD_H_

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/common/error.h"
#include "engine/lists/model.h"

namespace clearance::lists::internal {

struct CslAddress {
  std::string full;  // the address as one line
  std::string street;
  std::string city;
  std::string state;
  std::string postal_code;
  std::string country;  // as published: a code ("CN") or a name; "" if none
};

struct CslId {
  std::string type;  // the publisher's label: "Passport", "Gender", ...
  std::string number;
  std::string country;  // as published, code or name
  std::string issued;   // ISO date when known
  std::string expires;  // ISO date when known
  // A date whose role the source does not state (the CSV writes one date
  // without saying whether it is the issue or the expiry date).
  std::string undetermined_date;
};

// Scalar CSL fields kept as attributes under the same key, in this order.
const std::vector<std::string_view>& CslAttributeFields();

struct CslRecord {
  std::string where;  // "consolidated.csv line 12" / "x.json results[3]"
  std::string id;     // _id
  std::string source;
  std::string entity_number;
  std::string type;
  std::string name;
  std::string remarks;
  // CslAttributeFields() values present in the record, cleaned.
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<std::string> programs;
  std::vector<std::string> alt_names;
  std::vector<std::string> citizenships;
  std::vector<std::string> dates_of_birth;
  std::vector<std::string> nationalities;
  std::vector<std::string> places_of_birth;
  std::vector<CslAddress> addresses;
  std::vector<CslId> ids;
};

// What an identifier label of the CSL (OFAC's vocabulary) denotes.
struct CslIdLabel {
  bool is_identifier = true;  // false: a fact, kept as an attribute
  bool recognised = false;    // the label is in the known vocabulary
  std::string type;      // canonical Identifier::type, or the attribute key
  std::string currency;  // crypto addresses: "XBT", "ETH", ...
};
CslIdLabel ClassifyCslIdLabel(std::string_view label);

// Builds the ListDocuments of one CSL file from its records.
class CslListBuilder {
 public:
  // `warnings` (not owned) receives non-fatal oddities.
  explicit CslListBuilder(std::vector<std::string>* warnings);

  // Maps and adds one record. Fails (kParse, naming record.where and the
  // field) on an empty source or name, no _id/entity_number, or a start_date
  // / end_date that is not an ISO date.
  Result<void> Add(const CslRecord& record);

  // Moves the documents out, sorted by list code.
  std::vector<ListDocument> Finish();

 private:
  struct List {
    ListDocument document;
    std::unordered_map<std::string, size_t> index;       // source_id -> party
    std::unordered_map<std::string, std::string> where;  // source_id -> line
  };
  List& ListFor(const std::string& source, const std::string& where);
  void Merge(Party& into, Party&& from);

  std::vector<std::string>* warnings_;
  std::map<std::string, List> lists_;  // by source text
};

}  // namespace clearance::lists::internal

#endif  // CLEARANCE_ENGINE_LISTS_CSL_RECORD_H_
