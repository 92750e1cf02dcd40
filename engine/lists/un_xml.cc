#include "engine/lists/parsers.h"

namespace clearance::lists::internal {

Result<void> ParseUnXml(const Paths& paths, const ParseOptions&, ParsedSource&) {
  return Fail(ErrorCode::kUnsupportedFormat, paths[0] + ": parser not built yet");
}

}  // namespace clearance::lists::internal
