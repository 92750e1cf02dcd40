#include "engine/text/script.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <map>

namespace clearance::text {

bool IsValidUtf8(std::string_view bytes) {
  const auto* s = reinterpret_cast<const uint8_t*>(bytes.data());
  const int32_t length = static_cast<int32_t>(bytes.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

std::string DetectScript(std::string_view utf8) {
  const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
  const int32_t length = static_cast<int32_t>(utf8.size());
  std::map<UScriptCode, int> counts;
  int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (c < 0) return "Zzzz";
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(c, &status);
    if (U_FAILURE(status) || script == USCRIPT_COMMON ||
        script == USCRIPT_INHERITED || script == USCRIPT_UNKNOWN) {
      continue;
    }
    ++counts[script];
  }
  if (counts.empty()) return "Zyyy";
  const bool has_kana =
      counts.contains(USCRIPT_HIRAGANA) || counts.contains(USCRIPT_KATAKANA);
  if (has_kana) return "Jpan";
  UScriptCode best = counts.begin()->first;
  int best_count = 0;
  for (const auto& [script, count] : counts) {
    if (count > best_count) {
      best = script;
      best_count = count;
    }
  }
  return uscript_getShortName(best);
}

std::string Windows1252ToUtf8(std::string_view bytes) {
  // 0x80..0x9F differ from Latin-1; undefined positions map to U+FFFD.
  static constexpr char16_t kHigh[32] = {
      0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
      0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    char32_t cp = c;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    if (c < 0xA0) cp = kHigh[c - 0x80];
    char buffer[4];
    int32_t n = 0;
    U8_APPEND_UNSAFE(reinterpret_cast<uint8_t*>(buffer), n,
                     static_cast<UChar32>(cp));
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace clearance::text
