#include "engine/lists/crypto_address_list.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

namespace clearance::lists::internal {

Result<std::string> CurrencyOfFile(const std::string& path) {
  const std::string stem = std::filesystem::path(path).stem().string();
  constexpr std::string_view kPrefix = "sanctioned_addresses_";
  std::string currency;
  if (stem.size() > kPrefix.size() &&
      std::equal(kPrefix.begin(), kPrefix.end(), stem.begin(),
                 [](char a, char b) {
                   return a == std::tolower(static_cast<unsigned char>(b));
                 })) {
    currency = stem.substr(kPrefix.size());
  }
  for (char c : currency) {
    if (!std::isalnum(static_cast<unsigned char>(c))) currency.clear();
  }
  if (currency.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                path +
                    ": expected a file named sanctioned_addresses_<CUR>."
                    "txt or .json (the currency comes from the name)");
  }
  return currency;
}

std::string AddressProblem(const std::string& text) {
  if (text.empty()) return "empty address";
  if (text.size() > 200) return "longer than 200 characters";
  for (char c : text) {
    if (c <= ' ' || c > '~') {
      return "not an address (space or non-ASCII character)";
    }
  }
  return "";
}

ListDocument PerCurrencyAddressList(const std::vector<CurrencyAddress>& items) {
  ListDocument document;
  document.code = "OFAC-SDN-CRYPTO";
  document.name = "OFAC SDN digital currency addresses (mirror)";
  document.publisher = "brave-intl mirror of OFAC SDN";
  std::map<std::string, size_t, std::less<>> index;  // address -> party
  for (const CurrencyAddress& item : items) {
    auto [it, inserted] = index.emplace(item.address, document.parties.size());
    if (inserted) {
      Party party;
      party.source_id = item.address;
      party.type = PartyType::kUnknown;
      document.parties.push_back(std::move(party));
    }
    Party& party = document.parties[it->second];
    bool seen = false;
    for (const Identifier& id : party.identifiers) {
      seen = seen || id.currency == item.currency;
    }
    if (seen) continue;
    Identifier id;
    id.type = "crypto_address";
    id.label = "Digital Currency Address - " + item.currency;
    id.currency = item.currency;
    id.value = item.address;
    party.identifiers.push_back(std::move(id));
  }
  for (Party& party : document.parties) {
    std::string currencies;
    for (const Identifier& id : party.identifiers) {
      if (!currencies.empty()) currencies += "/";
      currencies += id.currency;
    }
    Name name;
    name.full = currencies + " address " + party.source_id;
    name.script = "Latn";
    name.strength = AliasStrength::kPrimary;
    party.names.push_back(std::move(name));
  }
  return document;
}

}  // namespace clearance::lists::internal
