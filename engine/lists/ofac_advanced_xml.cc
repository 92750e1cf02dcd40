// OFAC SDN ADVANCED_XML -> the canonical model. Mapping choices that the
// format does not make obvious:
//  - One Name per DocumentedName: the Latin and the Chinese rendering of one
//    alias are two Names. The primary Alias's "Primary Latin" name is the
//    party's primary name; its other renderings count as strong a.k.a.s.
//  - Name parts keep OFAC's order ("Last Name" first for individuals) and
//    are joined with spaces, except in Han and Japanese script.
//  - An Address is built from the primary LocationPartValues only; the
//    non-primary ones are the same address in another script.
//  - Dates (DatePeriods) become the coarsest ISO text that means the same:
//    Jan 1 .. Dec 31 of one year is "1962".
//  - Features without a model field are kept as attributes
//    "feature:<FeatureType>".
#include "engine/lists/ofac_advanced_xml.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "engine/common/strings.h"
#include "engine/lists/parsers.h"
#include "engine/lists/xml_reader.h"
#include "engine/reference/reference.h"
#include "engine/text/script.h"

namespace clearance::lists::internal {
namespace {

// ---------------------------------------------------------------------------
// Small helpers

std::string_view Attr(const XmlAttributes& attributes, std::string_view name) {
  for (const auto& [key, value] : attributes) {
    if (key == name) return value;
  }
  return {};
}

bool ParseInt(std::string_view text, int& out) {
  text = TrimAscii(text);
  if (text.empty()) return false;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

void AppendJoined(std::string& out, std::string_view part,
                  std::string_view separator) {
  if (part.empty()) return;
  if (!out.empty()) out.append(separator);
  out.append(part);
}

template <typename T>
void PushUnique(std::vector<T>& values, const T& value) {
  if (std::find(values.begin(), values.end(), value) == values.end()) {
    values.push_back(value);
  }
}

void PushAttribute(Party& party, std::string key, std::string value) {
  for (const auto& [k, v] : party.attributes) {
    if (k == key && v == value) return;
  }
  party.attributes.emplace_back(std::move(key), std::move(value));
}

// ---------------------------------------------------------------------------
// Dates: OFAC writes every date as a DatePeriod, a Start and an End each with
// a From and a To day; the model wants the coarsest ISO text that says the
// same thing ("1962", "1962-03", "1962-03-25", "1960/1962").

struct Ymd {
  int year = 0;
  int month = 0;
  int day = 0;
  bool set() const { return year > 0; }
  bool operator==(const Ymd&) const = default;
};

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) {
    return 29;
  }
  return kDays[month - 1];
}

std::string Pad(int value, int width) {
  std::string text = std::to_string(value);
  if (static_cast<int>(text.size()) < width) {
    text.insert(0, static_cast<size_t>(width) - text.size(), '0');
  }
  return text;
}

std::string FormatYear(const Ymd& d) { return Pad(d.year, 4); }
std::string FormatMonth(const Ymd& d) {
  return FormatYear(d) + "-" + Pad(d.month, 2);
}
std::string FormatDay(const Ymd& d) {
  if (d.month == 0) return FormatYear(d);
  if (d.day == 0) return FormatMonth(d);
  return FormatMonth(d) + "-" + Pad(d.day, 2);
}

struct DatePeriodValue {
  Ymd start_from, start_to, end_from, end_to;
};

std::string FormatPeriod(const DatePeriodValue& p) {
  const Ymd lo = p.start_from.set() ? p.start_from
                 : p.start_to.set() ? p.start_to
                                    : p.end_from;
  const Ymd hi = p.end_to.set()     ? p.end_to
                 : p.end_from.set() ? p.end_from
                                    : p.start_to;
  if (!lo.set()) return "";
  if (!hi.set() || lo == hi) return FormatDay(lo);
  if (lo.month == 1 && lo.day == 1 && hi.month == 12 && hi.day == 31) {
    return lo.year == hi.year ? FormatYear(lo)
                              : FormatYear(lo) + "/" + FormatYear(hi);
  }
  if (lo.day == 1 && hi.day == DaysInMonth(hi.year, hi.month)) {
    return lo.year == hi.year && lo.month == hi.month
               ? FormatMonth(lo)
               : FormatMonth(lo) + "/" + FormatMonth(hi);
  }
  return FormatDay(lo) + "/" + FormatDay(hi);
}

// ---------------------------------------------------------------------------
// Vocabulary mappings from OFAC's reference values to the model's words.

// ISO 15924 for an OFAC <Script>: its ScriptCode where that is an ISO code,
// else by name. Chinese Simplified/Traditional are both "Hani".
std::string IsoScript(std::string_view code, std::string_view name) {
  if (code == "Hans" || code == "Hant") return "Hani";
  if (code.size() == 4 && code[0] >= 'A' && code[0] <= 'Z') {
    return std::string(code);
  }
  const std::string lower = AsciiLower(name);
  static const std::pair<std::string_view, std::string_view> kByName[] = {
      {"latin", "Latn"},    {"cyrillic", "Cyrl"}, {"arabic", "Arab"},
      {"hebrew", "Hebr"},   {"japanese", "Jpan"}, {"korean", "Kore"},
      {"hangul", "Hang"},   {"greek", "Grek"},    {"armenian", "Armn"},
      {"georgian", "Geor"}, {"thai", "Thai"},     {"chinese", "Hani"},
  };
  for (const auto& [word, iso] : kByName) {
    if (lower.find(word) != std::string::npos) return std::string(iso);
  }
  return "";
}

std::string NamePartTypeWord(std::string_view ofac) {
  const std::string lower = AsciiLower(ofac);
  static const std::pair<std::string_view, std::string_view> kWords[] = {
      {"last name", "family"},
      {"first name", "given"},
      {"middle name", "middle"},
      {"maiden name", "maiden"},
      {"patronymic", "patronymic"},
      {"matronymic", "matronymic"},
      {"entity name", "entity"},
      {"vessel name", "vessel"},
      {"aircraft name", "aircraft"},
      {"nickname", "nickname"},
      {"title", "title"},
  };
  for (const auto& [word, type] : kWords) {
    if (lower == word) return std::string(type);
  }
  return "other";
}

PartyType PartyTypeFor(std::string_view sub_type, std::string_view type) {
  const std::string sub = AsciiLower(sub_type);
  if (sub == "vessel") return PartyType::kVessel;
  if (sub == "aircraft") return PartyType::kAircraft;
  const std::string main = AsciiLower(type);
  if (main == "individual") return PartyType::kPerson;
  if (main == "entity" || main == "other entity") return PartyType::kEntity;
  return PartyType::kUnknown;
}

// Canonical Identifier::type for an IDRegDocType text. `value` matters for
// "Vessel Registration Identification", which holds IMO numbers ("IMO
// 9187629") and, rarely, national registrations.
std::string DocumentType(std::string_view label, std::string_view value) {
  const std::string lower = AsciiLower(label);
  if (lower == "vessel registration identification") {
    return AsciiLower(TrimAscii(value)).starts_with("imo") ? "imo"
                                                           : "registration";
  }
  static const std::unordered_map<std::string_view, std::string_view> kExact = {
      {"legal entity number", "lei"},
      {"unified social credit code (uscc)", "uscc"},
      {"united social credit code certificate (usccc)", "uscc"},
      {"mmsi", "mmsi"},
      {"swift/bic", "swift_bic"},
      // National identity numbers.
      {"cedula no.", "national_id"},
      {"d.n.i.", "national_id"},
      {"national id no.", "national_id"},
      {"bosnian personal id no.", "national_id"},
      {"kenyan id no.", "national_id"},
      {"moroccan personal id no.", "national_id"},
      {"c.u.r.p.", "national_id"},
      {"identification number", "national_id"},
      {"national foreign id number", "national_id"},
      {"personal id card", "national_id"},
      {"federal id card", "national_id"},
      {"cnp (personal numerical code)", "national_id"},
      {"turkish identification number", "national_id"},
      {"tazkira national id card", "national_id"},
      {"numero de identidad", "national_id"},
      {"tarjeta de identidad", "national_id"},
      {"citizen's card number", "national_id"},
      {"uae identification", "national_id"},
      {"i.f.e.", "national_id"},
      {"credencial electoral", "national_id"},
      {"electoral registry no.", "national_id"},
      {"ssn", "national_id"},
      {"n.i.e.", "national_id"},
      {"c.i.n.", "national_id"},
      {"stateless person id card", "national_id"},
      {"refugee id card", "national_id"},
      // Tax numbers.
      {"tax id no.", "tax_id"},
      {"r.f.c.", "tax_id"},
      {"rfc", "tax_id"},
      {"nit #", "tax_id"},
      {"us fein", "tax_id"},
      {"ruc #", "tax_id"},
      {"c.i.f.", "tax_id"},
      {"rif #", "tax_id"},
      {"v.a.t. number", "tax_id"},
      {"italian fiscal code", "tax_id"},
      {"fiscal code", "tax_id"},
      {"c.u.i.t.", "tax_id"},
      {"c.u.i.", "tax_id"},
      {"paraguayan tax identification number", "tax_id"},
      {"numero unico de identificacao tributaria (nuit)", "tax_id"},
      {"romanian tax registration", "tax_id"},
      {"n.i.f.", "tax_id"},
      {"rtn", "tax_id"},
      // Company and business registrations.
      {"registration number", "registration"},
      {"registration id", "registration"},
      {"business registration number", "registration"},
      {"business registration document #", "registration"},
      {"business number", "registration"},
      {"company number", "registration"},
      {"uk company number", "registration"},
      {"commercial registry number", "registration"},
      {"certificate of incorporation number", "registration"},
      {"c.r. no.", "registration"},
      {"romanian c.r.", "registration"},
      {"matricula mercantil no", "registration"},
      {"folio mercantil no.", "registration"},
      {"registration certificate number (dubai)", "registration"},
      {"registered charity no.", "registration"},
      {"istanbul chamber of comm. no.", "registration"},
      {"chamber of commerce number", "registration"},
      {"dubai chamber of commerce membership no.", "registration"},
      {"public registration number", "registration"},
      {"branch unit number", "registration"},
      {"enterprise number", "registration"},
      {"organization code", "registration"},
      {"central registration system number", "registration"},
      {"economic register number (cbls)", "registration"},
      {"government gazette number", "registration"},
      {"msb registration number", "registration"},
      {"trade license no.", "registration"},
      {"russian state individual business registration number pattern "
       "(ogrnip)",
       "registration"},
  };
  if (auto it = kExact.find(lower); it != kExact.end()) {
    return std::string(it->second);
  }
  // Types OFAC adds later: fall back on the words they use.
  if (lower.find("passport") != std::string::npos) return "passport";
  if (lower.find("tax") != std::string::npos ||
      lower.find("fiscal") != std::string::npos) {
    return "tax_id";
  }
  if (lower.find("national id") != std::string::npos ||
      lower.find("personal id") != std::string::npos) {
    return "national_id";
  }
  if (lower.find("registration") != std::string::npos ||
      lower.find("registry") != std::string::npos ||
      lower.find("company number") != std::string::npos) {
    return "registration";
  }
  return "other";
}

enum class FeatureKind {
  kAddress,
  kBirthdate,
  kPlaceOfBirth,
  kNationality,
  kCitizenship,
  kCrypto,
  kIdentifier,  // `key` is the Identifier type
  kAttribute,   // `key` is the attribute key
};

struct FeatureInfo {
  FeatureKind kind = FeatureKind::kAttribute;
  std::string key;
  std::string label;     // the FeatureType text
  std::string currency;  // crypto ticker
};

FeatureInfo FeatureInfoFor(std::string_view ofac) {
  FeatureInfo info;
  info.label = std::string(ofac);
  constexpr std::string_view kCryptoPrefix = "Digital Currency Address - ";
  if (ofac.starts_with(kCryptoPrefix)) {
    info.kind = FeatureKind::kCrypto;
    info.key = "crypto_address";
    info.currency = std::string(TrimAscii(ofac.substr(kCryptoPrefix.size())));
    return info;
  }
  struct Known {
    std::string_view ofac;
    FeatureKind kind;
    std::string_view key;
  };
  static constexpr Known kKnown[] = {
      {"Location", FeatureKind::kAddress, ""},
      {"Birthdate", FeatureKind::kBirthdate, ""},
      {"Place of Birth", FeatureKind::kPlaceOfBirth, ""},
      {"Nationality Country", FeatureKind::kNationality, ""},
      {"Citizenship Country", FeatureKind::kCitizenship, ""},
      {"Website", FeatureKind::kIdentifier, "website"},
      {"Email Address", FeatureKind::kIdentifier, "email"},
      {"Phone Number", FeatureKind::kIdentifier, "phone"},
      {"SWIFT/BIC", FeatureKind::kIdentifier, "swift_bic"},
      {"Aircraft Tail Number", FeatureKind::kIdentifier, "aircraft_tail"},
      {"Previous Aircraft Tail Number", FeatureKind::kIdentifier,
       "aircraft_tail"},
      {"MMSI", FeatureKind::kIdentifier, "mmsi"},
      {"IMO", FeatureKind::kIdentifier, "imo"},
      {"Vessel IMO", FeatureKind::kIdentifier, "imo"},
      {"D-U-N-S Number", FeatureKind::kIdentifier, "other"},
      {"ISIN", FeatureKind::kIdentifier, "other"},
      {"BIK (RU)", FeatureKind::kIdentifier, "other"},
      {"Gender", FeatureKind::kAttribute, "gender"},
      {"Title", FeatureKind::kAttribute, "title"},
      {"Vessel Flag", FeatureKind::kAttribute, "vessel_flag"},
      {"Former Vessel Flag", FeatureKind::kAttribute, "former_vessel_flag"},
      {"Other Vessel Flag", FeatureKind::kAttribute, "other_vessel_flag"},
      {"VESSEL TYPE", FeatureKind::kAttribute, "vessel_type"},
      {"Other Vessel Type", FeatureKind::kAttribute, "other_vessel_type"},
      {"Vessel Call Sign", FeatureKind::kAttribute, "vessel_call_sign"},
      {"Other Vessel Call Sign", FeatureKind::kAttribute,
       "other_vessel_call_sign"},
      {"Vessel Owner", FeatureKind::kAttribute, "vessel_owner"},
      {"Vessel Tonnage", FeatureKind::kAttribute, "vessel_tonnage"},
      {"Vessel Gross Registered Tonnage", FeatureKind::kAttribute,
       "vessel_gross_registered_tonnage"},
      {"Vessel Year of Build", FeatureKind::kAttribute, "vessel_year_of_build"},
      {"Aircraft Model", FeatureKind::kAttribute, "aircraft_model"},
      {"Aircraft Operator", FeatureKind::kAttribute, "aircraft_operator"},
      {"Aircraft Manufacture Date", FeatureKind::kAttribute,
       "aircraft_manufacture_date"},
      {"Aircraft Manufacturer's Serial Number (MSN)", FeatureKind::kAttribute,
       "aircraft_msn"},
      {"Aircraft Construction Number (also called L/N or S/N or F/N)",
       FeatureKind::kAttribute, "aircraft_construction_number"},
      {"Aircraft Mode S Transponder Code", FeatureKind::kAttribute,
       "aircraft_mode_s"},
      {"Organization Established Date", FeatureKind::kAttribute,
       "organization_established_date"},
      {"Organization Type:", FeatureKind::kAttribute, "organization_type"},
      {"Target Type", FeatureKind::kAttribute, "target_type"},
      {"Registration Country", FeatureKind::kAttribute, "registration_country"},
      {"Nationality of Registration", FeatureKind::kAttribute,
       "nationality_of_registration"},
  };
  for (const auto& known : kKnown) {
    if (known.ofac == ofac) {
      info.kind = known.kind;
      info.key = std::string(known.key);
      return info;
    }
  }
  info.kind = FeatureKind::kAttribute;
  info.key = "feature:" + std::string(ofac);
  return info;
}

// ---------------------------------------------------------------------------
// Elements the reader acts on; everything else is kOther.

enum class Tag : std::uint8_t {
  kOther,
  kSanctions,
  kDateOfIssue,
  kYear,
  kMonth,
  kDay,
  kReferenceValueSets,
  kLocations,
  kLocation,
  kLocationAreaCode,
  kLocationCountry,
  kLocationPart,
  kLocationPartValue,
  kValue,
  kIDRegDocuments,
  kIDRegDocument,
  kIDRegistrationNo,
  kIssuingAuthority,
  kDocumentDate,
  kDatePeriod,
  kStart,
  kEnd,
  kFrom,
  kTo,
  kDistinctParties,
  kDistinctParty,
  kProfile,
  kIdentity,
  kAlias,
  kDocumentedName,
  kNamePartValue,
  kNamePartGroup,
  kFeature,
  kFeatureVersion,
  kVersionDetail,
  kVersionLocation,
  kComment,
  kProfileRelationships,
  kProfileRelationship,
  kSanctionsEntries,
  kSanctionsEntry,
  kEntryEvent,
  kDate,
  kSanctionsMeasure,
};

Tag TagOf(std::string_view name) {
  static const std::unordered_map<std::string_view, Tag> kTags = {
      {"Sanctions", Tag::kSanctions},
      {"DateOfIssue", Tag::kDateOfIssue},
      {"Year", Tag::kYear},
      {"Month", Tag::kMonth},
      {"Day", Tag::kDay},
      {"ReferenceValueSets", Tag::kReferenceValueSets},
      {"Locations", Tag::kLocations},
      {"Location", Tag::kLocation},
      {"LocationAreaCode", Tag::kLocationAreaCode},
      {"LocationCountry", Tag::kLocationCountry},
      {"LocationPart", Tag::kLocationPart},
      {"LocationPartValue", Tag::kLocationPartValue},
      {"Value", Tag::kValue},
      {"IDRegDocuments", Tag::kIDRegDocuments},
      {"IDRegDocument", Tag::kIDRegDocument},
      {"IDRegistrationNo", Tag::kIDRegistrationNo},
      {"IssuingAuthority", Tag::kIssuingAuthority},
      {"DocumentDate", Tag::kDocumentDate},
      {"DatePeriod", Tag::kDatePeriod},
      {"Start", Tag::kStart},
      {"End", Tag::kEnd},
      {"From", Tag::kFrom},
      {"To", Tag::kTo},
      {"DistinctParties", Tag::kDistinctParties},
      {"DistinctParty", Tag::kDistinctParty},
      {"Profile", Tag::kProfile},
      {"Identity", Tag::kIdentity},
      {"Alias", Tag::kAlias},
      {"DocumentedName", Tag::kDocumentedName},
      {"NamePartValue", Tag::kNamePartValue},
      {"NamePartGroup", Tag::kNamePartGroup},
      {"Feature", Tag::kFeature},
      {"FeatureVersion", Tag::kFeatureVersion},
      {"VersionDetail", Tag::kVersionDetail},
      {"VersionLocation", Tag::kVersionLocation},
      {"Comment", Tag::kComment},
      {"ProfileRelationships", Tag::kProfileRelationships},
      {"ProfileRelationship", Tag::kProfileRelationship},
      {"SanctionsEntries", Tag::kSanctionsEntries},
      {"SanctionsEntry", Tag::kSanctionsEntry},
      {"EntryEvent", Tag::kEntryEvent},
      {"Date", Tag::kDate},
      {"SanctionsMeasure", Tag::kSanctionsMeasure},
  };
  const auto it = kTags.find(name);
  return it == kTags.end() ? Tag::kOther : it->second;
}

// One value of a ReferenceValueSet, e.g. <Country ID="11029" ISO2="AF">.
struct RefValue {
  std::string text;
  std::string code;  // ISO2 (Country), ScriptCode (Script)
  int link = 0;      // PartyTypeID (PartySubType), CountryID (AreaCode)
};
using RefTable = std::unordered_map<int, RefValue>;

struct LocationRecord {
  Address address;
  std::string free_text;  // parts of LocPartType "Unknown", e.g. "Egypt"
  // The best one-line text: the whole address, else the country.
  std::string Display() const {
    return !address.full.empty() ? address.full : address.country_name;
  }
};

struct PendingDocument {
  int identity_id = 0;
  long line = 0;
  Identifier identifier;
};

struct PendingPart {
  int group_id = 0;
  std::string script;
  std::string value;
  long line = 0;
};

struct PendingName {
  size_t alias = 0;  // index into aliases_
  bool primary_latin = false;
  std::vector<PendingPart> parts;
};

struct PendingAlias {
  std::string type;  // AliasType text
  bool primary = false;
  bool low_quality = false;
};

class OfacAdvancedHandler : public XmlHandlerWithReader {
 public:
  OfacAdvancedHandler(std::vector<std::string>* warnings,
                      OfacAdvancedStats* stats)
      : warnings_(warnings), stats_(stats) {}

  void StartElement(std::string_view name,
                    const XmlAttributes& attributes) override;
  void EndElement(std::string_view name, std::string_view text) override;

  // After a successful XmlReader::Parse: attaches what could only be
  // resolved once the whole file was read, and hands out the document.
  Result<ListDocument> Finish();

 private:
  Tag Parent() const {
    return stack_.size() >= 2 ? stack_[stack_.size() - 2] : Tag::kOther;
  }
  void Abort(std::string message) {
    failed_ = true;
    reader->Abort(std::move(message));
  }

  // Looks up `attribute` of `element` in `table` (the ReferenceValueSet
  // `set`); aborts naming the dangling reference when there is no such ID.
  const RefValue* Ref(const RefTable& table, std::string_view set,
                      std::string_view element, const XmlAttributes& attrs,
                      std::string_view attribute, bool required = true);
  bool RequireInt(std::string_view element, const XmlAttributes& attrs,
                  std::string_view attribute, int& out);
  void BindReferenceTables();
  std::string CountryCodeForName(std::string_view name) const;
  void CountryOf(const RefValue& country, Address& address) const;

  void StartReferenceValue(std::string_view name, const XmlAttributes& attrs);
  void StartParty(const XmlAttributes& attrs);
  void FinishIdentity();
  void FinishParty();
  void FinishFeatureVersion();
  void FinishLocation();
  void StartRelationship(const XmlAttributes& attrs);
  void StartSanctionsEntry(const XmlAttributes& attrs);
  void StartSanctionsMeasure(const XmlAttributes& attrs);
  void EndSanctionsMeasure();

  std::vector<std::string>* warnings_;
  OfacAdvancedStats* stats_;
  OfacAdvancedStats local_stats_;
  bool failed_ = false;
  std::string file_;  // display name, for errors raised after parsing
  std::vector<Tag> stack_;

  ListDocument document_;

  // Reference values, by set element name ("Country", "AliasType", ...).
  int reference_depth_ = -1;  // stack depth of <ReferenceValueSets>
  std::unordered_map<std::string, RefTable> reference_sets_;
  RefValue* pending_ref_ = nullptr;  // value whose text is still to come
  const RefTable* alias_types_ = nullptr;
  const RefTable* area_codes_ = nullptr;
  const RefTable* countries_ = nullptr;
  const RefTable* detail_references_ = nullptr;
  const RefTable* feature_types_ = nullptr;
  const RefTable* doc_types_ = nullptr;
  const RefTable* doc_date_types_ = nullptr;
  const RefTable* lists_ = nullptr;
  const RefTable* loc_part_types_ = nullptr;
  const RefTable* name_part_types_ = nullptr;
  const RefTable* party_sub_types_ = nullptr;
  const RefTable* party_types_ = nullptr;
  const RefTable* relation_types_ = nullptr;
  const RefTable* sanctions_types_ = nullptr;
  const RefTable* legal_bases_ = nullptr;
  const RefTable* validities_ = nullptr;
  const RefTable* scripts_ = nullptr;
  std::unordered_map<int, FeatureInfo> feature_info_;
  std::unordered_map<int, std::string> iso_scripts_;
  std::unordered_map<int, std::string> name_part_words_;
  std::unordered_map<std::string, std::string> country_by_name_;  // lower
  std::unordered_set<std::string> program_names_;
  bool references_bound_ = false;

  // Dates.
  Ymd ymd_;
  DatePeriodValue period_;
  bool in_start_ = false;

  // Locations.
  std::vector<LocationRecord> locations_;
  std::unordered_map<int, size_t> location_index_;
  LocationRecord location_;
  int location_id_ = 0;
  std::string loc_part_type_;  // LocPartType text of the current part
  bool loc_value_primary_ = true;
  std::vector<std::pair<std::string, std::string>> loc_parts_;

  // ID documents, attached to parties once identities are known.
  std::vector<PendingDocument> documents_;
  PendingDocument document_record_;
  std::string doc_date_type_;
  std::vector<std::string> doc_notes_;

  // The party being read.
  Party party_;
  int profile_id_ = 0;
  std::unordered_map<int, size_t> party_by_profile_;
  std::unordered_map<int, size_t> party_by_identity_;
  std::unordered_set<std::string> fixed_refs_;
  int identity_id_ = 0;
  std::vector<PendingAlias> aliases_;
  std::vector<PendingName> names_;
  std::vector<std::pair<int, int>> groups_;  // NamePartGroup ID -> type ID
  PendingPart part_;

  // The feature being read.
  const FeatureInfo* feature_ = nullptr;
  std::string feature_text_;
  int feature_location_ = -1;  // index into locations_

  // Relationships and entries.
  size_t entry_party_ = 0;
  const RefValue* measure_type_ = nullptr;
  std::string measure_comment_;
};

bool OfacAdvancedHandler::RequireInt(std::string_view element,
                                     const XmlAttributes& attrs,
                                     std::string_view attribute, int& out) {
  const std::string_view value = Attr(attrs, attribute);
  if (!ParseInt(value, out)) {
    Abort(std::string(element) + " without a numeric " +
          std::string(attribute) +
          (value.empty() ? std::string()
                         : " (found \"" + std::string(value) + "\")"));
    return false;
  }
  return true;
}

const RefValue* OfacAdvancedHandler::Ref(
    const RefTable& table, std::string_view set, std::string_view element,
    const XmlAttributes& attrs, std::string_view attribute, bool required) {
  const std::string_view value = Attr(attrs, attribute);
  if (value.empty() && !required) return nullptr;
  int id = 0;
  if (!RequireInt(element, attrs, attribute, id)) return nullptr;
  const auto it = table.find(id);
  if (it == table.end()) {
    Abort(std::string(element) + " " + std::string(attribute) + "=\"" +
          std::string(value) + "\" refers to no " + std::string(set) +
          " in ReferenceValueSets (dangling reference)");
    return nullptr;
  }
  return &it->second;
}

void OfacAdvancedHandler::StartReferenceValue(std::string_view name,
                                              const XmlAttributes& attrs) {
  int id = 0;
  if (!RequireInt(name, attrs, "ID", id)) return;
  RefValue& value = reference_sets_[std::string(name)][id];
  if (name == "Country") {
    value.code = std::string(Attr(attrs, "ISO2"));
  } else if (name == "Script") {
    value.code = std::string(Attr(attrs, "ScriptCode"));
  } else if (name == "PartySubType") {
    ParseInt(Attr(attrs, "PartyTypeID"), value.link);
  } else if (name == "AreaCode") {
    ParseInt(Attr(attrs, "CountryID"), value.link);
  } else if (name == "LegalBasis") {
    value.code = std::string(Attr(attrs, "LegalBasisShortRef"));
  }
  pending_ref_ = &value;
}

void OfacAdvancedHandler::BindReferenceTables() {
  references_bound_ = true;
  auto table = [this](const char* name) { return &reference_sets_[name]; };
  alias_types_ = table("AliasType");
  area_codes_ = table("AreaCode");
  countries_ = table("Country");
  detail_references_ = table("DetailReference");
  feature_types_ = table("FeatureType");
  doc_types_ = table("IDRegDocType");
  doc_date_types_ = table("IDRegDocDateType");
  lists_ = table("List");
  loc_part_types_ = table("LocPartType");
  name_part_types_ = table("NamePartType");
  party_sub_types_ = table("PartySubType");
  party_types_ = table("PartyType");
  relation_types_ = table("RelationType");
  sanctions_types_ = table("SanctionsType");
  legal_bases_ = table("LegalBasis");
  validities_ = table("Validity");
  scripts_ = table("Script");
  for (const auto& [id, value] : *feature_types_) {
    feature_info_[id] = FeatureInfoFor(value.text);
  }
  for (const auto& [id, value] : *scripts_) {
    iso_scripts_[id] = IsoScript(value.code, value.text);
  }
  for (const auto& [id, value] : *name_part_types_) {
    name_part_words_[id] = NamePartTypeWord(value.text);
  }
  for (const auto& [id, value] : *countries_) {
    if (!value.code.empty())
      country_by_name_[AsciiLower(value.text)] = value.code;
  }
  for (const auto& [id, value] : reference_sets_["SanctionsProgram"]) {
    program_names_.insert(value.text);
  }
  // Every PartySubType must name a PartyType: checked once here.
  for (const auto& [id, value] : *party_sub_types_) {
    if (!party_types_->contains(value.link)) {
      Abort("PartySubType ID=\"" + std::to_string(id) + "\" PartyTypeID=\"" +
            std::to_string(value.link) +
            "\" refers to no PartyType in ReferenceValueSets (dangling "
            "reference)");
      return;
    }
  }
}

std::string OfacAdvancedHandler::CountryCodeForName(
    std::string_view name) const {
  name = TrimAscii(name);
  if (name.empty()) return "";
  if (const auto it = country_by_name_.find(AsciiLower(name));
      it != country_by_name_.end()) {
    return it->second;
  }
  return reference::CountryCodeFor(name);
}

void OfacAdvancedHandler::CountryOf(const RefValue& country,
                                    Address& address) const {
  // OFAC's Country "undetermined" says that the country is unknown.
  if (AsciiLower(country.text) == "undetermined") return;
  address.country_name = country.text;
  address.country = !country.code.empty()
                        ? country.code
                        : reference::CountryCodeFor(country.text);
}

void OfacAdvancedHandler::StartParty(const XmlAttributes& attrs) {
  const std::string_view fixed_ref = TrimAscii(Attr(attrs, "FixedRef"));
  if (fixed_ref.empty()) {
    Abort("DistinctParty without FixedRef");
    return;
  }
  if (!fixed_refs_.emplace(fixed_ref).second) {
    Abort("DistinctParty FixedRef=\"" + std::string(fixed_ref) +
          "\" appears twice");
    return;
  }
  party_ = Party();
  party_.source_id = std::string(fixed_ref);
  profile_id_ = 0;
  ++local_stats_.distinct_parties;
}

void OfacAdvancedHandler::FinishIdentity() {
  // NamePartGroups come after the aliases that use them, so names are built
  // when the Identity closes.
  size_t primary_name = names_.size();
  for (size_t i = 0; i < names_.size(); ++i) {
    if (!aliases_[names_[i].alias].primary) continue;
    if (primary_name == names_.size() ||
        (names_[i].primary_latin && !names_[primary_name].primary_latin)) {
      primary_name = i;
    }
  }
  const bool has_primary = std::any_of(
      party_.names.begin(), party_.names.end(),
      [](const Name& n) { return n.strength == AliasStrength::kPrimary; });
  for (size_t i = 0; i < names_.size(); ++i) {
    PendingName& pending = names_[i];
    const PendingAlias& alias = aliases_[pending.alias];
    Name name;
    name.alias_type = alias.type;
    if (i == primary_name && !has_primary) {
      name.strength = AliasStrength::kPrimary;
    } else if (alias.type == "F.K.A.") {
      name.strength = AliasStrength::kFormerly;
    } else if (alias.low_quality) {
      name.strength = AliasStrength::kWeak;
    } else {
      name.strength = AliasStrength::kStrong;
    }
    name.parts.reserve(pending.parts.size());
    for (PendingPart& part : pending.parts) {
      int type_id = -1;
      for (const auto& [group, type] : groups_) {
        if (group == part.group_id) {
          type_id = type;
          break;
        }
      }
      if (type_id < 0) {
        Abort("NamePartValue NamePartGroupID=\"" +
              std::to_string(part.group_id) + "\" (line " +
              std::to_string(part.line) +
              ") refers to no NamePartGroup of Identity ID=\"" +
              std::to_string(identity_id_) + "\" (dangling reference)");
        return;
      }
      if (name.script.empty()) name.script = part.script;
      name.parts.push_back(
          NamePart{name_part_words_[type_id], std::move(part.value)});
    }
    // Han and Japanese names are written without spaces between parts.
    const std::string_view separator =
        name.script == "Hani" || name.script == "Jpan" ? "" : " ";
    for (const NamePart& part : name.parts) {
      AppendJoined(name.full, part.value, separator);
    }
    if (name.script.empty()) name.script = text::DetectScript(name.full);
    party_.names.push_back(std::move(name));
  }
}

void OfacAdvancedHandler::FinishParty() {
  if (profile_id_ == 0) {
    Abort("DistinctParty FixedRef=\"" + party_.source_id +
          "\" without a Profile");
    return;
  }
  auto primary = std::find_if(
      party_.names.begin(), party_.names.end(),
      [](const Name& n) { return n.strength == AliasStrength::kPrimary; });
  if (primary == party_.names.end()) {
    Abort("DistinctParty FixedRef=\"" + party_.source_id +
          "\" has no primary name (no Alias with Primary=\"true\")");
    return;
  }
  std::rotate(party_.names.begin(), primary, primary + 1);
  party_by_profile_[profile_id_] = document_.parties.size();
  document_.parties.push_back(std::move(party_));
}

void OfacAdvancedHandler::FinishLocation() {
  Address& a = location_.address;
  for (auto& [type, value] : loc_parts_) {
    if (type == "ADDRESS1" || type == "ADDRESS2" || type == "ADDRESS3") {
      AppendJoined(a.street, value, ", ");
    } else if (type == "CITY") {
      AppendJoined(a.city, value, ", ");
    } else if (type == "STATE/PROVINCE") {
      AppendJoined(a.state_province, value, ", ");
    } else if (type == "POSTAL CODE") {
      AppendJoined(a.postal_code, value, ", ");
    } else if (type == "REGION") {
      AppendJoined(a.region, value, ", ");
    } else {
      AppendJoined(location_.free_text, value, ", ");
    }
  }
  for (const std::string* part :
       {&location_.free_text, &a.street, &a.city, &a.state_province,
        &a.postal_code, &a.region, &a.country_name}) {
    AppendJoined(a.full, *part, ", ");
  }
  location_index_[location_id_] = locations_.size();
  locations_.push_back(std::move(location_));
}

void OfacAdvancedHandler::FinishFeatureVersion() {
  if (feature_ == nullptr) return;
  const LocationRecord* location =
      feature_location_ >= 0 ? &locations_[feature_location_] : nullptr;
  std::string value = feature_text_;
  if (value.empty() && location != nullptr) value = location->Display();
  switch (feature_->kind) {
    case FeatureKind::kAddress: {
      if (location != nullptr) {
        party_.addresses.push_back(location->address);
      } else if (!value.empty()) {
        Address address;
        address.full = value;
        party_.addresses.push_back(std::move(address));
      }
      break;
    }
    case FeatureKind::kBirthdate:
      if (!value.empty()) PushUnique(party_.dates_of_birth, value);
      break;
    case FeatureKind::kPlaceOfBirth:
      if (!value.empty()) PushUnique(party_.places_of_birth, value);
      break;
    case FeatureKind::kNationality:
    case FeatureKind::kCitizenship: {
      const bool nationality = feature_->kind == FeatureKind::kNationality;
      std::string code;
      if (location != nullptr && !location->address.country.empty()) {
        code = location->address.country;
      } else {
        code = CountryCodeForName(value);
      }
      if (!code.empty()) {
        PushUnique(nationality ? party_.nationalities : party_.citizenships,
                   code);
      } else if (!value.empty()) {
        PushAttribute(party_, nationality ? "nationality" : "citizenship",
                      value);
      }
      break;
    }
    case FeatureKind::kCrypto:
    case FeatureKind::kIdentifier: {
      if (value.empty()) break;
      Identifier id;
      id.type = feature_->key;
      id.label = feature_->label;
      id.value = value;
      id.currency = feature_->currency;
      party_.identifiers.push_back(std::move(id));
      break;
    }
    case FeatureKind::kAttribute:
      if (!value.empty()) PushAttribute(party_, feature_->key, value);
      break;
  }
}

void OfacAdvancedHandler::StartRelationship(const XmlAttributes& attrs) {
  ++local_stats_.relationships;
  int from = 0;
  int to = 0;
  if (!RequireInt("ProfileRelationship", attrs, "From-ProfileID", from) ||
      !RequireInt("ProfileRelationship", attrs, "To-ProfileID", to)) {
    return;
  }
  const auto from_it = party_by_profile_.find(from);
  const auto to_it = party_by_profile_.find(to);
  if (from_it == party_by_profile_.end() || to_it == party_by_profile_.end()) {
    const bool from_missing = from_it == party_by_profile_.end();
    Abort(std::string("ProfileRelationship ") +
          (from_missing ? "From-ProfileID=\"" + std::to_string(from)
                        : "To-ProfileID=\"" + std::to_string(to)) +
          "\" refers to no Profile in DistinctParties (unknown profile)");
    return;
  }
  const RefValue* type = Ref(*relation_types_, "RelationType",
                             "ProfileRelationship", attrs, "RelationTypeID");
  if (type == nullptr) return;
  const Party& other = document_.parties[to_it->second];
  Relationship relationship;
  relationship.type = type->text;
  relationship.other_source_id = other.source_id;
  relationship.other_name = other.names.front().full;
  if (Attr(attrs, "Former") == "true") relationship.note = "former";
  document_.parties[from_it->second].relationships.push_back(
      std::move(relationship));
}

void OfacAdvancedHandler::StartSanctionsEntry(const XmlAttributes& attrs) {
  ++local_stats_.sanctions_entries;
  int profile = 0;
  if (!RequireInt("SanctionsEntry", attrs, "ProfileID", profile)) return;
  const auto it = party_by_profile_.find(profile);
  if (it == party_by_profile_.end()) {
    Abort("SanctionsEntry ProfileID=\"" + std::to_string(profile) +
          "\" refers to no Profile in DistinctParties (unknown profile)");
    return;
  }
  entry_party_ = it->second;
  const RefValue* list =
      Ref(*lists_, "List", "SanctionsEntry", attrs, "ListID", false);
  if (failed_) return;
  if (list != nullptr) {
    PushAttribute(document_.parties[entry_party_], "list", list->text);
  }
}

void OfacAdvancedHandler::StartSanctionsMeasure(const XmlAttributes& attrs) {
  measure_type_ = Ref(*sanctions_types_, "SanctionsType", "SanctionsMeasure",
                      attrs, "SanctionsTypeID");
  measure_comment_.clear();
}

void OfacAdvancedHandler::EndSanctionsMeasure() {
  if (measure_type_ == nullptr) return;
  Party& party = document_.parties[entry_party_];
  const std::string_view comment = TrimAscii(measure_comment_);
  if (measure_type_->text == "Program") {
    if (comment.empty()) return;
    std::string program(comment);
    if (!program_names_.contains(program) && warnings_ != nullptr) {
      warnings_->push_back(reader->file() + " line " +
                           std::to_string(reader->line()) + ": program \"" +
                           program + "\" is not among SanctionsProgramValues");
      program_names_.insert(program);  // warn once per program
    }
    PushUnique(party.programs, program);
  } else if (measure_type_->text != "Block") {
    std::string value = measure_type_->text;
    if (!comment.empty()) value += ": " + std::string(comment);
    PushAttribute(party, "sanctions_measure", std::move(value));
  }
  measure_type_ = nullptr;
}

void OfacAdvancedHandler::StartElement(std::string_view name,
                                       const XmlAttributes& attrs) {
  if (failed_) return;
  const Tag tag = TagOf(name);
  stack_.push_back(tag);
  const int depth = static_cast<int>(stack_.size());
  if (depth == 1) file_ = reader->file();
  if (depth == 1 && tag != Tag::kSanctions) {
    Abort("root element is <" + std::string(name) +
          ">, expected <Sanctions> (OFAC ADVANCED_XML)");
    return;
  }
  if (reference_depth_ >= 0) {
    if (depth == reference_depth_ + 2) StartReferenceValue(name, attrs);
    return;
  }
  switch (tag) {
    case Tag::kReferenceValueSets:
      if (depth == 2) reference_depth_ = depth;
      break;
    case Tag::kLocations:
    case Tag::kIDRegDocuments:
    case Tag::kDistinctParties:
    case Tag::kProfileRelationships:
    case Tag::kSanctionsEntries:
      if (!references_bound_) {
        Abort("<" + std::string(name) +
              "> before <ReferenceValueSets>: expected the reference values "
              "first");
      }
      break;
    case Tag::kYear:
    case Tag::kMonth:
    case Tag::kDay:
      break;
    case Tag::kFrom:
    case Tag::kTo:
    case Tag::kDate:
    case Tag::kDateOfIssue:
      ymd_ = Ymd();
      break;
    case Tag::kDatePeriod:
      period_ = DatePeriodValue();
      break;
    case Tag::kStart:
      in_start_ = true;
      break;
    case Tag::kEnd:
      in_start_ = false;
      break;

    // --- Locations
    case Tag::kLocation:
      if (Parent() != Tag::kLocations) break;
      ++local_stats_.locations;
      location_ = LocationRecord();
      loc_parts_.clear();
      RequireInt("Location", attrs, "ID", location_id_);
      break;
    case Tag::kLocationCountry:
      if (const RefValue* c = Ref(*countries_, "Country", "LocationCountry",
                                  attrs, "CountryID")) {
        CountryOf(*c, location_.address);
      }
      break;
    case Tag::kLocationAreaCode:
      if (const RefValue* area = Ref(*area_codes_, "AreaCode",
                                     "LocationAreaCode", attrs, "AreaCodeID")) {
        if (location_.address.country_name.empty()) {
          if (const auto c = countries_->find(area->link);
              c != countries_->end()) {
            CountryOf(c->second, location_.address);
          } else {
            location_.address.country = area->text;
          }
        }
      }
      break;
    case Tag::kLocationPartValue:
      // Non-primary values are renderings in another script (e.g. the
      // Japanese of a romanised street); the Address holds the primary one.
      loc_value_primary_ = Attr(attrs, "Primary") != "false";
      break;
    case Tag::kLocationPart:
      if (const RefValue* type = Ref(*loc_part_types_, "LocPartType",
                                     "LocationPart", attrs, "LocPartTypeID")) {
        loc_part_type_ = type->text;
      }
      break;

    // --- ID documents
    case Tag::kIDRegDocument: {
      ++local_stats_.id_documents;
      document_record_ = PendingDocument();
      document_record_.line = reader->line();
      doc_notes_.clear();
      if (!RequireInt("IDRegDocument", attrs, "IdentityID",
                      document_record_.identity_id)) {
        break;
      }
      const RefValue* type = Ref(*doc_types_, "IDRegDocType", "IDRegDocument",
                                 attrs, "IDRegDocTypeID");
      if (type == nullptr) break;
      document_record_.identifier.label = type->text;
      if (const RefValue* c = Ref(*countries_, "Country", "IDRegDocument",
                                  attrs, "IssuedBy-CountryID", false)) {
        document_record_.identifier.country =
            !c->code.empty() ? c->code : CountryCodeForName(c->text);
        if (document_record_.identifier.country.empty()) {
          doc_notes_.push_back("issued by " + c->text);
        }
      }
      if (const RefValue* validity =
              Ref(*validities_, "Validity", "IDRegDocument", attrs,
                  "ValidityID", false)) {
        if (validity->text != "Valid")
          doc_notes_.push_back(AsciiLower(validity->text));
      }
      if (!Attr(attrs, "IssuedIn-LocationID").empty()) {
        int id = 0;
        if (!RequireInt("IDRegDocument", attrs, "IssuedIn-LocationID", id)) {
          break;
        }
        const auto it = location_index_.find(id);
        if (it == location_index_.end()) {
          Abort("IDRegDocument IssuedIn-LocationID=\"" + std::to_string(id) +
                "\" refers to no Location in the Locations section (dangling "
                "reference)");
          break;
        }
        doc_notes_.push_back("issued in " + locations_[it->second].Display());
      }
      break;
    }
    case Tag::kDocumentDate:
      if (const RefValue* type =
              Ref(*doc_date_types_, "IDRegDocDateType", "DocumentDate", attrs,
                  "IDRegDocDateTypeID")) {
        doc_date_type_ = type->text;
      }
      break;

    // --- Parties
    case Tag::kDistinctParty:
      StartParty(attrs);
      break;
    case Tag::kProfile: {
      if (Parent() != Tag::kDistinctParty) break;
      if (profile_id_ != 0) {
        Abort("DistinctParty FixedRef=\"" + party_.source_id +
              "\" with more than one Profile");
        break;
      }
      if (!RequireInt("Profile", attrs, "ID", profile_id_)) break;
      if (party_by_profile_.contains(profile_id_)) {
        Abort("Profile ID=\"" + std::to_string(profile_id_) +
              "\" appears twice");
        break;
      }
      const RefValue* sub = Ref(*party_sub_types_, "PartySubType", "Profile",
                                attrs, "PartySubTypeID");
      if (sub == nullptr) break;
      party_.type = PartyTypeFor(sub->text, party_types_->at(sub->link).text);
      break;
    }
    case Tag::kIdentity:
      if (!RequireInt("Identity", attrs, "ID", identity_id_)) break;
      party_by_identity_[identity_id_] = document_.parties.size();
      aliases_.clear();
      names_.clear();
      groups_.clear();
      break;
    case Tag::kAlias: {
      ++local_stats_.aliases;
      const RefValue* type =
          Ref(*alias_types_, "AliasType", "Alias", attrs, "AliasTypeID");
      if (type == nullptr) break;
      aliases_.push_back(PendingAlias{type->text,
                                      Attr(attrs, "Primary") == "true",
                                      Attr(attrs, "LowQuality") == "true"});
      break;
    }
    case Tag::kDocumentedName: {
      ++local_stats_.documented_names;
      if (aliases_.empty() || Parent() != Tag::kAlias) {
        Abort("DocumentedName outside an Alias");
        break;
      }
      PendingName pending;
      pending.alias = aliases_.size() - 1;
      pending.primary_latin = Attr(attrs, "DocNameStatusID") == "1";
      names_.push_back(std::move(pending));
      break;
    }
    case Tag::kNamePartValue: {
      if (names_.empty()) {
        Abort("NamePartValue outside a DocumentedName");
        break;
      }
      part_ = PendingPart();
      part_.line = reader->line();
      if (!RequireInt("NamePartValue", attrs, "NamePartGroupID",
                      part_.group_id)) {
        break;
      }
      int script_id = 0;
      if (!Attr(attrs, "ScriptID").empty()) {
        if (Ref(*scripts_, "Script", "NamePartValue", attrs, "ScriptID") ==
            nullptr) {
          break;
        }
        ParseInt(Attr(attrs, "ScriptID"), script_id);
        part_.script = iso_scripts_[script_id];
      }
      break;
    }
    case Tag::kNamePartGroup: {
      int id = 0;
      if (!RequireInt("NamePartGroup", attrs, "ID", id)) break;
      if (Ref(*name_part_types_, "NamePartType", "NamePartGroup", attrs,
              "NamePartTypeID") == nullptr) {
        break;
      }
      int type = 0;
      ParseInt(Attr(attrs, "NamePartTypeID"), type);
      groups_.emplace_back(id, type);
      break;
    }
    case Tag::kFeature: {
      feature_ = nullptr;
      if (Ref(*feature_types_, "FeatureType", "Feature", attrs,
              "FeatureTypeID") == nullptr) {
        break;
      }
      int id = 0;
      ParseInt(Attr(attrs, "FeatureTypeID"), id);
      feature_ = &feature_info_[id];
      break;
    }
    case Tag::kFeatureVersion:
      feature_text_.clear();
      feature_location_ = -1;
      break;
    case Tag::kVersionDetail:
      if (Parent() != Tag::kFeatureVersion) break;
      if (const RefValue* ref =
              Ref(*detail_references_, "DetailReference", "VersionDetail",
                  attrs, "DetailReferenceID", false)) {
        AppendJoined(feature_text_, ref->text, "; ");
      }
      break;
    case Tag::kVersionLocation: {
      int id = 0;
      if (!RequireInt("VersionLocation", attrs, "LocationID", id)) break;
      const auto it = location_index_.find(id);
      if (it == location_index_.end()) {
        Abort("VersionLocation LocationID=\"" + std::to_string(id) +
              "\" refers to no Location in the Locations section (dangling "
              "reference)");
        break;
      }
      feature_location_ = static_cast<int>(it->second);
      break;
    }

    // --- Relationships and sanctions entries
    case Tag::kProfileRelationship:
      StartRelationship(attrs);
      break;
    case Tag::kSanctionsEntry:
      StartSanctionsEntry(attrs);
      break;
    case Tag::kEntryEvent:
      if (Parent() != Tag::kSanctionsEntry) break;
      if (const RefValue* basis = Ref(*legal_bases_, "LegalBasis", "EntryEvent",
                                      attrs, "LegalBasisID", false)) {
        if (basis->text != "Unknown") {
          PushAttribute(document_.parties[entry_party_], "legal_basis",
                        basis->code.empty() ? basis->text : basis->code);
        }
      }
      break;
    case Tag::kSanctionsMeasure:
      StartSanctionsMeasure(attrs);
      break;
    default:
      break;
  }
}

void OfacAdvancedHandler::EndElement(std::string_view /*name*/,
                                     std::string_view text) {
  if (failed_ || stack_.empty()) return;
  const Tag tag = stack_.back();
  const int depth = static_cast<int>(stack_.size());
  const Tag parent = Parent();
  stack_.pop_back();
  if (reference_depth_ >= 0) {
    if (depth == reference_depth_ + 2 && pending_ref_ != nullptr) {
      pending_ref_->text = std::string(TrimAscii(text));
      pending_ref_ = nullptr;
    } else if (depth == reference_depth_) {
      reference_depth_ = -1;
      BindReferenceTables();
    }
    return;
  }
  switch (tag) {
    case Tag::kYear:
      ParseInt(text, ymd_.year);
      break;
    case Tag::kMonth:
      ParseInt(text, ymd_.month);
      break;
    case Tag::kDay:
      ParseInt(text, ymd_.day);
      break;
    case Tag::kFrom:
      (in_start_ ? period_.start_from : period_.end_from) = ymd_;
      break;
    case Tag::kTo:
      (in_start_ ? period_.start_to : period_.end_to) = ymd_;
      break;
    case Tag::kDatePeriod: {
      const std::string period_text = FormatPeriod(period_);
      if (parent == Tag::kFeatureVersion && !period_text.empty()) {
        AppendJoined(feature_text_, period_text, "; ");
      } else if (parent == Tag::kDocumentDate) {
        Identifier& id = document_record_.identifier;
        if (doc_date_type_ == "Issue Date") {
          id.issued = period_text;
        } else if (doc_date_type_ == "Expiration Date") {
          id.expires = period_text;
        } else if (!period_text.empty()) {
          doc_notes_.push_back(doc_date_type_ + " " + period_text);
        }
      }
      break;
    }
    case Tag::kDateOfIssue:
      if (ymd_.set()) document_.published = FormatDay(ymd_);
      break;
    case Tag::kDate:
      if (parent == Tag::kEntryEvent && ymd_.set()) {
        PushAttribute(document_.parties[entry_party_], "entry_date",
                      FormatDay(ymd_));
      }
      break;
    case Tag::kComment: {
      const std::string_view comment = TrimAscii(text);
      if (comment.empty()) break;
      if (parent == Tag::kDistinctParty) {
        AppendJoined(party_.remarks, comment, "; ");
      } else if (parent == Tag::kSanctionsMeasure) {
        measure_comment_ = std::string(comment);
      } else if (parent == Tag::kIDRegDocument) {
        doc_notes_.emplace_back(comment);
      } else if (parent == Tag::kFeatureVersion && feature_ != nullptr) {
        AppendJoined(party_.remarks,
                     feature_->label + ": " + std::string(comment), "; ");
      }
      break;
    }

    // --- Locations
    case Tag::kValue:
      if (parent == Tag::kLocationPartValue && loc_value_primary_) {
        const std::string_view value = TrimAscii(text);
        if (!value.empty()) loc_parts_.emplace_back(loc_part_type_, value);
      }
      break;
    case Tag::kLocation:
      if (parent == Tag::kLocations) FinishLocation();
      break;

    // --- ID documents
    case Tag::kIDRegistrationNo:
      document_record_.identifier.value = std::string(TrimAscii(text));
      break;
    case Tag::kIssuingAuthority:
      if (!TrimAscii(text).empty()) {
        doc_notes_.push_back("issuing authority: " +
                             std::string(TrimAscii(text)));
      }
      break;
    case Tag::kIDRegDocument: {
      Identifier& id = document_record_.identifier;
      id.type = DocumentType(id.label, id.value);
      for (const std::string& note : doc_notes_)
        AppendJoined(id.note, note, "; ");
      documents_.push_back(std::move(document_record_));
      break;
    }

    // --- Parties
    case Tag::kNamePartValue:
      part_.value = std::string(TrimAscii(text));
      ++local_stats_.name_parts_by_script[part_.script];
      names_.back().parts.push_back(std::move(part_));
      break;
    case Tag::kIdentity:
      FinishIdentity();
      break;
    case Tag::kVersionDetail:
      if (parent == Tag::kFeatureVersion) {
        AppendJoined(feature_text_, TrimAscii(text), "; ");
      }
      break;
    case Tag::kFeatureVersion:
      FinishFeatureVersion();
      break;
    case Tag::kFeature:
      feature_ = nullptr;
      break;
    case Tag::kDistinctParty:
      FinishParty();
      break;

    case Tag::kSanctionsMeasure:
      EndSanctionsMeasure();
      break;
    default:
      break;
  }
}

Result<ListDocument> OfacAdvancedHandler::Finish() {
  if (!references_bound_) {
    return Fail(ErrorCode::kParse,
                file_ +
                    ": no <ReferenceValueSets>: not a complete OFAC "
                    "ADVANCED_XML file");
  }
  for (PendingDocument& pending : documents_) {
    const auto it = party_by_identity_.find(pending.identity_id);
    if (it == party_by_identity_.end()) {
      return Fail(ErrorCode::kParse,
                  file_ + " line " + std::to_string(pending.line) +
                      ": IDRegDocument IdentityID=\"" +
                      std::to_string(pending.identity_id) +
                      "\" refers to no Identity in DistinctParties (dangling "
                      "reference)");
    }
    document_.parties[it->second].identifiers.push_back(
        std::move(pending.identifier));
  }
  documents_.clear();
  document_.code = "OFAC-SDN";
  document_.name =
      "OFAC Specially Designated Nationals and Blocked Persons List";
  document_.publisher = "U.S. Treasury OFAC";
  if (stats_ != nullptr) *stats_ = std::move(local_stats_);
  return std::move(document_);
}

}  // namespace

Result<ListDocument> ReadOfacAdvancedXml(const std::string& path,
                                         const ParseOptions& options,
                                         std::vector<std::string>* warnings,
                                         OfacAdvancedStats* stats) {
  std::vector<std::string> local_warnings;
  OfacAdvancedHandler handler(&local_warnings, stats);
  if (auto parsed = XmlReader::Parse(path, handler, options); !parsed) {
    return std::unexpected(parsed.error());
  }
  auto document = handler.Finish();
  if (document && warnings != nullptr) {
    warnings->insert(warnings->end(),
                     std::make_move_iterator(local_warnings.begin()),
                     std::make_move_iterator(local_warnings.end()));
  }
  return document;
}

Result<void> ParseOfacAdvancedXml(const Paths& paths,
                                  const ParseOptions& options,
                                  ParsedSource& out) {
  if (paths.size() != 1) {
    return Fail(ErrorCode::kInvalidArgument,
                "OFAC ADVANCED_XML is one file; got " +
                    std::to_string(paths.size()) + " paths");
  }
  std::vector<std::string> warnings;
  auto document = ReadOfacAdvancedXml(paths[0], options, &warnings, nullptr);
  if (!document) return std::unexpected(document.error());
  out.lists.push_back(std::move(*document));
  out.warnings.insert(out.warnings.end(),
                      std::make_move_iterator(warnings.begin()),
                      std::make_move_iterator(warnings.end()));
  return Ok();
}

}  // namespace clearance::lists::internal
