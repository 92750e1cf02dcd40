// The canonical restricted-party model.
//
// Every list parser (OFAC advanced XML, OFAC legacy CSV, OFAC ENHANCED_XML,
// trade.gov CSL CSV/JSON, BIS Denied Persons, UN XML, DoD 1260H, crypto
// address lists, Clearance's own JSON) produces these types, and the store
// persists exactly these types. Fields hold what the publisher said; derived
// views (normalized names, match keys) belong to engine/text and engine/match.
//
// Conventions:
//  - Countries are ISO 3166-1 alpha-2 codes where the publisher's value could
//    be mapped, else empty, with the published text kept in `country_name`.
//  - Dates are ISO 8601 text as precise as published: "1962", "1962-03",
//    "1962-03-25"; a range is "1960/1962". Empty means unknown.
//  - Scripts are ISO 15924 codes ("Latn", "Hani", "Cyrl", "Arab", ...).
//
// Thread safety: plain value types.
#ifndef CLEARANCE_ENGINE_LISTS_MODEL_H_
#define CLEARANCE_ENGINE_LISTS_MODEL_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clearance::lists {

enum class PartyType { kPerson, kEntity, kVessel, kAircraft, kUnknown };

// "person", "entity", "vessel", "aircraft", "unknown".
std::string_view PartyTypeName(PartyType type);
// Inverse of PartyTypeName; also accepts "individual", "organization",
// "company" (case-insensitive). Unknown text gives kUnknown.
PartyType ParsePartyType(std::string_view text);

// How strongly a name identifies the party. OFAC distinguishes strong
// a.k.a.s from weak ones ("low quality"); f.k.a. names are former names.
enum class AliasStrength {
  kPrimary,   // the listed name
  kStrong,    // a.k.a. / n.k.a. / good-quality alias
  kFormerly,  // f.k.a.: a former name
  kWeak,      // weak / low-quality alias (OFAC: "not to be screened alone")
};

// "primary", "strong", "formerly", "weak".
std::string_view AliasStrengthName(AliasStrength strength);
AliasStrength ParseAliasStrength(std::string_view text);

struct NamePart {
  // "given", "family", "middle", "patronymic", "matronymic", "maiden",
  // "title", "entity", "vessel", "aircraft", "nickname", "other".
  std::string type;
  std::string value;
};

struct Name {
  std::string full;    // as published, for display
  std::string script;  // ISO 15924; "" when not determined
  AliasStrength strength = AliasStrength::kPrimary;
  std::string alias_type;  // the publisher's word: "A.K.A.", "F.K.A.", "N.K.A."
  std::string language;    // ISO 639 code when published
  std::vector<NamePart> parts;
};

struct Address {
  std::string full;  // the whole address as one line, as published
  std::string street;
  std::string city;
  std::string state_province;
  std::string postal_code;
  std::string region;        // e.g. "Crimea"
  std::string country;       // ISO alpha-2, "" if unmapped
  std::string country_name;  // as published
};

struct Identifier {
  // Canonical kind: "passport", "national_id", "tax_id", "lei", "uscc",
  // "registration", "imo", "mmsi", "swift_bic", "crypto_address",
  // "aircraft_tail", "email", "website", "phone", "other".
  std::string type;
  std::string
      label;  // the publisher's label, e.g. "Digital Currency Address - XBT"
  std::string value;     // as published
  std::string country;   // issuing country, ISO alpha-2 when known
  std::string currency;  // crypto: ticker as published ("XBT", "ETH", "USDT")
  std::string issued;    // date
  std::string expires;   // date
  std::string note;
};

struct Relationship {
  // The publisher's relationship type, e.g. "Owned or Controlled By",
  // "Associate Of", "Linked To", "Leader or Official Of".
  std::string type;
  // The related party's source id in the same list, when known.
  std::string other_source_id;
  // The related party's name as published (e.g. from "Linked To: NAME").
  std::string other_name;
  std::string note;
};

struct Party {
  std::string source_id;  // the publisher's id, unique within one list version
  PartyType type = PartyType::kUnknown;
  std::vector<Name> names;  // names[0] is the primary name
  std::vector<Address> addresses;
  std::vector<Identifier> identifiers;
  std::vector<std::string> programs;  // sanctions programs / list codes
  std::vector<std::string> dates_of_birth;
  std::vector<std::string> places_of_birth;
  std::vector<std::string> nationalities;  // ISO alpha-2
  std::vector<std::string> citizenships;   // ISO alpha-2
  std::vector<Relationship> relationships;
  std::string remarks;
  // Publisher-specific facts kept verbatim, e.g. for the Entity List:
  // "license_requirement", "license_policy", "federal_register_notice",
  // "start_date", "end_date", "title", "gender", "source_list_url".
  std::vector<std::pair<std::string, std::string>> attributes;

  // Returns the value of `key` in `attributes`, or "" if absent.
  std::string_view Attribute(std::string_view key) const;
};

// One list as published at one time. A file can hold several lists (the
// Consolidated Screening List holds one per `source`).
struct ListDocument {
  // Stable short code naming the list, e.g. "OFAC-SDN", "OFAC-NONSDN",
  // "BIS-EL" (Entity List), "BIS-DPL", "BIS-UVL", "BIS-MEU", "UN-SC",
  // "DOD-1260H", "STATE-ITAR-DEBARRED", "OFAC-SDN-CRYPTO". See docs/lists.md.
  std::string code;
  std::string name;       // human name: "OFAC Specially Designated Nationals"
  std::string publisher;  // "U.S. Treasury OFAC", "U.S. Commerce BIS", ...
  std::string published;  // the publisher's date (ISO), "" if not stated
  std::vector<Party> parties;
};

// Counts shown by `lists status`, computed from a document.
struct ListCounts {
  long parties = 0;
  long names = 0;
  long addresses = 0;
  long identifiers = 0;
  long relationships = 0;
};
ListCounts CountOf(const ListDocument& document);

}  // namespace clearance::lists

#endif  // CLEARANCE_ENGINE_LISTS_MODEL_H_
