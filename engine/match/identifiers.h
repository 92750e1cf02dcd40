// Identifier recognition, validation and canonical forms: digital-currency
// addresses (per chain), LEI (ISO 17442, with its check digits), Chinese
// Unified Social Credit Code (GB 32100-2015, with its check character), IMO
// ship numbers (with check digit), passports and national ids.
//
// Canonical forms decide equality (CanonicalIdentifier; every rule trims
// surrounding white space first):
//   crypto_address  EVM hex (0x + 40 hex) -> lower-case; bech32/bech32m
//                   (bc1, ltc1, zs1, bnb1) -> lower-case; Bitcoin Cash
//                   CashAddr -> lower-case without the "bitcoincash:" prefix;
//                   everything else (base58: BTC legacy, LTC legacy, TRX, SOL,
//                   XRP, XMR, ZEC t-addr, DASH, XVG, ...) -> exact, because
//                   base58 is case-sensitive ("1A1z..." != "1a1z...").
//                   The format decides, not the currency ticker.
//   lei, uscc, swift_bic, passport, national_id, tax_id, registration,
//   passport_or_id  -> upper-case with spaces, dashes, dots and slashes
//                   removed ("ab-12.34/5" -> "AB12345").
//   imo             -> the same, and without the "IMO" prefix ("IMO 9176187"
//                   -> "9176187").
//   anything else   (mmsi, email, website, phone, aircraft_tail, other,
//                   unknown) -> store::NormalizeIdentifier's rule: ASCII
//                   lower-case, white space removed.
// A screening query should be looked up under RecognizeIdentifier(v).canonical
// and, when the guess is not crypto, also under the trimmed value itself and
// its lower-case form: list entries the recogniser does not know (e.g. a
// 64-hex "address" listed under XMR, or a document number listed as "other")
// are stored under their type's rule.
//
// Thread safety: all functions are pure.
#ifndef CLEARANCE_ENGINE_MATCH_IDENTIFIERS_H_
#define CLEARANCE_ENGINE_MATCH_IDENTIFIERS_H_

#include <array>
#include <cstdint>
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
  // "ZEC", "DASH", "XRP", "SOL", "XVG", "BSV", "BTG", "BNB" (Binance Chain
  // bnb1...), "DOGE". Several when the format is shared: a 1.../3... address
  // gives {"BTC", "BCH", "BSV"}, a D... address {"XVG", "DOGE"}.
  std::vector<std::string> chains;
  std::string canonical;  // the comparison form
  // True only when the format carries a checksum and it held. False for a
  // failed checksum (the type is still reported: a corrupted address is
  // still screened) and for formats without one (single-case EVM hex,
  // Solana keys, passports, BICs).
  bool checksum_valid = false;
  std::string note;  // e.g. "LEI check digits fail (expected 42)"
};

// Recognises what `value` is, as well as its format allows. A value that
// fits no known format gives type "passport_or_id" (document numbers) or
// "unknown" (text), with a canonical form still computed.
// Order: crypto formats (EVM hex, CashAddr, bech32, Monero, base58check by
// version byte, XRP, and Solana only when nothing else fits), then LEI
// (18 alphanumerics + 2 digits), USCC, IMO ("IMO" + 7 digits, or 7 bare
// digits whose check digit holds), SWIFT/BIC (upper-case input only, with an
// ISO country code in positions 5-6), document numbers (alphanumerics with at
// least one digit, at most 64), unknown. A few microseconds per call.
IdentifierGuess RecognizeIdentifier(std::string_view value);

// The canonical comparison form of `value` when it is an identifier of
// `type` (a lists::Identifier type) with `currency` (crypto ticker or "").
std::string CanonicalIdentifier(std::string_view type,
                                std::string_view currency,
                                std::string_view value);

bool IsValidLei(std::string_view lei);    // 20 chars, ISO 7064 mod 97-10
bool IsValidUscc(std::string_view uscc);  // 18 chars, GB 32100-2015
bool IsValidImo(std::string_view imo);    // "IMO 9176187" or "9176187"

// --- Building blocks, exposed for tests and other modules ------------------

// Keccak-256 as Ethereum uses it (original Keccak padding 0x01, not the
// SHA3-256 padding 0x06).
std::array<std::uint8_t, 32> Keccak256(std::string_view bytes);

// True when `address` is "0x" + 40 hex digits whose letter case follows
// EIP-55 (a single-case address carries no checksum and gives false unless
// it happens to match, i.e. has no letters).
bool Eip55ChecksumHolds(std::string_view address);

enum class Bech32Variant { kNone, kBech32, kBech32m };
// Which checksum (BIP-173 bech32 or BIP-350 bech32m) a bech32 string of any
// human-readable part satisfies; kNone when neither or the string is malformed.
Bech32Variant Bech32ChecksumVariant(std::string_view value);

}  // namespace clearance::match

#endif  // CLEARANCE_ENGINE_MATCH_IDENTIFIERS_H_
