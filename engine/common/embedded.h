// Data files compiled into the binary by cmake/embed.cmake (reference
// tables, SQL migrations), so `clearance` runs without its source tree.
#ifndef CLEARANCE_ENGINE_COMMON_EMBEDDED_H_
#define CLEARANCE_ENGINE_COMMON_EMBEDDED_H_

#include <string_view>
#include <vector>

namespace clearance {

struct EmbeddedFile {
  std::string_view name;     // base name, e.g. "countries.json"
  std::string_view content;  // the file's bytes
};

}  // namespace clearance

#endif  // CLEARANCE_ENGINE_COMMON_EMBEDDED_H_
