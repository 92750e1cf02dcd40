// Script detection (ICU). Issue 3 extends engine/text with normalization and
// transliteration; this is the part the list store needs to label names.
#ifndef CLEARANCE_ENGINE_TEXT_SCRIPT_H_
#define CLEARANCE_ENGINE_TEXT_SCRIPT_H_

#include <string>
#include <string_view>

namespace clearance::text {

// The dominant script of `utf8` as an ISO 15924 code: "Latn", "Hani",
// "Cyrl", "Arab", "Grek", "Hang", "Jpan" (kana, with or without Han),
// "Hebr", "Thai", ... Characters of the Common and Inherited scripts (digits,
// punctuation, combining marks) do not count; text without letters gives
// "Zyyy". Invalid UTF-8 gives "Zzzz".
std::string DetectScript(std::string_view utf8);

// True if `bytes` is well-formed UTF-8.
bool IsValidUtf8(std::string_view bytes);

// Converts Windows-1252 bytes to UTF-8 (ASCII passes through unchanged).
std::string Windows1252ToUtf8(std::string_view bytes);

}  // namespace clearance::text

#endif  // CLEARANCE_ENGINE_TEXT_SCRIPT_H_
