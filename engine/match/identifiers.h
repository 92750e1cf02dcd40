// Identifier recognition, validation and canonical forms: digital-currency
// addresses (per chain), LEI (ISO 17442, with its check digits), Chinese
// Unified Social Credit Code (GB 32100-2015, with its check character), IMO
// ship numbers (with check digit), passports and national ids.
//
// Canonical forms decide equality: Ethereum-style hex and Bitcoin bech32
// addresses compare case-insensitively (lower-cased), base58 addresses
// (Bitcoin legacy, Tron, Solana, ...) exactly; LEI/USCC/IMO upper-case
// without separators; document numbers upper-case with spaces, dashes and
// dots removed.
//
// Thread safety: all functions are pure.
#ifndef CLEARANCE_ENGINE_MATCH_IDENTIFIERS_H_
#define CLEARANCE_ENGINE_MATCH_IDENTIFIERS_H_

#include <string>
#include <string_view>
#include <vector>

namespace clearance::match {

struct IdentifierGuess {
  // Canonical identifier type (see lists::Identifier::type): "crypto_address",
  // "lei", "uscc", "imo", "swift_bic", "passport_or_id", "unknown".
  std::string type;
  // For crypto: the chain family, e.g. "BTC" (base58/bech32), "ETH" (EVM hex,
  // also USDT/USDC on Ethereum, BSC, ARB, ETC), "TRX", "LTC", "BCH", "XMR",
  // "ZEC", "DASH", "XRP", "SOL", "XVG", "BSV", "BTG".
  std::vector<std::string> chains;
  std::string canonical;  // the comparison form
  bool checksum_valid = false;  // when the format has a checksum and it held
  std::string note;  // e.g. "LEI check digits fail (expected 42)"
};

// Recognises what `value` is, as well as its format allows. A value that
// fits no known format gives type "passport_or_id" (document numbers) or
// "unknown" (text), with a canonical form still computed.
IdentifierGuess RecognizeIdentifier(std::string_view value);

// The canonical comparison form of `value` when it is an identifier of
// `type` (a lists::Identifier type) with `currency` (crypto ticker or "").
std::string CanonicalIdentifier(std::string_view type, std::string_view currency,
                                std::string_view value);

bool IsValidLei(std::string_view lei);    // 20 chars, ISO 7064 mod 97-10
bool IsValidUscc(std::string_view uscc);  // 18 chars, GB 32100-2015
bool IsValidImo(std::string_view imo);    // "IMO 9176187" or "9176187"

}  // namespace clearance::match

#endif  // CLEARANCE_ENGINE_MATCH_IDENTIFIERS_H_
