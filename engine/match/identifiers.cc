#include "engine/match/identifiers.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/crypto/sha256.h"
#include "engine/text/pattern.h"

namespace clearance::match {
namespace {

using text::Pattern;

// --- Small string helpers ------------------------------------------------

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

char Upper(char c) {
  return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
}
char Lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::string Lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// Upper-case with spaces, dashes, dots and slashes removed: the form of
// document numbers, LEI, USCC, IMO and BIC.
std::string Compact(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (IsSpace(c) || c == '-' || c == '.' || c == '/') continue;
    out += Upper(c);
  }
  return out;
}

// Lower-case with white space removed (store::NormalizeIdentifier's rule).
std::string LowerNoSpace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (IsSpace(c)) continue;
    out += Lower(c);
  }
  return out;
}

bool HasUpper(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return c >= 'A' && c <= 'Z'; });
}
bool HasLower(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return c >= 'a' && c <= 'z'; });
}

// --- Patterns (compiled once) ---------------------------------------------

struct Patterns {
  Pattern evm = Pattern::MustCompile("0[xX][0-9a-fA-F]{40}");
  // CashAddr payload for a 20-byte hash: version byte 0 (q, P2PKH) or 8 (p,
  // P2SH); 42 characters, with or without the "bitcoincash:" prefix.
  Pattern cashaddr = Pattern::MustCompile(
      "(?:bitcoincash:)?[qp][02-9ac-hj-np-z]{41}", /*case_insensitive=*/true);
  Pattern bech32 = Pattern::MustCompile(
      "(bc|ltc|zs|bnb)1[02-9ac-hj-np-z]{6,87}", /*case_insensitive=*/true);
  Pattern monero = Pattern::MustCompile(
      "[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?");
  Pattern base58 = Pattern::MustCompile("[1-9A-HJ-NP-Za-km-z]{25,44}");
  Pattern lei = Pattern::MustCompile("[0-9A-Z]{18}[0-9]{2}");
  Pattern uscc = Pattern::MustCompile(
      "[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}");
  Pattern imo_prefixed = Pattern::MustCompile(R"(IMO[\s:.#-]*([0-9]{7}))",
                                              /*case_insensitive=*/true);
  Pattern seven_digits = Pattern::MustCompile("[0-9]{7}");
  Pattern bic =
      Pattern::MustCompile("[A-Z]{4}([A-Z]{2})[A-Z0-9]{2}(?:[A-Z0-9]{3})?");
  Pattern document = Pattern::MustCompile("[0-9A-Z]*[0-9][0-9A-Z]*");
};

const Patterns& P() {
  static const Patterns* const patterns = new Patterns();
  return *patterns;
}

// Pattern::FullMatch then the first capture group (RE2 has no cheap capture
// on FullMatch through the wrapper, so FindAll on an anchored pattern).
std::optional<std::string_view> FullCapture(const Pattern& p,
                                            std::string_view s) {
  if (!p.FullMatch(s)) return std::nullopt;
  auto all = p.FindAll(s);
  if (all.empty() || all[0].groups.size() < 2) return std::nullopt;
  return all[0].groups[1];
}

// --- Hashes ----------------------------------------------------------------

std::array<std::uint8_t, 32> DoubleSha256(const std::uint8_t* data,
                                          size_t size) {
  crypto::Sha256 first;
  first.Update(std::string_view(reinterpret_cast<const char*>(data), size));
  const auto once = first.Finish();
  crypto::Sha256 second;
  second.Update(std::string_view(reinterpret_cast<const char*>(once.data()),
                                 once.size()));
  return second.Finish();
}

constexpr std::uint64_t kKeccakRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
    0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
    0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
    0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
    0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
    0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
constexpr int kKeccakRotation[24] = {1,  3,  6,  10, 15, 21, 28, 36,
                                     45, 55, 2,  14, 27, 41, 56, 8,
                                     25, 43, 62, 18, 39, 61, 20, 44};
constexpr int kKeccakLane[24] = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                                 15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};

std::uint64_t Rotl(std::uint64_t x, int n) {
  return (x << n) | (x >> (64 - n));
}

void KeccakF1600(std::uint64_t st[25]) {
  for (int round = 0; round < 24; ++round) {
    std::uint64_t bc[5];
    for (int i = 0; i < 5; ++i) {
      bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
    }
    for (int i = 0; i < 5; ++i) {
      const std::uint64_t t = bc[(i + 4) % 5] ^ Rotl(bc[(i + 1) % 5], 1);
      for (int j = 0; j < 25; j += 5) st[j + i] ^= t;
    }
    std::uint64_t t = st[1];
    for (int i = 0; i < 24; ++i) {
      const int j = kKeccakLane[i];
      const std::uint64_t next = st[j];
      st[j] = Rotl(t, kKeccakRotation[i]);
      t = next;
    }
    for (int j = 0; j < 25; j += 5) {
      for (int i = 0; i < 5; ++i) bc[i] = st[j + i];
      for (int i = 0; i < 5; ++i) {
        st[j + i] ^= (~bc[(i + 1) % 5]) & bc[(i + 2) % 5];
      }
    }
    st[0] ^= kKeccakRoundConstants[round];
  }
}

// --- Base58 ----------------------------------------------------------------

constexpr std::string_view kBitcoinAlphabet =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::string_view kXrpAlphabet =
    "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz";

// Big-endian bytes of a base58 string, leading zero digits kept as zero
// bytes; nullopt on a character outside the alphabet.
std::optional<std::vector<std::uint8_t>> Base58Decode(
    std::string_view s, std::string_view alphabet) {
  std::vector<std::uint8_t> out;  // little-endian while accumulating
  out.reserve(s.size());
  size_t zeros = 0;
  while (zeros < s.size() && s[zeros] == alphabet[0]) ++zeros;
  for (char c : s) {
    const size_t digit = alphabet.find(c);
    if (digit == std::string_view::npos) return std::nullopt;
    std::uint32_t carry = static_cast<std::uint32_t>(digit);
    for (auto& byte : out) {
      carry += static_cast<std::uint32_t>(byte) * 58;
      byte = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      out.push_back(static_cast<std::uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  out.insert(out.end(), zeros, 0);
  std::reverse(out.begin(), out.end());
  return out;
}

// True when the last four bytes are the double-SHA-256 checksum of the rest.
bool Base58CheckHolds(const std::vector<std::uint8_t>& bytes) {
  if (bytes.size() < 5) return false;
  const auto digest = DoubleSha256(bytes.data(), bytes.size() - 4);
  return std::memcmp(digest.data(), bytes.data() + bytes.size() - 4, 4) == 0;
}

// Monero's base58: 8-byte blocks encoded as 11 characters, the last partial
// block with the length given by this table (index = decoded bytes).
constexpr int kMoneroEncodedBlockSize[9] = {0, 2, 3, 5, 6, 7, 9, 10, 11};

std::optional<std::vector<std::uint8_t>> MoneroBase58Decode(
    std::string_view s) {
  std::vector<std::uint8_t> out;
  while (!s.empty()) {
    const size_t chars = std::min<size_t>(11, s.size());
    int bytes = -1;
    for (int n = 0; n < 9; ++n) {
      if (kMoneroEncodedBlockSize[n] == static_cast<int>(chars)) bytes = n;
    }
    if (bytes <= 0) return std::nullopt;
    std::uint64_t value = 0;
    for (size_t i = 0; i < chars; ++i) {
      const size_t digit = kBitcoinAlphabet.find(s[i]);
      if (digit == std::string_view::npos) return std::nullopt;
      if (__builtin_mul_overflow(value, std::uint64_t{58}, &value) ||
          __builtin_add_overflow(value, std::uint64_t{digit}, &value)) {
        return std::nullopt;
      }
    }
    if (bytes < 8 && (value >> (8 * bytes)) != 0) return std::nullopt;
    for (int i = bytes - 1; i >= 0; --i) {
      out.push_back(static_cast<std::uint8_t>((value >> (8 * i)) & 0xff));
    }
    s.remove_prefix(chars);
  }
  return out;
}

// --- Bech32 / bech32m / CashAddr --------------------------------------------

constexpr std::string_view kBech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::uint32_t kBech32Const = 1;
constexpr std::uint32_t kBech32mConst = 0x2bc830a3;

std::uint32_t Bech32Polymod(const std::vector<std::uint8_t>& values) {
  constexpr std::uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
                                     0x3d4233dd, 0x2a1462b3};
  std::uint32_t chk = 1;
  for (std::uint8_t v : values) {
    const std::uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGen[i];
    }
  }
  return chk;
}

struct Bech32Decoded {
  Bech32Variant variant = Bech32Variant::kNone;
  std::string hrp;                 // lower-case
  std::vector<std::uint8_t> data;  // 5-bit values, checksum removed
};

Bech32Decoded DecodeBech32(std::string_view s) {
  Bech32Decoded out;
  if (s.size() < 8 || s.size() > 90) return out;
  if (HasUpper(s) && HasLower(s)) return out;
  const size_t sep = s.rfind('1');
  if (sep == std::string_view::npos || sep == 0 || sep + 7 > s.size()) {
    return out;
  }
  std::vector<std::uint8_t> values;
  std::string hrp;
  for (size_t i = 0; i < sep; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 33 || c > 126) return out;
    hrp += Lower(s[i]);
  }
  for (char c : hrp) values.push_back(static_cast<std::uint8_t>(c >> 5));
  values.push_back(0);
  for (char c : hrp) values.push_back(static_cast<std::uint8_t>(c & 31));
  std::vector<std::uint8_t> data;
  for (size_t i = sep + 1; i < s.size(); ++i) {
    const size_t v = kBech32Charset.find(Lower(s[i]));
    if (v == std::string_view::npos) return out;
    data.push_back(static_cast<std::uint8_t>(v));
  }
  values.insert(values.end(), data.begin(), data.end());
  const std::uint32_t residue = Bech32Polymod(values);
  if (residue == kBech32Const) {
    out.variant = Bech32Variant::kBech32;
  } else if (residue == kBech32mConst) {
    out.variant = Bech32Variant::kBech32m;
  } else {
    return out;
  }
  out.hrp = std::move(hrp);
  data.resize(data.size() - 6);
  out.data = std::move(data);
  return out;
}

// Regroups 5-bit values into bytes; false on non-zero or over-long padding.
bool FiveToEight(const std::uint8_t* in, size_t size,
                 std::vector<std::uint8_t>* out) {
  std::uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < size; ++i) {
    acc = (acc << 5) | in[i];
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
    }
  }
  return bits < 5 && ((acc << (8 - bits)) & 0xff) == 0;
}

std::uint64_t CashAddrPolymod(const std::vector<std::uint8_t>& values) {
  std::uint64_t c = 1;
  for (std::uint8_t d : values) {
    const std::uint8_t c0 = static_cast<std::uint8_t>(c >> 35);
    c = ((c & 0x07ffffffffULL) << 5) ^ d;
    if (c0 & 0x01) c ^= 0x98f2bc8e61ULL;
    if (c0 & 0x02) c ^= 0x79b76d99e2ULL;
    if (c0 & 0x04) c ^= 0xf33e5fb3c4ULL;
    if (c0 & 0x08) c ^= 0xae2eabe2a8ULL;
    if (c0 & 0x10) c ^= 0x1e4f43e470ULL;
  }
  return c ^ 1;
}

// `payload` is the lower-case part after "bitcoincash:".
bool CashAddrChecksumHolds(std::string_view payload) {
  std::vector<std::uint8_t> values;
  for (char c : std::string_view("bitcoincash")) {
    values.push_back(static_cast<std::uint8_t>(c & 31));
  }
  values.push_back(0);
  for (char c : payload) {
    const size_t v = kBech32Charset.find(c);
    if (v == std::string_view::npos) return false;
    values.push_back(static_cast<std::uint8_t>(v));
  }
  return CashAddrPolymod(values) == 0;
}

// --- Check digits ------------------------------------------------------------

// ISO 7064 MOD 97-10 of `s` (digits, letters A=10..Z=35); -1 on other chars.
int Mod97(std::string_view s) {
  int rem = 0;
  for (char c : s) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
      rem = (rem * 10 + v) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      v = c - 'A' + 10;
      rem = (rem * 100 + v) % 97;
    } else {
      return -1;
    }
  }
  return rem;
}

constexpr std::string_view kUsccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kUsccWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                  29, 25, 13, 8,  24, 10, 30, 28};

// The GB 32100-2015 check character for the first 17 characters; '\0' when
// a character is outside the charset.
char UsccCheckChar(std::string_view first17) {
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    const size_t v = kUsccCharset.find(first17[i]);
    if (v == std::string_view::npos) return '\0';
    sum += static_cast<int>(v) * kUsccWeights[i];
  }
  return kUsccCharset[(31 - sum % 31) % 31];
}

int ImoCheckDigit(std::string_view six) {
  int sum = 0;
  for (int i = 0; i < 6; ++i) sum += (six[i] - '0') * (7 - i);
  return sum % 10;
}

// ISO 3166-1 alpha-2 codes, plus XK (Kosovo), which SWIFT uses.
constexpr std::string_view kCountryCodes =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI "
    "BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN "
    "CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK "
    "FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM "
    "HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK "
    "ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP "
    "NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW "
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF "
    "TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS XK YE YT ZA ZM ZW";

bool IsCountryCode(std::string_view cc) {
  for (size_t i = 0; i + 2 <= kCountryCodes.size(); i += 3) {
    if (kCountryCodes.substr(i, 2) == cc) return true;
  }
  return false;
}

// --- Crypto recognition ------------------------------------------------------

bool RecognizeEvm(std::string_view v, IdentifierGuess* g) {
  if (!P().evm.FullMatch(v)) return false;
  g->type = "crypto_address";
  g->chains = {"ETH"};
  g->canonical = Lowered(v);
  const std::string_view hex = v.substr(2);
  if (HasUpper(hex) && HasLower(hex)) {
    g->checksum_valid = Eip55ChecksumHolds(v);
    g->note = g->checksum_valid ? "EVM address, EIP-55 checksum holds"
                                : "EVM address, EIP-55 checksum fails";
  } else {
    g->note = "EVM address, single case: no EIP-55 checksum to verify";
  }
  g->note +=
      " (also valid on ETC, BSC, ARB and for ERC-20 tokens such as USDT, USDC)";
  return true;
}

bool RecognizeCashAddr(std::string_view v, IdentifierGuess* g) {
  if (!P().cashaddr.FullMatch(v)) return false;
  if (HasUpper(v) && HasLower(v)) return false;
  std::string lower = Lowered(v);
  std::string_view payload = lower;
  if (payload.starts_with("bitcoincash:")) payload.remove_prefix(12);
  g->type = "crypto_address";
  g->chains = {"BCH"};
  g->canonical = std::string(payload);
  g->checksum_valid = CashAddrChecksumHolds(payload);
  g->note = g->checksum_valid ? "Bitcoin Cash CashAddr, checksum holds"
                              : "Bitcoin Cash CashAddr shape, checksum fails";
  return true;
}

bool RecognizeBech32(std::string_view v, IdentifierGuess* g) {
  const auto hrp_match = FullCapture(P().bech32, v);
  if (!hrp_match) return false;
  if (HasUpper(v) && HasLower(v)) return false;
  const std::string hrp = Lowered(*hrp_match);
  g->type = "crypto_address";
  g->canonical = Lowered(v);
  if (hrp == "bc") {
    g->chains = {"BTC"};
  } else if (hrp == "ltc") {
    g->chains = {"LTC"};
  } else if (hrp == "zs") {
    g->chains = {"ZEC"};
  } else {
    g->chains = {"BNB"};
  }
  const Bech32Decoded d = DecodeBech32(v);
  if (d.variant == Bech32Variant::kNone) {
    g->note = "bech32 shape (" + hrp + "1...), checksum fails";
    return true;
  }
  if (hrp == "bc" || hrp == "ltc") {
    // Segregated witness: version, then the program (BIP-173/350).
    bool ok = !d.data.empty() && d.data[0] <= 16;
    std::vector<std::uint8_t> program;
    if (ok) ok = FiveToEight(d.data.data() + 1, d.data.size() - 1, &program);
    if (ok) ok = program.size() >= 2 && program.size() <= 40;
    if (ok && d.data[0] == 0) ok = program.size() == 20 || program.size() == 32;
    const Bech32Variant want = (ok && d.data[0] == 0) ? Bech32Variant::kBech32
                                                      : Bech32Variant::kBech32m;
    if (ok && d.variant != want) ok = false;
    g->checksum_valid = ok;
    g->note = ok ? "segwit v" + std::to_string(d.data[0]) +
                       (d.variant == Bech32Variant::kBech32 ? " (bech32)"
                                                            : " (bech32m)") +
                       ", checksum holds"
                 : "bech32 checksum holds but not a valid segwit program "
                   "(wrong length, version or bech32/bech32m variant)";
    return true;
  }
  g->checksum_valid = d.variant == Bech32Variant::kBech32;
  g->note = g->checksum_valid ? "bech32, checksum holds"
                              : "bech32m checksum where bech32 is expected";
  return true;
}

bool RecognizeMonero(std::string_view v, IdentifierGuess* g) {
  if (!P().monero.FullMatch(v)) return false;
  g->type = "crypto_address";
  g->chains = {"XMR"};
  g->canonical = std::string(v);
  const auto bytes = MoneroBase58Decode(v);
  if (bytes && bytes->size() > 4) {
    const auto hash = Keccak256(std::string_view(
        reinterpret_cast<const char*>(bytes->data()), bytes->size() - 4));
    g->checksum_valid =
        std::memcmp(hash.data(), bytes->data() + bytes->size() - 4, 4) == 0;
  }
  g->note = g->checksum_valid ? "Monero address, Keccak checksum holds"
                              : "Monero address shape, checksum fails";
  return true;
}

// Chains for a 25-byte base58check payload by its version byte.
std::vector<std::string> ChainsForVersion(std::uint8_t version) {
  switch (version) {
    case 0x00:  // 1... P2PKH
    case 0x05:  // 3... P2SH (also Litecoin's old P2SH)
      return {"BTC", "BCH", "BSV"};
    case 0x26:  // G...
    case 0x17:  // A...
      return {"BTG"};
    case 0x30:  // L...
    case 0x32:  // M...
      return {"LTC"};
    case 0x41:  // T... (Tron)
      return {"TRX"};
    case 0x4c:  // X...
    case 0x10:  // 7...
      return {"DASH"};
    case 0x1e:  // D... (Verge and Dogecoin share it)
      return {"XVG", "DOGE"};
    case 0x16:  // 9/A... Dogecoin P2SH
      return {"DOGE"};
    default:
      return {};
  }
}

bool RecognizeBase58(std::string_view v, IdentifierGuess* g) {
  if (!P().base58.FullMatch(v)) return false;
  // XRP uses its own alphabet (r = version 0).
  if (v.front() == 'r') {
    const auto xrp = Base58Decode(v, kXrpAlphabet);
    if (xrp && xrp->size() == 25 && (*xrp)[0] == 0 && Base58CheckHolds(*xrp)) {
      g->type = "crypto_address";
      g->chains = {"XRP"};
      g->canonical = std::string(v);
      g->checksum_valid = true;
      g->note = "XRP classic address, checksum holds";
      return true;
    }
  }
  const auto bytes = Base58Decode(v, kBitcoinAlphabet);
  if (!bytes) return false;
  const bool check = Base58CheckHolds(*bytes);
  if (bytes->size() == 26 && (*bytes)[0] == 0x1c &&
      ((*bytes)[1] == 0xb8 || (*bytes)[1] == 0xbd)) {
    g->type = "crypto_address";
    g->chains = {"ZEC"};
    g->canonical = std::string(v);
    g->checksum_valid = check;
    g->note = check ? "Zcash transparent address, checksum holds"
                    : "Zcash transparent address shape, checksum fails";
    return true;
  }
  if (bytes->size() == 25) {
    auto chains = ChainsForVersion((*bytes)[0]);
    if (!chains.empty()) {
      g->type = "crypto_address";
      g->chains = std::move(chains);
      g->canonical = std::string(v);
      g->checksum_valid = check;
      g->note = check ? "base58check address, checksum holds"
                      : "base58check address shape, checksum fails";
      return true;
    }
  }
  if (v.front() == 'r') {
    const auto xrp = Base58Decode(v, kXrpAlphabet);
    if (xrp && xrp->size() == 25 && (*xrp)[0] == 0) {
      g->type = "crypto_address";
      g->chains = {"XRP"};
      g->canonical = std::string(v);
      g->note = "XRP classic address shape, checksum fails";
      return true;
    }
  }
  if (bytes->size() == 32 && v.size() >= 32) {
    g->type = "crypto_address";
    g->chains = {"SOL"};
    g->canonical = std::string(v);
    g->note = "base58 32-byte public key (Solana); no checksum to verify";
    return true;
  }
  return false;
}

bool IsDocumentType(std::string_view type) {
  return type == "passport" || type == "national_id" || type == "tax_id" ||
         type == "registration" || type == "passport_or_id" || type == "lei" ||
         type == "uscc" || type == "swift_bic";
}

std::string CanonicalCrypto(std::string_view v) {
  const Patterns& p = P();
  if (p.evm.FullMatch(v)) return Lowered(v);
  if (!(HasUpper(v) && HasLower(v))) {
    if (p.cashaddr.FullMatch(v)) {
      std::string lower = Lowered(v);
      if (lower.starts_with("bitcoincash:")) lower.erase(0, 12);
      return lower;
    }
    if (p.bech32.FullMatch(v)) return Lowered(v);
  }
  return std::string(v);
}

}  // namespace

// --- Public -----------------------------------------------------------------

std::array<std::uint8_t, 32> Keccak256(std::string_view bytes) {
  constexpr size_t kRate = 136;
  std::uint64_t st[25] = {};
  auto absorb = [&st](const std::uint8_t* block) {
    for (size_t i = 0; i < kRate / 8; ++i) {
      std::uint64_t lane = 0;
      for (int b = 7; b >= 0; --b) lane = (lane << 8) | block[i * 8 + b];
      st[i] ^= lane;
    }
    KeccakF1600(st);
  };
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  size_t left = bytes.size();
  while (left >= kRate) {
    absorb(data);
    data += kRate;
    left -= kRate;
  }
  std::uint8_t last[kRate] = {};
  if (left > 0) std::memcpy(last, data, left);
  last[left] ^= 0x01;  // original Keccak padding, not SHA-3's 0x06
  last[kRate - 1] ^= 0x80;
  absorb(last);
  std::array<std::uint8_t, 32> out;
  for (size_t i = 0; i < 32; ++i) {
    out[i] = static_cast<std::uint8_t>(st[i / 8] >> (8 * (i % 8)));
  }
  return out;
}

bool Eip55ChecksumHolds(std::string_view address) {
  if (address.size() != 42 || address[0] != '0' ||
      (address[1] != 'x' && address[1] != 'X')) {
    return false;
  }
  const std::string lower = Lowered(address.substr(2));
  const auto hash = Keccak256(lower);
  for (size_t i = 0; i < 40; ++i) {
    const char c = address[2 + i];
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    if (c >= '0' && c <= '9') continue;
    const int nibble = (i % 2 == 0) ? (hash[i / 2] >> 4) : (hash[i / 2] & 0xf);
    const bool want_upper = nibble >= 8;
    if (want_upper != (c >= 'A' && c <= 'F')) return false;
  }
  return true;
}

Bech32Variant Bech32ChecksumVariant(std::string_view value) {
  return DecodeBech32(value).variant;
}

bool IsValidLei(std::string_view lei) {
  const std::string c = Compact(lei);
  return P().lei.FullMatch(c) && Mod97(c) == 1;
}

bool IsValidUscc(std::string_view uscc) {
  const std::string c = Compact(uscc);
  return P().uscc.FullMatch(c) && UsccCheckChar(c) == c[17];
}

bool IsValidImo(std::string_view imo) {
  const std::string c = Compact(imo);
  std::string_view digits = c;
  if (digits.starts_with("IMO")) digits.remove_prefix(3);
  if (digits.starts_with(":")) digits.remove_prefix(1);
  if (!P().seven_digits.FullMatch(digits)) return false;
  return ImoCheckDigit(digits) == digits[6] - '0';
}

std::string CanonicalIdentifier(std::string_view type,
                                std::string_view currency,
                                std::string_view value) {
  (void)currency;  // the format decides case sensitivity, not the ticker
  const std::string_view v = Trim(value);
  if (type == "crypto_address") return CanonicalCrypto(v);
  if (type == "imo") {
    std::string c = Compact(v);
    if (c.starts_with("IMO")) c.erase(0, 3);
    if (c.starts_with(":")) c.erase(0, 1);
    return c;
  }
  if (IsDocumentType(type)) return Compact(v);
  return LowerNoSpace(v);
}

IdentifierGuess RecognizeIdentifier(std::string_view value) {
  IdentifierGuess g;
  const std::string_view v = Trim(value);
  if (v.empty()) {
    g.type = "unknown";
    g.note = "empty";
    return g;
  }
  if (v.size() <= 120 && (RecognizeEvm(v, &g) || RecognizeCashAddr(v, &g) ||
                          RecognizeBech32(v, &g) || RecognizeMonero(v, &g) ||
                          RecognizeBase58(v, &g))) {
    return g;
  }
  g = IdentifierGuess();
  const Patterns& p = P();
  const std::string compact = Compact(v);

  if (p.lei.FullMatch(compact)) {
    g.type = "lei";
    g.canonical = compact;
    g.checksum_valid = Mod97(compact) == 1;
    if (g.checksum_valid) {
      g.note = "LEI check digits hold";
    } else {
      const int expected = 98 - Mod97(compact.substr(0, 18) + "00");
      const char buf[3] = {static_cast<char>('0' + expected / 10),
                           static_cast<char>('0' + expected % 10), 0};
      g.note = std::string("LEI check digits fail (expected ") + buf + ")";
    }
    return g;
  }
  if (p.uscc.FullMatch(compact)) {
    g.type = "uscc";
    g.canonical = compact;
    const char want = UsccCheckChar(compact);
    g.checksum_valid = want == compact[17];
    g.note =
        g.checksum_valid
            ? "USCC check character holds"
            : std::string("USCC check character fails (expected ") + want + ")";
    return g;
  }
  if (const auto digits = FullCapture(p.imo_prefixed, v)) {
    g.type = "imo";
    g.canonical = std::string(*digits);
    g.checksum_valid = ImoCheckDigit(*digits) == (*digits)[6] - '0';
    g.note = g.checksum_valid
                 ? "IMO check digit holds"
                 : "IMO check digit fails (expected " +
                       std::to_string(ImoCheckDigit(*digits)) + ")";
    return g;
  }
  if (p.seven_digits.FullMatch(compact) &&
      ImoCheckDigit(compact) == compact[6] - '0') {
    g.type = "imo";
    g.canonical = compact;
    g.checksum_valid = true;
    g.note =
        "7 digits with a valid IMO check digit (could also be a document "
        "number)";
    return g;
  }
  // BICs are published in upper case; lower-case 8-letter words ("business")
  // fit the shape, so only upper-case input is taken as a BIC.
  if (!HasLower(v)) {
    if (const auto cc = FullCapture(p.bic, compact)) {
      if (IsCountryCode(*cc)) {
        g.type = "swift_bic";
        g.canonical = compact;
        g.note = "SWIFT/BIC, country " + std::string(*cc);
        return g;
      }
    }
  }
  if (compact.size() <= 64 && p.document.FullMatch(compact)) {
    g.type = "passport_or_id";
    g.canonical = compact;
    return g;
  }
  g.type = "unknown";
  g.canonical = LowerNoSpace(v);
  return g;
}

}  // namespace clearance::match
