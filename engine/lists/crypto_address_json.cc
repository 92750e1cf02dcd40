// Digital-currency address lists in JSON, two shapes:
//
//  1. Per-currency arrays (brave-intl mirror, sanctioned_addresses_<CUR>.json):
//     ["addr", ...]; PlanSources groups a folder's files into one spec; the
//     mapping is in crypto_address_list.h.
//  2. One object keyed by address (thomasgregg mirror,
//     sanctioned-addresses.json):
//       {"metadata": {"sdnListDate": "08/20/2026", ...},
//        "addresses": {"<addr>": {"type": "Digital Currency Address - XBT",
//                                 "entries": [{"entity", "program", "type",
//                                              "uid", "akas": [...]|null}]}}}
//     One Party per SDN entry uid (source_id = the OFAC uid), names = entity
//     (primary) + akas (strong, "a.k.a."), programs split on ",", and one
//     crypto_address Identifier per (address, entry). This mirror lower-cases
//     every address; values are kept as published and Identifier.note says
//     so (matching of addresses must therefore be case-insensitive).
//
// Errors name the file and the JSON path ("addresses.1abc.entries[0]:
// missing string 'uid'").
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/strings.h"
#include "engine/lists/crypto_address_list.h"
#include "engine/lists/input.h"
#include "engine/lists/parsers.h"
#include "engine/text/script.h"

namespace clearance::lists::internal {
namespace {

using json = nlohmann::json;

constexpr std::string_view kLabelPrefix = "Digital Currency Address - ";

const json* Member(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// The string at `key`, or "" when absent or not a string.
std::string StringMember(const json& object, std::string_view key) {
  const json* value = Member(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>()
                                                : "";
}

// "08/20/2026" -> "2026-08-20"; "" when not in that form.
std::string UsDateToIso(std::string_view text) {
  if (text.size() != 10 || text[2] != '/' || text[5] != '/') return "";
  for (size_t i : {0, 1, 3, 4, 6, 7, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return "";
  }
  return std::string(text.substr(6, 4)) + "-" + std::string(text.substr(0, 2)) +
         "-" + std::string(text.substr(3, 2));
}

Result<json> ReadJson(const std::string& path, std::string* display_name) {
  auto input = InputStream::Open(path);
  if (!input) return std::unexpected(input.error());
  *display_name = (*input)->display_name();
  auto content = (*input)->ReadAll();
  if (!content) return std::unexpected(content.error());
  json document = json::parse(*content, nullptr, false);
  if (document.is_discarded()) {
    return Fail(ErrorCode::kParse, *display_name + ": malformed JSON");
  }
  return document;
}

Result<ListDocument> ParseAddressObject(const std::string& file,
                                        const json& root) {
  auto fail = [&](const std::string& where, const std::string& what) {
    return Fail(ErrorCode::kParse, file + ": " + where + ": " + what);
  };
  const json* addresses = Member(root, "addresses");
  if (addresses == nullptr || !addresses->is_object()) {
    return fail("addresses", "expected an object keyed by address");
  }
  ListDocument document;
  document.code = "OFAC-SDN-CRYPTO";
  document.name = "OFAC SDN digital currency addresses (mirror)";
  document.publisher = "thomasgregg mirror of OFAC SDN";
  if (const json* metadata = Member(root, "metadata")) {
    const std::string date = StringMember(*metadata, "sdnListDate");
    document.published = UsDateToIso(date);
    if (!date.empty() && document.published.empty()) {
      return fail("metadata.sdnListDate",
                  "expected MM/DD/YYYY, found '" + date + "'");
    }
  }
  std::map<std::string, size_t> by_uid;  // uid -> index in parties
  for (const auto& [address, record] : addresses->items()) {
    const std::string where = "addresses." + address;
    if (const std::string problem = AddressProblem(address); !problem.empty()) {
      return fail(where, problem);
    }
    const json* entries = Member(record, "entries");
    if (entries == nullptr || !entries->is_array() || entries->empty()) {
      return fail(where, "expected a non-empty array 'entries'");
    }
    for (size_t i = 0; i < entries->size(); ++i) {
      const json& entry = (*entries)[i];
      const std::string at = where + ".entries[" + std::to_string(i) + "]";
      std::string uid = StringMember(entry, "uid");
      if (const json* number = Member(entry, "uid");
          number != nullptr && number->is_number_integer()) {
        uid = std::to_string(number->get<long long>());
      }
      const std::string entity =
          std::string(TrimAscii(StringMember(entry, "entity")));
      std::string label = StringMember(entry, "type");
      if (label.empty()) label = StringMember(record, "type");
      if (uid.empty()) return fail(at, "missing string 'uid'");
      if (entity.empty()) return fail(at, "missing string 'entity'");
      if (!label.starts_with(kLabelPrefix) ||
          label.size() == kLabelPrefix.size()) {
        return fail(at,
                    "expected type 'Digital Currency Address - <CUR>', "
                    "found '" +
                        label + "'");
      }
      auto [it, inserted] = by_uid.emplace(uid, document.parties.size());
      if (inserted) {
        Party party;
        party.source_id = uid;
        party.type = PartyType::kUnknown;
        Name primary;
        primary.full = entity;
        primary.script = text::DetectScript(entity);
        party.names.push_back(std::move(primary));
        if (const json* akas = Member(entry, "akas");
            akas != nullptr && !akas->is_null()) {
          if (!akas->is_array()) return fail(at + ".akas", "expected an array");
          for (size_t k = 0; k < akas->size(); ++k) {
            if (!(*akas)[k].is_string()) {
              return fail(at + ".akas[" + std::to_string(k) + "]",
                          "expected a string");
            }
            Name aka;
            aka.full = std::string(TrimAscii((*akas)[k].get<std::string>()));
            if (aka.full.empty()) continue;
            aka.script = text::DetectScript(aka.full);
            aka.strength = AliasStrength::kStrong;
            aka.alias_type = "a.k.a.";
            party.names.push_back(std::move(aka));
          }
        }
        const std::string programs_text = StringMember(entry, "program");
        size_t start = 0;
        while (start <= programs_text.size()) {
          size_t comma = programs_text.find(',', start);
          if (comma == std::string::npos) comma = programs_text.size();
          std::string program = std::string(TrimAscii(
              std::string_view(programs_text).substr(start, comma - start)));
          if (!program.empty() &&
              std::find(party.programs.begin(), party.programs.end(),
                        program) == party.programs.end()) {
            party.programs.push_back(std::move(program));
          }
          start = comma + 1;
        }
        document.parties.push_back(std::move(party));
      }
      Identifier id;
      id.type = "crypto_address";
      id.label = label;
      id.currency = label.substr(kLabelPrefix.size());
      id.value = address;
      id.note =
          "letter case lowered by the mirror; OFAC's original case may "
          "differ";
      document.parties[it->second].identifiers.push_back(std::move(id));
    }
  }
  // OFAC uids are numbers: order parties by uid, numerically.
  std::stable_sort(document.parties.begin(), document.parties.end(),
                   [](const Party& a, const Party& b) {
                     if (a.source_id.size() != b.source_id.size()) {
                       return a.source_id.size() < b.source_id.size();
                     }
                     return a.source_id < b.source_id;
                   });
  return document;
}

}  // namespace

Result<void> ParseCryptoAddressJson(const Paths& paths,
                                    const ParseOptions& options,
                                    ParsedSource& out) {
  std::vector<CurrencyAddress> items;
  for (size_t p = 0; p < paths.size(); ++p) {
    std::string file;
    auto root = ReadJson(paths[p], &file);
    if (!root) return std::unexpected(root.error());
    if (options.progress) {
      options.progress(static_cast<std::int64_t>(p + 1),
                       static_cast<std::int64_t>(paths.size()));
    }
    if (root->is_object()) {
      if (paths.size() != 1) {
        return Fail(ErrorCode::kParse,
                    file +
                        ": an address object cannot be part of a "
                        "per-currency file set");
      }
      auto document = ParseAddressObject(file, *root);
      if (!document) return std::unexpected(document.error());
      out.lists.push_back(std::move(*document));
      return Ok();
    }
    if (!root->is_array()) {
      return Fail(ErrorCode::kParse,
                  file +
                      ": expected an array of addresses or an object with "
                      "'addresses'");
    }
    auto currency = CurrencyOfFile(paths[p]);
    if (!currency) return std::unexpected(currency.error());
    for (size_t i = 0; i < root->size(); ++i) {
      const json& value = (*root)[i];
      const std::string where = file + ": [" + std::to_string(i) + "]: ";
      if (!value.is_string()) {
        return Fail(ErrorCode::kParse, where + "expected an address string");
      }
      const std::string address =
          std::string(TrimAscii(value.get<std::string>()));
      if (const std::string problem = AddressProblem(address);
          !problem.empty()) {
        return Fail(ErrorCode::kParse, where + problem);
      }
      items.push_back({*currency, address});
    }
  }
  out.lists.push_back(PerCurrencyAddressList(items));
  return Ok();
}

}  // namespace clearance::lists::internal
