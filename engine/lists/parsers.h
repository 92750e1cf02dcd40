// Internal: one entry point per format, called by ParseSource(). Each takes
// the spec's paths (main file first) and fills `out.lists` and
// `out.warnings`; provenance (files, sha256) is filled by ParseSource().
#ifndef CLEARANCE_ENGINE_LISTS_PARSERS_H_
#define CLEARANCE_ENGINE_LISTS_PARSERS_H_

#include <string>
#include <vector>

#include "engine/common/error.h"
#include "engine/lists/lists.h"

namespace clearance::lists::internal {

using Paths = std::vector<std::string>;

Result<void> ParseOfacAdvancedXml(const Paths& paths,
                                  const ParseOptions& options,
                                  ParsedSource& out);
Result<void> ParseOfacLegacyCsv(const Paths& paths, const ParseOptions& options,
                                ParsedSource& out);
Result<void> ParseOfacConsLegacyCsv(const Paths& paths,
                                    const ParseOptions& options,
                                    ParsedSource& out);
Result<void> ParseOfacEnhancedXml(const Paths& paths,
                                  const ParseOptions& options,
                                  ParsedSource& out);
Result<void> ParseCslCsv(const Paths& paths, const ParseOptions& options,
                         ParsedSource& out);
Result<void> ParseCslJson(const Paths& paths, const ParseOptions& options,
                          ParsedSource& out);
Result<void> ParseBisDplText(const Paths& paths, const ParseOptions& options,
                             ParsedSource& out);
Result<void> ParseUnXml(const Paths& paths, const ParseOptions& options,
                        ParsedSource& out);
Result<void> ParseDod1260hCsv(const Paths& paths, const ParseOptions& options,
                              ParsedSource& out);
Result<void> ParseCryptoAddressText(const Paths& paths,
                                    const ParseOptions& options,
                                    ParsedSource& out);
Result<void> ParseCryptoAddressJson(const Paths& paths,
                                    const ParseOptions& options,
                                    ParsedSource& out);
Result<void> ParseClearanceJson(const Paths& paths, const ParseOptions& options,
                                ParsedSource& out);

// Parser versions recorded in provenance; bump when output changes.
inline constexpr char kParserVersion[] = "1";

}  // namespace clearance::lists::internal

#endif  // CLEARANCE_ENGINE_LISTS_PARSERS_H_
