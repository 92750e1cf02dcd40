// Small ASCII string helpers shared by every module. Unicode-aware text
// handling (case folding, scripts, transliteration) lives in engine/text.
#ifndef CLEARANCE_ENGINE_COMMON_STRINGS_H_
#define CLEARANCE_ENGINE_COMMON_STRINGS_H_

#include <string>
#include <string_view>

namespace clearance {

// `text` with ASCII letters lower-cased; other bytes (UTF-8) unchanged.
std::string AsciiLower(std::string_view text);

// `text` with ASCII letters upper-cased; other bytes unchanged.
std::string AsciiUpper(std::string_view text);

// `text` without leading and trailing ASCII white space (space, \t, \n,
// \v, \f, \r). The view points into `text`.
std::string_view TrimAscii(std::string_view text);

}  // namespace clearance

#endif  // CLEARANCE_ENGINE_COMMON_STRINGS_H_
