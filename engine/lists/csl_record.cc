#include "engine/lists/csl_record.h"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "engine/lists/text_fields.h"
#include "engine/reference/reference.h"
#include "engine/text/script.h"

namespace clearance::lists::internal {
namespace {

struct KnownSource {
  std::string_view abbreviation;  // inside the parentheses of `source`
  std::string_view code;
};

constexpr KnownSource kKnownSources[] = {
    {"EL", "BIS-EL"},
    {"DPL", "BIS-DPL"},
    {"UVL", "BIS-UVL"},
    {"MEU", "BIS-MEU"},
    {"DTC", "STATE-ITAR-DEBARRED"},
    {"ISN", "STATE-ISN"},
    {"SDN", "CSL-OFAC-SDN"},
    {"SSI", "CSL-OFAC-SSI"},
    {"FSE", "CSL-OFAC-FSE"},
    {"NS-MBS", "CSL-OFAC-NS-MBS"},
    {"CMIC", "CSL-OFAC-CMIC"},
    {"PLC", "CSL-OFAC-PLC"},
    {"CAP", "CSL-OFAC-CAPTA"},
};

// "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department"
// -> "NS-MBS".
std::string SourceAbbreviation(std::string_view source) {
  const size_t open = source.find('(');
  if (open == std::string_view::npos) return "";
  const size_t close = source.find(')', open);
  if (close == std::string_view::npos) return "";
  std::string_view inside =
      TrimAscii(source.substr(open + 1, close - open - 1));
  if (inside.ends_with(" List")) inside.remove_suffix(5);
  return std::string(TrimAscii(inside));
}

// "... - Bureau of Industry and Security" -> "Bureau of Industry and Security".
std::string SourceAgency(std::string_view source) {
  const size_t dash = source.rfind(" - ");
  if (dash == std::string_view::npos) return std::string(source);
  return std::string(TrimAscii(source.substr(dash + 3)));
}

bool IsUpperCode(std::string_view text) {
  return text.size() == 2 &&
         std::isupper(static_cast<unsigned char>(text[0])) &&
         std::isupper(static_cast<unsigned char>(text[1]));
}

// An ISO alpha-2 code for a published country code or name; "" if unmapped.
std::string CountryCode(std::string_view text) {
  if (IsUpperCode(text)) return std::string(text);
  if (text.empty()) return "";
  return reference::CountryCodeFor(text);
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

// "1962", "1962-03", "1962-03-25" as they are; "25 Mar 1962" and "Mar 1962"
// to ISO; "" for anything else.
std::string SimpleDate(std::string_view text) {
  if (text.size() == 4 && AllDigits(text)) return std::string(text);
  if (text.size() == 7 && text[4] == '-' && AllDigits(text.substr(0, 4)) &&
      AllDigits(text.substr(5))) {
    return std::string(text);
  }
  if (IsIsoDate(text)) return std::string(text);
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                                 "May", "Jun", "Jul", "Aug",
                                                 "Sep", "Oct", "Nov", "Dec"};
  std::string_view day;
  if (text.size() > 2 && std::isdigit(static_cast<unsigned char>(text[0]))) {
    const size_t space = text.find(' ');
    if (space == std::string_view::npos || space > 2) return "";
    day = text.substr(0, space);
    text.remove_prefix(space + 1);
  }
  if (text.size() != 8 || text[3] != ' ' || !AllDigits(text.substr(4))) {
    return "";
  }
  for (size_t m = 0; m < std::size(kMonths); ++m) {
    if (text.substr(0, 3) != kMonths[m]) continue;
    std::string iso(text.substr(4));
    iso += m < 9 ? "-0" : "-";
    iso += std::to_string(m + 1);
    if (!day.empty()) {
      iso += day.size() == 1 ? "-0" : "-";
      iso += day;
    }
    return iso;
  }
  return "";
}

// A CSL date of birth as ISO text ("circa 1967" -> "1967", "1960 to 1962"
// -> "1960/1962"); "" when the form is not known.
std::string BirthDate(std::string_view text) {
  if (text.starts_with("circa ")) text.remove_prefix(6);
  const size_t to = text.find(" to ");
  if (to != std::string_view::npos) {
    const std::string from = SimpleDate(TrimAscii(text.substr(0, to)));
    const std::string until = SimpleDate(TrimAscii(text.substr(to + 4)));
    return from.empty() || until.empty() ? "" : from + "/" + until;
  }
  return SimpleDate(text);
}

// Every "Linked To: NAME" in OFAC remarks; NAME ends at a ")" or ";" that
// closes nothing opened inside it ("(Linked To: IRGC (IRGC)-QODS FORCE)").
std::vector<std::string> LinkedNames(std::string_view remarks) {
  static constexpr std::string_view kMarker = "Linked To: ";
  std::vector<std::string> names;
  size_t at = 0;
  while ((at = remarks.find(kMarker, at)) != std::string_view::npos) {
    at += kMarker.size();
    int depth = 0;
    size_t end = at;
    for (; end < remarks.size(); ++end) {
      const char c = remarks[end];
      if (c == '(') ++depth;
      if (c == ')' && depth-- == 0) break;
      if (c == ';' && depth == 0) break;
    }
    std::string name = CleanText(remarks.substr(at, end - at));
    while (!name.empty() && name.back() == '.') name.pop_back();
    if (!name.empty()) names.push_back(std::move(name));
    at = end;
  }
  return names;
}

bool IsLei(std::string_view value) {
  return value.size() == 20 &&
         std::all_of(value.begin(), value.end(), [](char c) {
           return std::isupper(static_cast<unsigned char>(c)) ||
                  std::isdigit(static_cast<unsigned char>(c));
         });
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

template <typename T, typename Equal>
void AppendNew(std::vector<T>& into, std::vector<T>&& from, Equal equal) {
  for (T& value : from) {
    const bool present = std::any_of(
        into.begin(), into.end(), [&](const T& v) { return equal(v, value); });
    if (!present) into.push_back(std::move(value));
  }
}

void AppendNew(std::vector<std::string>& into,
               std::vector<std::string>&& from) {
  AppendNew(into, std::move(from),
            [](const std::string& a, const std::string& b) { return a == b; });
}

}  // namespace

const std::vector<std::string_view>& CslAttributeFields() {
  static const std::vector<std::string_view> kFields = {
      "title",
      "federal_register_notice",
      "start_date",
      "end_date",
      "standard_order",
      "license_requirement",
      "license_policy",
      "call_sign",
      "vessel_type",
      "gross_tonnage",
      "gross_registered_tonnage",
      "vessel_flag",
      "vessel_owner",
      "source_list_url",
      "source_information_url",
  };
  return kFields;
}

CslIdLabel ClassifyCslIdLabel(std::string_view label) {
  label = TrimAscii(label);
  CslIdLabel out;
  out.recognised = true;
  auto identifier = [&](std::string_view type) {
    out.type = type;
    return out;
  };
  static constexpr std::string_view kCrypto = "Digital Currency Address - ";
  if (label.starts_with(kCrypto)) {
    out.currency = std::string(TrimAscii(label.substr(kCrypto.size())));
    return identifier("crypto_address");
  }
  // Facts about the party, not documents.
  static constexpr std::string_view kFacts[] = {
      "Gender",
      "Organization Established Date",
      "Organization Type",
      "Target Type",
      "Aircraft Model",
      "Aircraft Manufacture Date",
      "Aircraft Operator",
      "Former Vessel Flag",
      "Other Vessel Flag",
      "Other Vessel Type",
      "Other Vessel Call Sign",
      "Nationality of Registration",
      "Registration Country",
      "Issuer Name",
      "Vessel Year of Build",
      "Equity Ticker",
  };
  std::string_view bare = label;
  while (!bare.empty() && (bare.back() == ':' || bare.back() == '-')) {
    bare.remove_suffix(1);
    bare = TrimAscii(bare);
  }
  const bool fact_form = bare.size() != label.size();  // ended in ":" / "-"
  if (fact_form ||
      std::find(std::begin(kFacts), std::end(kFacts), bare) !=
          std::end(kFacts) ||
      Contains(bare, " Date") || Contains(bare, "Information")) {
    out.is_identifier = false;
    out.type = Slug(bare, '_');
    return out;
  }
  static constexpr std::pair<std::string_view, std::string_view> kExact[] = {
      {"SWIFT/BIC", "swift_bic"},
      {"Website", "website"},
      {"Email Address", "email"},
      {"Phone Number", "phone"},
      {"MMSI", "mmsi"},
      {"Vessel Registration Identification", "imo"},
      {"Aircraft Tail Number", "aircraft_tail"},
      {"Previous Aircraft Tail Number", "aircraft_tail"},
      {"Unified Social Credit Code (USCC)", "uscc"},
      {"United Social Credit Code Certificate (USCCC)", "uscc"},
      {"Legal Entity Number", "lei"},
      {"LEI", "lei"},
      {"NIT #", "tax_id"},
      {"R.F.C.", "tax_id"},
      {"RFC", "tax_id"},
      {"RUC #", "tax_id"},
      {"RIF #", "tax_id"},
      {"US FEIN", "tax_id"},
      {"C.U.I.T.", "tax_id"},
      {"C.I.F.", "tax_id"},
      {"RSIN", "tax_id"},
      {"License", "registration"},
  };
  for (const auto& [known, type] : kExact) {
    if (bare == known) return identifier(type);
  }
  if (Contains(bare, "Passport")) return identifier("passport");
  if (Contains(bare, "Tax") || Contains(bare, "tax ") ||
      Contains(bare, "Fiscal") || Contains(bare, "V.A.T.") ||
      Contains(bare, "Tributaria")) {
    return identifier("tax_id");
  }
  static constexpr std::string_view kNationalId[] = {
      "National ID", "Personal ID", "ID Card",   "Identification Number",
      "ID No.",      "Cedula",      "C.U.R.P.",  "D.N.I.",
      "Identidad",   "SSN",         "C.U.I.",    "N.I.E.",
      "I.F.E.",      "Electoral",   "electoral", "Personal Numerical Code",
  };
  for (std::string_view part : kNationalId) {
    if (Contains(bare, part)) return identifier("national_id");
  }
  if (bare == "UAE Identification" || bare == "Residency Number" ||
      bare == "National Foreign ID Number" || bare == "Citizen's Card Number") {
    return identifier("national_id");
  }
  static constexpr std::string_view kRegistration[] = {
      "Registration",
      "Registry",
      "Company Number",
      "Incorporation",
      "Chamber of Comm",
      "Trade License",
      "Mercantil",
      "C.R.",
      "Enterprise Number",
      "Business Number",
      "Branch Unit",
      "Gazette",
      "Registered Charity",
      "LE Number",
      "D-U-N-S",
      "File Number",
  };
  for (std::string_view part : kRegistration) {
    if (Contains(bare, part)) return identifier("registration");
  }
  out.recognised = false;
  return identifier("other");
}

CslListBuilder::CslListBuilder(std::vector<std::string>* warnings)
    : warnings_(warnings) {}

CslListBuilder::List& CslListBuilder::ListFor(const std::string& source,
                                              const std::string& where) {
  auto it = lists_.find(source);
  if (it != lists_.end()) return it->second;
  List& list = lists_[source];
  const std::string abbreviation = SourceAbbreviation(source);
  for (const KnownSource& known : kKnownSources) {
    if (abbreviation == known.abbreviation) list.document.code = known.code;
  }
  if (list.document.code.empty()) {
    std::string slug = Slug(abbreviation.empty() ? source : abbreviation, '-');
    std::transform(slug.begin(), slug.end(), slug.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    list.document.code = "CSL-" + slug;
    warnings_->push_back(where + ": source '" + source +
                         "' is not a known CSL list; imported as " +
                         list.document.code);
  }
  list.document.name = source;
  list.document.publisher =
      "trade.gov Consolidated Screening List (" + SourceAgency(source) + ")";
  return list;
}

Result<void> CslListBuilder::Add(const CslRecord& record) {
  auto fail = [&](std::string_view field, const std::string& what) {
    return Fail(ErrorCode::kParse,
                record.where + ": " + std::string(field) + ": " + what);
  };
  if (record.source.empty()) return fail("source", "expected a list name");
  if (record.name.empty()) return fail("name", "expected a name");
  Party party;
  party.source_id =
      record.entity_number.empty() ? record.id : record.entity_number;
  if (party.source_id.empty()) {
    return fail("_id", "expected an id (entity_number and _id are empty)");
  }
  List& list = ListFor(record.source, record.where);

  party.type = ParsePartyType(record.type);
  if (party.type == PartyType::kUnknown && !record.type.empty()) {
    warnings_->push_back(record.where + ": type '" + record.type +
                         "' not recognised; kept as unknown");
  }
  if (record.type.empty() && list.document.code == "BIS-MEU") {
    party.type = PartyType::kEntity;
  }

  Name primary;
  primary.full = record.name;
  primary.script = text::DetectScript(primary.full);
  party.names.push_back(std::move(primary));
  for (std::string_view alt : record.alt_names) {
    if (alt.starts_with("and ")) alt.remove_prefix(4);
    alt = TrimAscii(alt);
    if (alt.empty() ||
        std::any_of(party.names.begin(), party.names.end(),
                    [&](const Name& n) { return n.full == alt; })) {
      continue;
    }
    Name name;
    name.full = std::string(alt);
    name.script = text::DetectScript(name.full);
    name.strength = AliasStrength::kStrong;
    party.names.push_back(std::move(name));
  }

  for (const CslAddress& in : record.addresses) {
    Address address;
    std::string_view full = in.full;
    if (full.starts_with("and ")) full.remove_prefix(4);
    address.full = std::string(TrimAscii(full));
    address.street = in.street;
    address.city = in.city;
    address.state_province = in.state;
    address.postal_code = in.postal_code;
    address.country_name = in.country;
    address.country = CountryCode(in.country);
    if (address.full.empty()) continue;
    party.addresses.push_back(std::move(address));
  }

  party.programs = record.programs;
  for (const std::string& date : record.dates_of_birth) {
    std::string iso = BirthDate(date);
    if (iso.empty()) {
      warnings_->push_back(record.where + ": dates_of_birth: '" + date +
                           "' is not a known date form; kept as published");
      iso = date;
    }
    party.dates_of_birth.push_back(std::move(iso));
  }
  party.places_of_birth = record.places_of_birth;
  auto countries = [&](const std::vector<std::string>& in,
                       std::vector<std::string>& out, std::string_view key) {
    for (const std::string& text : in) {
      const std::string code = CountryCode(text);
      if (code.empty()) {
        party.attributes.emplace_back(std::string(key), text);
      } else if (std::find(out.begin(), out.end(), code) == out.end()) {
        out.push_back(code);
      }
    }
  };
  countries(record.nationalities, party.nationalities, "nationality");
  countries(record.citizenships, party.citizenships, "citizenship");

  for (const CslId& id : record.ids) {
    const CslIdLabel label = ClassifyCslIdLabel(id.type);
    if (!label.is_identifier) {
      std::string value = id.number;
      if (!id.country.empty())
        value += (value.empty() ? "" : ", ") + id.country;
      party.attributes.emplace_back(label.type, std::move(value));
      continue;
    }
    Identifier identifier;
    identifier.type = label.type;
    identifier.label = id.type;
    identifier.value = id.number;
    identifier.currency = label.currency;
    identifier.issued = id.issued;
    identifier.expires = id.expires;
    if (identifier.type == "lei" && !IsLei(identifier.value)) {
      identifier.type = "registration";
    }
    if (identifier.type == "imo" && !identifier.value.starts_with("IMO")) {
      identifier.type = "registration";
    }
    if (!id.country.empty()) {
      identifier.country = CountryCode(id.country);
      if (identifier.country.empty()) {
        identifier.note = "issued by " + id.country;
      }
    }
    if (!id.undetermined_date.empty()) {
      if (!identifier.note.empty()) identifier.note += "; ";
      identifier.note += "date " + id.undetermined_date +
                         " (issue or expiry: the source does not say which)";
    }
    if (identifier.value.empty()) {
      warnings_->push_back(record.where + ": ids: '" + id.type +
                           "' without a number skipped");
      continue;
    }
    party.identifiers.push_back(std::move(identifier));
  }

  party.remarks = record.remarks;
  for (std::string& name : LinkedNames(record.remarks)) {
    Relationship relationship;
    relationship.type = "Linked To";
    relationship.other_name = std::move(name);
    party.relationships.push_back(std::move(relationship));
  }

  for (const auto& [key, value] : record.attributes) {
    if (value.empty()) continue;
    if ((key == "start_date" || key == "end_date") && !IsIsoDate(value)) {
      return fail(key, "expected a date YYYY-MM-DD, found '" + value + "'");
    }
    party.attributes.emplace_back(key, value);
  }
  if (!record.id.empty() && record.id != party.source_id) {
    party.attributes.emplace_back("csl_id", record.id);
  }

  auto [it, inserted] =
      list.index.emplace(party.source_id, list.document.parties.size());
  if (inserted) {
    list.where.emplace(party.source_id, record.where);
    list.document.parties.push_back(std::move(party));
    return Ok();
  }
  warnings_->push_back(record.where + ": " + list.document.code + " entry " +
                       party.source_id + " repeats " +
                       list.where[party.source_id] + "; merged into one party");
  Merge(list.document.parties[it->second], std::move(party));
  return Ok();
}

void CslListBuilder::Merge(Party& into, Party&& from) {
  AppendNew(into.names, std::move(from.names),
            [](const Name& a, const Name& b) { return a.full == b.full; });
  AppendNew(
      into.addresses, std::move(from.addresses),
      [](const Address& a, const Address& b) { return a.full == b.full; });
  AppendNew(into.identifiers, std::move(from.identifiers),
            [](const Identifier& a, const Identifier& b) {
              return a.type == b.type && a.value == b.value;
            });
  AppendNew(into.relationships, std::move(from.relationships),
            [](const Relationship& a, const Relationship& b) {
              return a.type == b.type && a.other_name == b.other_name;
            });
  AppendNew(into.attributes, std::move(from.attributes),
            [](const auto& a, const auto& b) { return a == b; });
  AppendNew(into.programs, std::move(from.programs));
  AppendNew(into.dates_of_birth, std::move(from.dates_of_birth));
  AppendNew(into.places_of_birth, std::move(from.places_of_birth));
  AppendNew(into.nationalities, std::move(from.nationalities));
  AppendNew(into.citizenships, std::move(from.citizenships));
  if (into.remarks.empty()) into.remarks = std::move(from.remarks);
  if (into.type == PartyType::kUnknown) into.type = from.type;
}

std::vector<ListDocument> CslListBuilder::Finish() {
  std::vector<ListDocument> documents;
  for (auto& [source, list] : lists_) {
    documents.push_back(std::move(list.document));
  }
  lists_.clear();
  std::sort(documents.begin(), documents.end(),
            [](const ListDocument& a, const ListDocument& b) {
              return a.code < b.code;
            });
  return documents;
}

}  // namespace clearance::lists::internal
