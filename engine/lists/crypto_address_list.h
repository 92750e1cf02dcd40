// Internal: the per-currency digital-currency address lists shared by the
// text and JSON-array parsers (brave-intl's mirror of the OFAC SDN digital
// currency addresses: sanctioned_addresses_<CUR>.txt / .json, one file per
// currency, together one list).
//
// Mapping (list "OFAC-SDN-CRYPTO"): one Party per distinct address string
// (letter case as published). An address listed under several currencies
// (an Ethereum address under ETH and USDT) is one party with one identifier
// per currency, so screening an address gives one hit and adding a currency
// later is a change, not a new party. source_id is the address itself.
// The mirror names no owner, so the party has type kUnknown and one
// synthetic primary name "<CUR>[/<CUR2>...] address <address>" (script
// "Latn") so that lists and hits stay displayable; the address itself is in
// an Identifier{type "crypto_address", currency, value}.
#ifndef CLEARANCE_ENGINE_LISTS_CRYPTO_ADDRESS_LIST_H_
#define CLEARANCE_ENGINE_LISTS_CRYPTO_ADDRESS_LIST_H_

#include <string>
#include <vector>

#include "engine/common/error.h"
#include "engine/lists/model.h"

namespace clearance::lists::internal {

struct CurrencyAddress {
  std::string currency;  // ticker from the file name, e.g. "XBT"
  std::string address;   // as published
};

// "XBT" for ".../sanctioned_addresses_XBT.txt"; kInvalidArgument naming the
// file when the name does not follow sanctioned_addresses_<CUR>.<ext>.
Result<std::string> CurrencyOfFile(const std::string& path);

// Checks that `text` looks like one address: 1..200 printable ASCII
// characters without spaces. Returns "" if fine, else what is wrong.
std::string AddressProblem(const std::string& text);

// Builds the list document from addresses in file order (see the mapping
// above). Repeats of one (currency, address) pair are dropped.
ListDocument PerCurrencyAddressList(const std::vector<CurrencyAddress>& items);

}  // namespace clearance::lists::internal

#endif  // CLEARANCE_ENGINE_LISTS_CRYPTO_ADDRESS_LIST_H_
