// Internal: a strict JSON reader that remembers where every value starts,
// because nlohmann::json keeps no positions and rule errors must name the
// file line and column (docs/rules.md § 5).
#ifndef CLEARANCE_ENGINE_RULES_JSON_READER_H_
#define CLEARANCE_ENGINE_RULES_JSON_READER_H_

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/common/error.h"

namespace clearance::rules::internal {

struct TextPos {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
};

struct PositionedJson {
  nlohmann::json value;
  // JSON pointer ("/rules/3/when") -> byte offset of the value's first
  // character (the opening quote for strings).
  std::map<std::string, size_t, std::less<>> offsets;
};

// Parses `text`; kParse error "LINE:COL: expected ..." on malformed JSON.
Result<PositionedJson> ReadPositionedJson(std::string_view text);

// Line and column of byte `offset` in `text`.
TextPos PositionOf(std::string_view text, size_t offset);

// Byte offset in `text` of character `decoded_offset` of the decoded JSON
// string whose opening quote is at `quote_offset` (walks escapes).
size_t OffsetInString(std::string_view text, size_t quote_offset,
                      size_t decoded_offset);

}  // namespace clearance::rules::internal

#endif  // CLEARANCE_ENGINE_RULES_JSON_READER_H_
