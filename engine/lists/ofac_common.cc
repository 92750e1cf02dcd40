#include "engine/lists/ofac_common.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/common/strings.h"
#include "engine/lists/csv_reader.h"
#include "engine/reference/reference.h"
#include "engine/text/pattern.h"
#include "engine/text/script.h"

namespace clearance::lists::internal {
namespace {

using Kind = OfacLabel::Kind;

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

std::string SnakeCase(std::string_view label) {
  std::string out;
  for (char c : label) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(
          static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!out.empty() && out.back() != '_') {
      out.push_back('_');
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

// Drops a trailing ":" or " -" (ENHANCED_XML writes feature types as
// "Secondary sanctions risk:" and "Additional Sanctions Information -").
std::string_view StripLabelPunctuation(std::string_view label) {
  label = TrimAscii(label);
  while (!label.empty() && (label.back() == ':' || label.back() == '-')) {
    label.remove_suffix(1);
    label = TrimAscii(label);
  }
  return label;
}

struct LabelEntry {
  std::string_view label;
  Kind kind;
  std::string_view type;  // identifier type or attribute key
};

// OFAC's labels, as written in legacy remarks and ENHANCED_XML.
constexpr LabelEntry kLabels[] = {
    {"DOB", Kind::kDateOfBirth, ""},
    {"Birthdate", Kind::kDateOfBirth, ""},
    {"POB", Kind::kPlaceOfBirth, ""},
    {"Place of Birth", Kind::kPlaceOfBirth, ""},
    {"nationality", Kind::kNationality, ""},
    {"Nationality Country", Kind::kNationality, ""},
    {"citizen", Kind::kCitizenship, ""},
    {"Citizenship Country", Kind::kCitizenship, ""},
    {"Gender", Kind::kAttribute, "gender"},
    // Passports and personal ids.
    {"Passport", Kind::kIdentifier, "passport"},
    {"Diplomatic Passport", Kind::kIdentifier, "passport"},
    {"Stateless Person Passport", Kind::kIdentifier, "passport"},
    {"National ID No.", Kind::kIdentifier, "national_id"},
    {"Cedula No.", Kind::kIdentifier, "national_id"},
    {"D.N.I.", Kind::kIdentifier, "national_id"},
    {"Identification Number", Kind::kIdentifier, "national_id"},
    {"Personal ID Card", Kind::kIdentifier, "national_id"},
    {"National Foreign ID Number", Kind::kIdentifier, "national_id"},
    {"Birth Certificate Number", Kind::kIdentifier, "national_id"},
    {"Residency Number", Kind::kIdentifier, "national_id"},
    {"SSN", Kind::kIdentifier, "national_id"},
    {"C.U.I.", Kind::kIdentifier, "national_id"},
    {"C.U.R.P.", Kind::kIdentifier, "national_id"},
    {"Kenyan ID No.", Kind::kIdentifier, "national_id"},
    {"Turkish Identification Number", Kind::kIdentifier, "national_id"},
    {"Citizen's Card Number", Kind::kIdentifier, "national_id"},
    {"Refugee ID Card", Kind::kIdentifier, "national_id"},
    {"Stateless Person ID Card", Kind::kIdentifier, "national_id"},
    {"Cartilla de Servicio Militar Nacional", Kind::kIdentifier, "national_id"},
    {"Driver's License No.", Kind::kIdentifier, "other"},
    // Tax numbers.
    {"Tax ID No.", Kind::kIdentifier, "tax_id"},
    {"NIT #", Kind::kIdentifier, "tax_id"},
    {"RUC #", Kind::kIdentifier, "tax_id"},
    {"RIF #", Kind::kIdentifier, "tax_id"},
    {"V.A.T. Number", Kind::kIdentifier, "tax_id"},
    {"US FEIN", Kind::kIdentifier, "tax_id"},
    {"C.U.I.T.", Kind::kIdentifier, "tax_id"},
    {"Fiscal Code", Kind::kIdentifier, "tax_id"},
    {"Italian Fiscal Code", Kind::kIdentifier, "tax_id"},
    {"RFC", Kind::kIdentifier, "tax_id"},
    {"Legal Entity Number", Kind::kIdentifier, "lei"},
    {"Unified Social Credit Code (USCC)", Kind::kIdentifier, "uscc"},
    // Company registers.
    {"Registration Number", Kind::kIdentifier, "registration"},
    {"Registration ID", Kind::kIdentifier, "registration"},
    {"Business Registration Number", Kind::kIdentifier, "registration"},
    {"Business Registration Document #", Kind::kIdentifier, "registration"},
    {"Company Number", Kind::kIdentifier, "registration"},
    {"UK Company Number", Kind::kIdentifier, "registration"},
    {"Commercial Registry Number", Kind::kIdentifier, "registration"},
    {"C.R. No.", Kind::kIdentifier, "registration"},
    {"Chamber of Commerce Number", Kind::kIdentifier, "registration"},
    {"Folio Mercantil No.", Kind::kIdentifier, "registration"},
    {"Matricula Mercantil No", Kind::kIdentifier, "registration"},
    {"Trade License No.", Kind::kIdentifier, "registration"},
    {"Government Gazette Number", Kind::kIdentifier, "registration"},
    {"Public Registration Number", Kind::kIdentifier, "registration"},
    {"Economic Register Number (CBLS)", Kind::kIdentifier, "registration"},
    {"Central Registration System Number", Kind::kIdentifier, "registration"},
    {"Istanbul Chamber of Comm. No.", Kind::kIdentifier, "registration"},
    {"Dubai Chamber of Commerce Membership No.", Kind::kIdentifier,
     "registration"},
    {"Business Number", Kind::kIdentifier, "registration"},
    {"Enterprise Number", Kind::kIdentifier, "registration"},
    {"Registered Charity No.", Kind::kIdentifier, "registration"},
    {"Branch Unit Number", Kind::kIdentifier, "registration"},
    {"Certificate of Incorporation Number", Kind::kIdentifier, "registration"},
    {"License", Kind::kIdentifier, "registration"},
    // Vessels and aircraft.
    {"Vessel Registration Identification IMO", Kind::kIdentifier, "imo"},
    {"Identification Number IMO", Kind::kIdentifier, "imo"},
    {"Company Number IMO", Kind::kIdentifier, "imo"},
    {"IMO", Kind::kIdentifier, "imo"},
    {"MMSI", Kind::kIdentifier, "mmsi"},
    {"Aircraft Tail Number", Kind::kIdentifier, "aircraft_tail"},
    {"Aircraft Manufacturer's Serial Number (MSN)", Kind::kIdentifier, "other"},
    {"Aircraft Construction Number (also called L/N or S/N or F/N)",
     Kind::kIdentifier, "other"},
    // Contact and finance.
    {"SWIFT/BIC", Kind::kIdentifier, "swift_bic"},
    {"Website", Kind::kIdentifier, "website"},
    {"Email Address", Kind::kIdentifier, "email"},
    {"Email", Kind::kIdentifier, "email"},
    {"Phone Number", Kind::kIdentifier, "phone"},
    {"Telephone Number", Kind::kIdentifier, "phone"},
    {"Telephone No.", Kind::kIdentifier, "phone"},
    {"Telephone", Kind::kIdentifier, "phone"},
    {"Fax No.", Kind::kIdentifier, "phone"},
    {"Fax", Kind::kIdentifier, "phone"},
    {"D-U-N-S Number", Kind::kIdentifier, "other"},
    {"BIK (RU)", Kind::kIdentifier, "other"},
    {"ISIN", Kind::kIdentifier, "other"},
    {"Chinese Commercial Code", Kind::kIdentifier, "other"},
    // Facts kept as attributes, named here so that labels without a colon
    // are recognised in legacy remarks.
    {"Organization Established Date", Kind::kAttribute,
     "organization_established_date"},
    {"Organization Type", Kind::kAttribute, "organization_type"},
    {"Target Type", Kind::kAttribute, "target_type"},
    {"Additional Sanctions Information", Kind::kAttribute,
     "additional_sanctions_information"},
    {"Secondary sanctions risk", Kind::kAttribute, "secondary_sanctions_risk"},
    {"Transactions Prohibited For Persons Owned or Controlled By U.S. "
     "Financial Institutions",
     Kind::kAttribute, "transactions_prohibited"},
    {"Executive Order 13662 Directive Determination", Kind::kAttribute,
     "executive_order_13662_directive_determination"},
    {"Aircraft Model", Kind::kAttribute, "aircraft_model"},
    {"Aircraft Operator", Kind::kAttribute, "aircraft_operator"},
    {"Aircraft Manufacture Date", Kind::kAttribute,
     "aircraft_manufacture_date"},
    {"Aircraft Mode S Transponder Code", Kind::kAttribute,
     "aircraft_mode_s_transponder_code"},
    {"Previous Aircraft Tail Number", Kind::kAttribute,
     "previous_aircraft_tail_number"},
    {"Vessel Year of Build", Kind::kAttribute, "vessel_year_of_build"},
    {"Former Vessel Flag", Kind::kAttribute, "former_vessel_flag"},
    {"Other Vessel Flag", Kind::kAttribute, "other_vessel_flag"},
    {"Other Vessel Type", Kind::kAttribute, "other_vessel_type"},
    {"Other Vessel Call Sign", Kind::kAttribute, "other_vessel_call_sign"},
    {"Equity Ticker", Kind::kAttribute, "equity_ticker"},
    {"Issuer Name", Kind::kAttribute, "issuer_name"},
    {"Nationality of Registration", Kind::kAttribute,
     "nationality_of_registration"},
    {"Effective Date (CMIC)", Kind::kAttribute, "effective_date_cmic"},
    {"Listing Date (CMIC)", Kind::kAttribute, "listing_date_cmic"},
    {"Purchase/Sales For Divestment Date (CMIC)", Kind::kAttribute,
     "purchase_sales_for_divestment_date_cmic"},
};

const LabelEntry* FindLabel(std::string_view label) {
  for (const LabelEntry& entry : kLabels) {
    if (entry.label == label) return &entry;
  }
  return nullptr;
}

std::string QuoteMeta(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != ' ') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

// The compiled patterns of the remarks grammar.
struct RemarkPatterns {
  text::Pattern linked_to =
      text::Pattern::MustCompile(R"(^Linked To:\s*(.+)$)");
  text::Pattern alias =
      text::Pattern::MustCompile(R"(^([afn])\.k\.a\.,?\s+'(.+)'$)");
  text::Pattern crypto = text::Pattern::MustCompile(
      R"(^Digital Currency Address - ([A-Za-z0-9]+)\s+(\S.*)$)");
  // Every known label, longest first so that "Identification Number IMO"
  // wins over "Identification Number"; then a separator and the value.
  text::Pattern labelled = Labelled();
  // Any other "Label: value" fact.
  text::Pattern colon = text::Pattern::MustCompile(
      R"(^([A-Za-z][A-Za-z0-9 .'/()&#-]{0,60}?)\s*:\s*([^/\s].*)$)");

  static text::Pattern Labelled() {
    std::vector<std::string_view> labels;
    for (const LabelEntry& entry : kLabels) labels.push_back(entry.label);
    std::stable_sort(labels.begin(), labels.end(),
                     [](std::string_view a, std::string_view b) {
                       return a.size() > b.size();
                     });
    std::string regex = "^(";
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) regex += "|";
      regex += QuoteMeta(labels[i]);
    }
    regex += R"()(?:\s*[:-]\s*|\s+)(\S.*)$)";
    return text::Pattern::MustCompile(regex);
  }
};

const RemarkPatterns& Patterns() {
  static const RemarkPatterns* const kPatterns = new RemarkPatterns();
  return *kPatterns;
}

constexpr std::array<std::string_view, 12> kMonths = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string NormalizeSingleDate(std::string_view text) {
  text = TrimAscii(text);
  std::vector<std::string_view> tokens;
  while (!text.empty()) {
    const size_t space = text.find(' ');
    tokens.push_back(text.substr(0, space));
    if (space == std::string_view::npos) break;
    text = TrimAscii(text.substr(space + 1));
  }
  auto month_of = [](std::string_view name) -> std::string {
    for (size_t i = 0; i < kMonths.size(); ++i) {
      if (name.size() >= 3 && name.substr(0, 3) == kMonths[i]) {
        return (i < 9 ? "0" : "") + std::to_string(i + 1);
      }
    }
    return "";
  };
  if (tokens.size() == 1) {
    const std::string_view t = tokens[0];
    if (t.size() == 4 && AllDigits(t)) return std::string(t);
    // ISO forms pass through: 1962-03, 1962-03-25.
    if ((t.size() == 7 || t.size() == 10) && AllDigits(t.substr(0, 4)) &&
        t[4] == '-' && AllDigits(t.substr(5, 2)) &&
        (t.size() == 7 || (t[7] == '-' && AllDigits(t.substr(8, 2))))) {
      return std::string(t);
    }
    return "";
  }
  if (tokens.size() == 2) {
    const std::string month = month_of(tokens[0]);
    if (month.empty() || tokens[1].size() != 4 || !AllDigits(tokens[1])) {
      return "";
    }
    return std::string(tokens[1]) + "-" + month;
  }
  if (tokens.size() == 3) {
    const std::string month = month_of(tokens[1]);
    if (month.empty() || !AllDigits(tokens[0]) || tokens[0].size() > 2 ||
        tokens[2].size() != 4 || !AllDigits(tokens[2])) {
      return "";
    }
    return std::string(tokens[2]) + "-" + month + "-" +
           (tokens[0].size() == 1 ? "0" : "") + std::string(tokens[0]);
  }
  return "";
}

std::vector<std::string_view> SplitFacts(std::string_view remarks) {
  std::vector<std::string_view> facts;
  while (!remarks.empty()) {
    const size_t semi = remarks.find(';');
    const std::string_view fact = TrimAscii(remarks.substr(0, semi));
    if (!fact.empty()) facts.push_back(fact);
    if (semi == std::string_view::npos) break;
    remarks.remove_prefix(semi + 1);
  }
  return facts;
}

std::string_view StripStop(std::string_view text) {
  text = TrimAscii(text);
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  return TrimAscii(text);
}

// "A123 (Iraq) issued 01 Jan 2010 expires 01 Jan 2020" -> parts.
Identifier ParseIdentifierValue(std::string type, std::string label,
                                std::string_view value) {
  Identifier id;
  id.type = std::move(type);
  id.label = std::move(label);
  value = TrimAscii(value);
  const bool takes_country =
      id.type != "phone" && id.type != "website" && id.type != "email";
  if (takes_country) {
    for (std::string_view keyword : {" expires ", " issued "}) {
      const size_t at = value.rfind(keyword);
      if (at == std::string_view::npos) continue;
      const std::string_view date =
          TrimAscii(value.substr(at + keyword.size()));
      std::string normalized = NormalizeOfacDate(date);
      if (normalized.empty()) normalized = std::string(date);
      (keyword == " expires " ? id.expires : id.issued) = normalized;
      value = TrimAscii(value.substr(0, at));
    }
    if (!value.empty() && value.back() == ')') {
      const size_t open = value.rfind('(');
      if (open != std::string_view::npos && open > 0) {
        const std::string_view inside =
            TrimAscii(value.substr(open + 1, value.size() - open - 2));
        id.country = OfacCountryCode(inside);
        if (id.country.empty()) id.note = std::string(inside);
        value = TrimAscii(value.substr(0, open));
      }
    }
  }
  id.value = std::string(value);
  return id;
}

std::vector<NamePart> PartsFor(PartyType type, std::string_view full,
                               bool weak) {
  switch (type) {
    case PartyType::kPerson: {
      const size_t comma = full.find(',');
      if (comma != std::string_view::npos) {
        std::vector<NamePart> parts;
        parts.push_back(
            {"family", std::string(TrimAscii(full.substr(0, comma)))});
        const std::string_view given = TrimAscii(full.substr(comma + 1));
        if (!given.empty()) parts.push_back({"given", std::string(given)});
        return parts;
      }
      return {{weak ? "nickname" : "other", std::string(full)}};
    }
    case PartyType::kVessel:
      return {{"vessel", std::string(full)}};
    case PartyType::kAircraft:
      return {{"aircraft", std::string(full)}};
    case PartyType::kEntity:
      return {{"entity", std::string(full)}};
    case PartyType::kUnknown:
      break;
  }
  return {{"other", std::string(full)}};
}

Name MakeName(PartyType type, std::string_view full, AliasStrength strength,
              std::string alias_type) {
  Name name;
  name.full = std::string(full);
  name.script = text::DetectScript(full);
  name.strength = strength;
  name.alias_type = std::move(alias_type);
  name.parts = PartsFor(type, full, strength == AliasStrength::kWeak);
  return name;
}

void AddCountry(std::string_view name, std::vector<std::string>& codes,
                std::string_view attribute, Party& party) {
  const std::string code = OfacCountryCode(name);
  if (code.empty()) {
    party.attributes.emplace_back(attribute, std::string(name));
  } else if (std::find(codes.begin(), codes.end(), code) == codes.end()) {
    codes.push_back(code);
  }
}

}  // namespace

std::string NormalizeOfacDate(std::string_view text) {
  text = TrimAscii(text);
  if (text.starts_with("circa ")) text = TrimAscii(text.substr(6));
  if (const size_t to = text.find(" to "); to != std::string_view::npos) {
    const std::string from = NormalizeSingleDate(text.substr(0, to));
    const std::string until = NormalizeSingleDate(text.substr(to + 4));
    if (from.empty() || until.empty()) return "";
    return from + "/" + until;
  }
  if (text.size() == 9 && text[4] == '-' && AllDigits(text.substr(0, 4)) &&
      AllDigits(text.substr(5))) {
    return std::string(text.substr(0, 4)) + "/" + std::string(text.substr(5));
  }
  return NormalizeSingleDate(text);
}

std::string OfacCountryCode(std::string_view name) {
  name = TrimAscii(name);
  if (name.empty()) return "";
  return reference::CountryCodeFor(name);
}

OfacLabel ClassifyOfacLabel(std::string_view label) {
  label = StripLabelPunctuation(label);
  OfacLabel out;
  constexpr std::string_view kCrypto = "Digital Currency Address";
  if (label.starts_with(kCrypto)) {
    out.kind = Kind::kCryptoAddress;
    out.type = "crypto_address";
    std::string_view currency = TrimAscii(label.substr(kCrypto.size()));
    if (currency.starts_with("-")) currency = TrimAscii(currency.substr(1));
    out.currency = std::string(currency);
    return out;
  }
  if (const LabelEntry* entry = FindLabel(label)) {
    out.kind = entry->kind;
    out.type = std::string(entry->type);
    return out;
  }
  out.kind = Kind::kAttribute;
  out.type = SnakeCase(label);
  return out;
}

void ApplyOfacRemarks(std::string_view remarks, Party& party) {
  const RemarkPatterns& patterns = Patterns();
  const std::vector<std::string_view> facts = SplitFacts(remarks);
  for (size_t i = 0; i < facts.size(); ++i) {
    std::string_view fact = facts[i];
    if (fact.starts_with("alt. ") || fact.starts_with("Alt. ")) {
      fact = TrimAscii(fact.substr(5));
    }
    if (auto m = patterns.linked_to.FindAll(fact); !m.empty()) {
      // A stop at the very end is OFAC's; ResolveLinkedNames puts it back
      // where it belongs to the name ("S.A.").
      std::string_view other = TrimAscii(m[0].groups[1]);
      if (i + 1 == facts.size()) other = StripStop(other);
      party.relationships.push_back({"Linked To", "", std::string(other), ""});
      continue;
    }
    fact = StripStop(fact);
    if (auto m = patterns.alias.FindAll(fact); !m.empty()) {
      const char kind = m[0].groups[1][0];
      const std::string alias_type = kind == 'a'   ? "A.K.A."
                                     : kind == 'f' ? "F.K.A."
                                                   : "N.K.A.";
      party.names.push_back(MakeName(party.type, TrimAscii(m[0].groups[2]),
                                     AliasStrength::kWeak, alias_type));
      continue;
    }
    if (auto m = patterns.crypto.FindAll(fact); !m.empty()) {
      Identifier id;
      id.type = "crypto_address";
      id.currency = std::string(m[0].groups[1]);
      id.label = "Digital Currency Address - " + id.currency;
      id.value = std::string(TrimAscii(m[0].groups[2]));
      party.identifiers.push_back(std::move(id));
      continue;
    }
    std::string_view label;
    std::string_view value;
    bool known = false;
    if (auto m = patterns.labelled.FindAll(fact); !m.empty()) {
      label = m[0].groups[1];
      value = TrimAscii(m[0].groups[2]);
      known = true;
    } else if (auto c = patterns.colon.FindAll(fact); !c.empty()) {
      label = c[0].groups[1];
      value = TrimAscii(c[0].groups[2]);
    } else {
      continue;  // free text; it stays in `remarks`
    }
    const OfacLabel kind = ClassifyOfacLabel(label);
    switch (kind.kind) {
      case Kind::kDateOfBirth: {
        std::string date = NormalizeOfacDate(value);
        if (date.empty()) {
          party.attributes.emplace_back("date_of_birth", std::string(value));
        } else {
          party.dates_of_birth.push_back(std::move(date));
        }
        break;
      }
      case Kind::kPlaceOfBirth:
        party.places_of_birth.emplace_back(value);
        break;
      case Kind::kNationality:
        AddCountry(value, party.nationalities, "nationality", party);
        break;
      case Kind::kCitizenship:
        AddCountry(value, party.citizenships, "citizenship", party);
        break;
      case Kind::kIdentifier:
      case Kind::kCryptoAddress:
        party.identifiers.push_back(
            ParseIdentifierValue(kind.type, std::string(label), value));
        break;
      case Kind::kAttribute:
        if (!known && kind.type.empty()) break;
        party.attributes.emplace_back(kind.type, std::string(value));
        break;
    }
  }
}

void ResolveLinkedNames(ListDocument& document) {
  // Primary name -> index of the only party with it, or -1 when several.
  std::unordered_map<std::string_view, long> by_name;
  by_name.reserve(document.parties.size());
  for (size_t i = 0; i < document.parties.size(); ++i) {
    const Party& party = document.parties[i];
    if (party.names.empty()) continue;
    auto [it, inserted] =
        by_name.emplace(party.names[0].full, static_cast<long>(i));
    if (!inserted) it->second = -1;
  }
  std::vector<std::pair<Relationship*, long>> resolved;
  for (Party& party : document.parties) {
    for (Relationship& rel : party.relationships) {
      if (!rel.other_source_id.empty() || rel.other_name.empty()) continue;
      long index = -2;
      std::string spelling;
      if (auto it = by_name.find(rel.other_name); it != by_name.end()) {
        index = it->second;
      } else {
        spelling = rel.other_name + ".";
        if (auto dot = by_name.find(spelling); dot != by_name.end()) {
          index = dot->second;
        }
      }
      if (index < 0) continue;
      if (!spelling.empty()) rel.other_name = std::move(spelling);
      resolved.emplace_back(&rel, index);
    }
  }
  for (auto& [rel, index] : resolved) {
    rel->other_source_id =
        document.parties[static_cast<size_t>(index)].source_id;
  }
}

// --- The legacy CSV set ----------------------------------------------------

namespace {

namespace fs = std::filesystem;

// A field as published: Windows-1252 decoded when not UTF-8, trimmed, and
// OFAC's "-0-" (empty) mapped to "".
std::string Clean(const std::string& field) {
  std::string_view view = TrimAscii(field);
  if (view == "-0-") return "";
  if (text::IsValidUtf8(view)) return std::string(view);
  return text::Windows1252ToUtf8(view);
}

std::string Where(const CsvReader& reader, const CsvRecord& record) {
  return reader.name() + " line " + std::to_string(record.line) + ": ";
}

Result<void> CheckFields(const CsvReader& reader, const CsvRecord& record,
                         size_t expected) {
  if (record.fields.size() != expected) {
    return Fail(ErrorCode::kParse,
                Where(reader, record) + "expected " + std::to_string(expected) +
                    " fields, found " + std::to_string(record.fields.size()));
  }
  return Ok();
}

Result<std::string> EntityNumber(const CsvReader& reader,
                                 const CsvRecord& record) {
  std::string id(TrimAscii(record.fields[0]));
  if (!AllDigits(id)) {
    return Fail(ErrorCode::kParse,
                Where(reader, record) + "ent_num '" + id + "' is not a number");
  }
  return id;
}

PartyType LegacyPartyType(std::string_view sdn_type) {
  const std::string lower = AsciiLower(sdn_type);
  if (lower == "individual") return PartyType::kPerson;
  if (lower == "vessel") return PartyType::kVessel;
  if (lower == "aircraft") return PartyType::kAircraft;
  return PartyType::kEntity;  // "-0-": OFAC's entities carry no type
}

// "SDGT] [IRGC" / "[SDGT] [IFSR]" -> {"SDGT", "IRGC"}.
std::vector<std::string> SplitPrograms(std::string_view field) {
  std::vector<std::string> programs;
  std::string current;
  auto flush = [&] {
    const std::string_view program = TrimAscii(current);
    if (!program.empty() && std::find(programs.begin(), programs.end(),
                                      program) == programs.end()) {
      programs.emplace_back(program);
    }
    current.clear();
  };
  for (char c : field) {
    if (c == '[' || c == ']') {
      flush();
    } else {
      current.push_back(c);
    }
  }
  flush();
  return programs;
}

// Reads every record of `path`, calling `row` for each; reports progress.
template <typename RowFn>
Result<void> ForEachRecord(const std::string& path, const ParseOptions& options,
                           std::int64_t done_before, std::int64_t total,
                           RowFn&& row) {
  auto reader = CsvReader::Open(path);
  if (!reader) return std::unexpected(reader.error());
  CsvRecord record;
  long count = 0;
  for (;;) {
    auto more = (*reader)->Next(record);
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    // A lone empty field is a blank line (or the SUB byte's line).
    if (record.fields.size() == 1 && TrimAscii(record.fields[0]).empty())
      continue;
    if (auto r = row(**reader, record); !r) return r;
    if (options.progress && ++count % 4096 == 0) {
      options.progress(done_before + (*reader)->input().consumed(), total);
    }
  }
  if (options.progress) {
    options.progress(done_before + (*reader)->input().consumed(), total);
  }
  return Ok();
}

}  // namespace

Result<void> ParseOfacLegacySet(const Paths& paths, const ParseOptions& options,
                                const OfacLegacyLayout& layout,
                                ParsedSource& out) {
  if (paths.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "legacy CSV set with no files");
  }
  std::string address_path, alias_path, comments_path;
  std::int64_t total = 0;
  for (size_t i = 0; i < paths.size(); ++i) {
    std::error_code ec;
    total += static_cast<std::int64_t>(fs::file_size(paths[i], ec));
    if (i == 0) continue;
    const std::string base = AsciiLower(fs::path(paths[i]).filename().string());
    if (base == layout.address_file) {
      address_path = paths[i];
    } else if (base == layout.alias_file) {
      alias_path = paths[i];
    } else if (base == layout.comments_file) {
      comments_path = paths[i];
    } else {
      return Fail(ErrorCode::kInvalidArgument,
                  paths[i] + ": not a member of an OFAC legacy CSV set (" +
                      std::string(layout.main_file) + " goes with " +
                      std::string(layout.address_file) + ", " +
                      std::string(layout.alias_file) + " and " +
                      std::string(layout.comments_file) + ")");
    }
  }

  ListDocument document;
  document.code = std::string(layout.list_code);
  document.name = std::string(layout.list_name);
  document.publisher = "U.S. Treasury OFAC";
  // The legacy CSV files state no publication date.
  std::unordered_map<std::string, size_t> index;
  // OFAC cuts Remarks cells at 1,000 characters and continues them in the
  // comments file: ids whose cell is full, with the line, until continued.
  constexpr size_t kRemarksCellLimit = 1000;
  std::unordered_map<std::string, long> cut_remarks;
  std::int64_t done = 0;

  auto main_row = [&](const CsvReader& reader,
                      const CsvRecord& record) -> Result<void> {
    if (auto r = CheckFields(reader, record, 12); !r) return r;
    auto id = EntityNumber(reader, record);
    if (!id) return std::unexpected(id.error());
    if (index.contains(*id)) {
      return Fail(ErrorCode::kParse,
                  Where(reader, record) + "ent_num " + *id + " listed twice");
    }
    const std::vector<std::string>& f = record.fields;
    Party party;
    party.source_id = *id;
    party.type = LegacyPartyType(Clean(f[2]));
    const std::string name = Clean(f[1]);
    if (name.empty()) {
      return Fail(ErrorCode::kParse,
                  Where(reader, record) + "ent_num " + *id + " has no name");
    }
    party.names.push_back(
        MakeName(party.type, name, AliasStrength::kPrimary, ""));
    party.programs = SplitPrograms(Clean(f[3]));
    static constexpr std::array<std::string_view, 7> kColumns = {
        "title",
        "call_sign",
        "vessel_type",
        "tonnage",
        "gross_registered_tonnage",
        "vessel_flag",
        "vessel_owner"};
    for (size_t c = 0; c < kColumns.size(); ++c) {
      std::string value = Clean(f[4 + c]);
      if (!value.empty()) party.attributes.emplace_back(kColumns[c], value);
    }
    party.remarks = Clean(f[11]);
    if (f[11].size() >= kRemarksCellLimit) {
      cut_remarks.emplace(party.source_id, record.line);
    }
    index.emplace(party.source_id, document.parties.size());
    document.parties.push_back(std::move(party));
    return Ok();
  };
  if (auto r = ForEachRecord(paths[0], options, done, total, main_row); !r) {
    return r;
  }

  auto find_party = [&](const CsvReader& reader, const CsvRecord& record,
                        std::string_view what) -> Result<Party*> {
    auto id = EntityNumber(reader, record);
    if (!id) return std::unexpected(id.error());
    auto it = index.find(*id);
    if (it == index.end()) {
      return Fail(ErrorCode::kParse, Where(reader, record) + std::string(what) +
                                         " for ent_num " + *id + ", which " +
                                         std::string(layout.main_file) +
                                         " does not list");
    }
    return &document.parties[it->second];
  };
  auto done_with = [&](const std::string& path) {
    std::error_code ec;
    done += static_cast<std::int64_t>(fs::file_size(path, ec));
  };
  done_with(paths[0]);

  if (!comments_path.empty()) {
    // A comment row continues the Remarks cell where sdn.csv cut it off,
    // often mid-word: append it as is.
    auto row = [&](const CsvReader& reader,
                   const CsvRecord& record) -> Result<void> {
      if (auto r = CheckFields(reader, record, 2); !r) return r;
      auto party = find_party(reader, record, "comment");
      if (!party) return std::unexpected(party.error());
      cut_remarks.erase((*party)->source_id);
      std::string_view text = record.fields[1];
      if (TrimAscii(text) == "-0-") return Ok();
      while (!text.empty() &&
             std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
      }
      (*party)->remarks += text::IsValidUtf8(text)
                               ? std::string(text)
                               : text::Windows1252ToUtf8(text);
      return Ok();
    };
    if (auto r = ForEachRecord(comments_path, options, done, total, row); !r) {
      return r;
    }
    done_with(comments_path);
  }

  if (!address_path.empty()) {
    auto row = [&](const CsvReader& reader,
                   const CsvRecord& record) -> Result<void> {
      if (auto r = CheckFields(reader, record, 6); !r) return r;
      auto party = find_party(reader, record, "address");
      if (!party) return std::unexpected(party.error());
      if (!AllDigits(TrimAscii(record.fields[1]))) {
        return Fail(ErrorCode::kParse, Where(reader, record) + "Add_num '" +
                                           record.fields[1] +
                                           "' is not a number");
      }
      Address address;
      address.street = Clean(record.fields[2]);
      address.city = Clean(record.fields[3]);
      address.country_name = Clean(record.fields[4]);
      address.country = OfacCountryCode(address.country_name);
      const std::string remarks = Clean(record.fields[5]);
      // OFAC writes a row of "-0-" for parties whose address is unknown;
      // it carries nothing to screen.
      if (address.street.empty() && address.city.empty() &&
          address.country_name.empty() && remarks.empty()) {
        return Ok();
      }
      for (const std::string* part :
           {&std::as_const(address.street), &std::as_const(address.city),
            &std::as_const(address.country_name), &remarks}) {
        if (part->empty()) continue;
        if (!address.full.empty()) address.full += ", ";
        address.full += *part;
      }
      (*party)->addresses.push_back(std::move(address));
      return Ok();
    };
    if (auto r = ForEachRecord(address_path, options, done, total, row); !r) {
      return r;
    }
    done_with(address_path);
  }

  if (!alias_path.empty()) {
    auto row = [&](const CsvReader& reader,
                   const CsvRecord& record) -> Result<void> {
      if (auto r = CheckFields(reader, record, 5); !r) return r;
      auto party = find_party(reader, record, "alias");
      if (!party) return std::unexpected(party.error());
      const std::string alt_type = AsciiLower(Clean(record.fields[2]));
      const std::string alt_name = Clean(record.fields[3]);
      if (alt_name.empty()) {
        return Fail(ErrorCode::kParse,
                    Where(reader, record) + "alias without a name");
      }
      AliasStrength strength = AliasStrength::kStrong;
      std::string alias_type;
      if (alt_type == "aka") {
        alias_type = "A.K.A.";
      } else if (alt_type == "fka") {
        strength = AliasStrength::kFormerly;
        alias_type = "F.K.A.";
      } else if (alt_type == "nka") {
        alias_type = "N.K.A.";
      } else {
        return Fail(ErrorCode::kParse, Where(reader, record) + "alt_type '" +
                                           alt_type +
                                           "' is not aka, fka or nka");
      }
      (*party)->names.push_back(
          MakeName((*party)->type, alt_name, strength, alias_type));
      return Ok();
    };
    if (auto r = ForEachRecord(alias_path, options, done, total, row); !r) {
      return r;
    }
  }

  for (Party& party : document.parties) {
    ApplyOfacRemarks(party.remarks, party);
    if (auto cut = cut_remarks.find(party.source_id);
        cut != cut_remarks.end()) {
      out.warnings.push_back(
          paths[0] + " line " + std::to_string(cut->second) +
          ": remarks of ent_num " + party.source_id + " stop at OFAC's " +
          std::to_string(kRemarksCellLimit) + "-character cell limit and no " +
          std::string(layout.comments_file) +
          " continues them; a fact cut off at the end is not extracted");
    }
  }
  ResolveLinkedNames(document);
  out.lists.push_back(std::move(document));
  return Ok();
}

}  // namespace clearance::lists::internal
