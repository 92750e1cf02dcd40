// Clearance's own list format ("clearance_list": 1), for providers' internal
// lists and the demo data; the JSON Schema is
// docs/schemas/clearance-list.schema.json and its fields mirror model.h.
//
// The reader is strict, because a typo in a hand-written list must not
// silently drop a restricted party: unknown fields, wrong types, missing
// required fields (code, parties, id, names with a full name, identifier
// type and value, relationship type), unknown enum words, malformed dates
// and country codes, and relationships to ids not in the list are errors
// naming the JSON path, e.g. "parties[3].names[0]: unknown field 'fulll'".
// Defaults: party type "unknown"; names[0] "primary", later names "strong";
// a name's script is detected (text::DetectScript) when absent; an
// address's country is derived from country_name when absent.
// Duplicate party ids are rejected by ParseSource.
#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/lists/input.h"
#include "engine/lists/parsers.h"
#include "engine/reference/reference.h"
#include "engine/text/script.h"

namespace clearance::lists::internal {
namespace {

using json = nlohmann::json;
using Keys = std::initializer_list<std::string_view>;

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

bool IsDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

// "1962", "1962-03", "1962-03-25", or a range "1960/1962".
bool IsIsoDate(std::string_view text) {
  if (const size_t slash = text.find('/'); slash != std::string_view::npos) {
    return IsIsoDate(text.substr(0, slash)) &&
           IsIsoDate(text.substr(slash + 1));
  }
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) return false;
  if (!IsDigits(text.substr(0, 4))) return false;
  if (text.size() >= 7 && (text[4] != '-' || !IsDigits(text.substr(5, 2)))) {
    return false;
  }
  if (text.size() == 10 && (text[7] != '-' || !IsDigits(text.substr(8, 2)))) {
    return false;
  }
  return true;
}

bool IsCountryCode(std::string_view text) {
  return text.size() == 2 &&
         std::isupper(static_cast<unsigned char>(text[0])) &&
         std::isupper(static_cast<unsigned char>(text[1]));
}

bool IsScriptCode(std::string_view text) {
  return text.size() == 4 &&
         std::isupper(static_cast<unsigned char>(text[0])) &&
         std::all_of(text.begin() + 1, text.end(), [](char c) {
           return std::islower(static_cast<unsigned char>(c)) != 0;
         });
}

// Walks the document keeping the first error; callers check failed() and
// stop. Every error names the JSON path.
class Walker {
 public:
  explicit Walker(std::string file) : file_(std::move(file)) {}

  bool failed() const { return error_.has_value(); }
  Error error() const { return *error_; }

  void Fail(const std::string& path, const std::string& what) {
    if (error_) return;
    error_.emplace(ErrorCode::kParse,
                   file_ + ": " + (path.empty() ? what : path + ": " + what));
  }

  // Requires `value` to be an object with only `allowed` keys.
  bool Object(const json& value, const std::string& path, Keys allowed) {
    if (!value.is_object()) {
      Fail(path, "expected an object");
      return false;
    }
    for (const auto& [key, unused] : value.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        Fail(path, "unknown field '" + key + "'");
        return false;
      }
    }
    return true;
  }

  // The string member `key` of object `value` ("" when absent).
  std::string String(const json& value, const std::string& path,
                     std::string_view key, bool required = false) {
    auto it = value.find(key);
    if (it == value.end() ||
        (it->is_string() && it->get_ref<const std::string&>().empty())) {
      if (required)
        Fail(path, "missing required field '" + std::string(key) + "'");
      return "";
    }
    if (!it->is_string()) {
      Fail(Join(path, key), "expected a string");
      return "";
    }
    return it->get<std::string>();
  }

  // The array member `key` (nullptr when absent or on error).
  const json* Array(const json& value, const std::string& path,
                    std::string_view key) {
    auto it = value.find(key);
    if (it == value.end()) return nullptr;
    if (!it->is_array()) {
      Fail(Join(path, key), "expected an array");
      return nullptr;
    }
    return &*it;
  }

  std::vector<std::string> Strings(const json& value, const std::string& path,
                                   std::string_view key) {
    std::vector<std::string> out;
    const json* array = Array(value, path, key);
    if (array == nullptr) return out;
    for (size_t i = 0; i < array->size(); ++i) {
      const json& item = (*array)[i];
      if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
        Fail(Index(Join(path, key), i), "expected a non-empty string");
        return {};
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

 private:
  std::string file_;
  std::optional<Error> error_;
};

Name ReadName(Walker& w, const json& value, const std::string& path,
              bool first) {
  Name name;
  if (!w.Object(
          value, path,
          {"full", "strength", "script", "alias_type", "language", "parts"})) {
    return name;
  }
  name.full = w.String(value, path, "full", true);
  name.script = w.String(value, path, "script");
  if (!name.script.empty() && !IsScriptCode(name.script)) {
    w.Fail(
        Join(path, "script"),
        "expected an ISO 15924 code like 'Latn', found '" + name.script + "'");
  }
  if (name.script.empty()) name.script = text::DetectScript(name.full);
  name.alias_type = w.String(value, path, "alias_type");
  name.language = w.String(value, path, "language");
  const std::string strength = w.String(value, path, "strength");
  if (strength.empty()) {
    name.strength = first ? AliasStrength::kPrimary : AliasStrength::kStrong;
  } else if (strength == "primary" || strength == "strong" ||
             strength == "formerly" || strength == "weak") {
    name.strength = ParseAliasStrength(strength);
  } else {
    w.Fail(
        Join(path, "strength"),
        "expected primary, strong, formerly or weak, found '" + strength + "'");
  }
  if (first && name.strength != AliasStrength::kPrimary) {
    w.Fail(Join(path, "strength"), "names[0] is the primary name");
  } else if (!first && name.strength == AliasStrength::kPrimary) {
    w.Fail(Join(path, "strength"),
           "only names[0] is primary; use strong, formerly or weak");
  }
  if (const json* parts = w.Array(value, path, "parts")) {
    for (size_t i = 0; i < parts->size() && !w.failed(); ++i) {
      const std::string at = Index(Join(path, "parts"), i);
      if (!w.Object((*parts)[i], at, {"type", "value"})) break;
      name.parts.push_back({w.String((*parts)[i], at, "type", true),
                            w.String((*parts)[i], at, "value", true)});
    }
  }
  return name;
}

Address ReadAddress(Walker& w, const json& value, const std::string& path) {
  Address a;
  if (!w.Object(value, path,
                {"full", "street", "city", "state_province", "postal_code",
                 "region", "country", "country_name"})) {
    return a;
  }
  a.full = w.String(value, path, "full");
  a.street = w.String(value, path, "street");
  a.city = w.String(value, path, "city");
  a.state_province = w.String(value, path, "state_province");
  a.postal_code = w.String(value, path, "postal_code");
  a.region = w.String(value, path, "region");
  a.country = w.String(value, path, "country");
  a.country_name = w.String(value, path, "country_name");
  if (!a.country.empty() && !IsCountryCode(a.country)) {
    w.Fail(Join(path, "country"),
           "expected an ISO 3166-1 alpha-2 code like 'CN', found '" +
               a.country + "'");
  }
  if (a.country.empty() && !a.country_name.empty()) {
    a.country = reference::CountryCodeFor(a.country_name);
  }
  if (a.full.empty()) {
    for (const std::string* part : {&a.street, &a.city, &a.state_province,
                                    &a.postal_code, &a.country_name}) {
      if (part->empty()) continue;
      if (!a.full.empty()) a.full += ", ";
      a.full += *part;
    }
    if (a.full.empty()) a.full = a.country;
  }
  if (a.full.empty()) w.Fail(path, "empty address");
  return a;
}

Identifier ReadIdentifier(Walker& w, const json& value,
                          const std::string& path) {
  static constexpr std::string_view kTypes[] = {
      "passport",      "national_id", "tax_id",  "lei",       "uscc",
      "registration",  "imo",         "mmsi",    "swift_bic", "crypto_address",
      "aircraft_tail", "email",       "website", "phone",     "other"};
  Identifier id;
  if (!w.Object(value, path,
                {"type", "label", "value", "country", "currency", "issued",
                 "expires", "note"})) {
    return id;
  }
  id.type = w.String(value, path, "type", true);
  if (!id.type.empty() && std::find(std::begin(kTypes), std::end(kTypes),
                                    id.type) == std::end(kTypes)) {
    w.Fail(Join(path, "type"), "unknown identifier type '" + id.type +
                                   "' (see docs/schemas/"
                                   "clearance-list.schema.json)");
  }
  id.label = w.String(value, path, "label");
  id.value = w.String(value, path, "value", true);
  id.country = w.String(value, path, "country");
  id.currency = w.String(value, path, "currency");
  id.issued = w.String(value, path, "issued");
  id.expires = w.String(value, path, "expires");
  id.note = w.String(value, path, "note");
  if (!id.country.empty() && !IsCountryCode(id.country)) {
    w.Fail(Join(path, "country"), "expected an ISO 3166-1 alpha-2 code");
  }
  for (auto [key, date] :
       {std::pair{"issued", &id.issued}, std::pair{"expires", &id.expires}}) {
    if (!date->empty() && !IsIsoDate(*date)) {
      w.Fail(Join(path, key), "expected an ISO date, found '" + *date + "'");
    }
  }
  if (id.type == "crypto_address" && id.currency.empty()) {
    w.Fail(path, "crypto_address needs a 'currency'");
  }
  return id;
}

Party ReadParty(Walker& w, const json& value, const std::string& path) {
  Party party;
  if (!w.Object(value, path,
                {"id", "type", "names", "addresses", "identifiers", "programs",
                 "dates_of_birth", "places_of_birth", "nationalities",
                 "citizenships", "relationships", "remarks", "attributes"})) {
    return party;
  }
  party.source_id = w.String(value, path, "id", true);
  const std::string type = w.String(value, path, "type");
  party.type = ParsePartyType(type);
  if (!type.empty() && type != "unknown" && party.type == PartyType::kUnknown) {
    w.Fail(Join(path, "type"),
           "expected entity, person, vessel, aircraft or unknown, found '" +
               type + "'");
  }
  const json* names = w.Array(value, path, "names");
  if (names == nullptr || names->empty()) {
    w.Fail(path, "missing required field 'names' (at least one name)");
  } else {
    for (size_t i = 0; i < names->size() && !w.failed(); ++i) {
      party.names.push_back(
          ReadName(w, (*names)[i], Index(Join(path, "names"), i), i == 0));
    }
  }
  if (const json* list = w.Array(value, path, "addresses")) {
    for (size_t i = 0; i < list->size() && !w.failed(); ++i) {
      party.addresses.push_back(
          ReadAddress(w, (*list)[i], Index(Join(path, "addresses"), i)));
    }
  }
  if (const json* list = w.Array(value, path, "identifiers")) {
    for (size_t i = 0; i < list->size() && !w.failed(); ++i) {
      party.identifiers.push_back(
          ReadIdentifier(w, (*list)[i], Index(Join(path, "identifiers"), i)));
    }
  }
  party.programs = w.Strings(value, path, "programs");
  party.dates_of_birth = w.Strings(value, path, "dates_of_birth");
  for (size_t i = 0; i < party.dates_of_birth.size(); ++i) {
    if (!IsIsoDate(party.dates_of_birth[i])) {
      w.Fail(Index(Join(path, "dates_of_birth"), i),
             "expected an ISO date (YYYY, YYYY-MM, YYYY-MM-DD or a range "
             "a/b), found '" +
                 party.dates_of_birth[i] + "'");
    }
  }
  party.places_of_birth = w.Strings(value, path, "places_of_birth");
  for (auto [key, codes] : {std::pair{"nationalities", &party.nationalities},
                            std::pair{"citizenships", &party.citizenships}}) {
    *codes = w.Strings(value, path, key);
    for (size_t i = 0; i < codes->size(); ++i) {
      if (!IsCountryCode((*codes)[i])) {
        w.Fail(Index(Join(path, key), i),
               "expected an ISO 3166-1 alpha-2 code like 'CN', found '" +
                   (*codes)[i] + "'");
      }
    }
  }
  if (const json* list = w.Array(value, path, "relationships")) {
    for (size_t i = 0; i < list->size() && !w.failed(); ++i) {
      const std::string at = Index(Join(path, "relationships"), i);
      if (!w.Object((*list)[i], at,
                    {"type", "other_id", "other_name", "note"})) {
        break;
      }
      Relationship r;
      r.type = w.String((*list)[i], at, "type", true);
      r.other_source_id = w.String((*list)[i], at, "other_id");
      r.other_name = w.String((*list)[i], at, "other_name");
      r.note = w.String((*list)[i], at, "note");
      if (r.other_source_id.empty() && r.other_name.empty()) {
        w.Fail(at, "needs 'other_id' or 'other_name'");
      }
      party.relationships.push_back(std::move(r));
    }
  }
  party.remarks = w.String(value, path, "remarks");
  if (auto it = value.find("attributes"); it != value.end()) {
    const std::string at = Join(path, "attributes");
    if (!it->is_object()) {
      w.Fail(at, "expected an object of strings");
    } else {
      for (const auto& [key, item] : it->items()) {
        if (!item.is_string()) {
          w.Fail(Join(at, key), "expected a string");
          break;
        }
        party.attributes.emplace_back(key, item.get<std::string>());
      }
    }
  }
  return party;
}

}  // namespace

Result<void> ParseClearanceJson(const Paths& paths, const ParseOptions& options,
                                ParsedSource& out) {
  auto input = InputStream::Open(paths[0]);
  if (!input) return std::unexpected(input.error());
  const std::string file = (*input)->display_name();
  auto content = (*input)->ReadAll();
  if (!content) return std::unexpected(content.error());
  if (options.progress) {
    options.progress((*input)->file_size(), (*input)->file_size());
  }
  const json root = json::parse(*content, nullptr, false);
  if (root.is_discarded()) {
    return Fail(ErrorCode::kParse, file + ": malformed JSON");
  }
  Walker w(file);
  if (!w.Object(root, "",
                {"$schema", "clearance_list", "code", "name", "publisher",
                 "published", "parties"})) {
    return std::unexpected(w.error());
  }
  auto version = root.find("clearance_list");
  if (version == root.end() || !version->is_number_integer() ||
      version->get<long long>() != 1) {
    return Fail(ErrorCode::kUnsupportedFormat,
                file + ": clearance_list: expected format version 1");
  }
  ListDocument document;
  document.code = w.String(root, "", "code", true);
  document.name = w.String(root, "", "name");
  document.publisher = w.String(root, "", "publisher");
  document.published = w.String(root, "", "published");
  if (!document.published.empty() &&
      (document.published.size() != 10 || !IsIsoDate(document.published))) {
    w.Fail("published",
           "expected YYYY-MM-DD, found '" + document.published + "'");
  }
  const json* parties = w.Array(root, "", "parties");
  if (parties == nullptr && !w.failed()) {
    w.Fail("", "missing required field 'parties'");
  }
  for (size_t i = 0; parties != nullptr && i < parties->size() && !w.failed();
       ++i) {
    document.parties.push_back(
        ReadParty(w, (*parties)[i], Index("parties", i)));
  }
  if (w.failed()) return std::unexpected(w.error());
  // Relationships must point at parties of this list.
  std::set<std::string_view> ids;
  for (const Party& party : document.parties) ids.insert(party.source_id);
  for (size_t i = 0; i < document.parties.size(); ++i) {
    const auto& relationships = document.parties[i].relationships;
    for (size_t k = 0; k < relationships.size(); ++k) {
      const std::string& other = relationships[k].other_source_id;
      if (!other.empty() && !ids.contains(other)) {
        w.Fail(Index(Index("parties", i) + ".relationships", k) + ".other_id",
               "no party with id '" + other + "' in this list");
        return std::unexpected(w.error());
      }
    }
  }
  if (document.name.empty()) document.name = document.code;
  out.lists.push_back(std::move(document));
  return Ok();
}

}  // namespace clearance::lists::internal
