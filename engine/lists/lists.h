// engine/lists: reads restricted-party lists in their official formats into
// the canonical model (model.h), and compares two versions of a list.
//
// Pipeline:
//   PlanSources(paths)  -> which formats, which files belong together
//   ParseSource(spec)   -> ParsedSource: ListDocuments + provenance
//   DiffLists(a, b)     -> parties added / removed / changed
// The store (engine/store) persists ParsedSource atomically.
//
// Errors name the file, the line or element, and what was expected. A parser
// never returns a partial document: either the whole source parses or the
// result is an error.
//
// Thread safety: all functions are reentrant; they share no mutable state.
#ifndef CLEARANCE_ENGINE_LISTS_LISTS_H_
#define CLEARANCE_ENGINE_LISTS_LISTS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"
#include "engine/lists/model.h"

namespace clearance::lists {

enum class Format {
  kOfacAdvancedXml,    // sdn_advanced.xml (.bz2/.gz/.zip)
  kOfacLegacyCsv,      // sdn.csv + add.csv + alt.csv + sdn_comments.csv
  kOfacConsLegacyCsv,  // cons_prim.csv + cons_add/alt/comments.csv
  kOfacEnhancedXml,    // CONS_ENHANCED.ZIP / SDN_ENHANCED.ZIP
  kCslCsv,             // trade.gov consolidated.csv (2022 and 2025 layouts)
  kCslJson,            // trade.gov consolidated.json
  kBisDplText,         // BIS Denied Persons tab-separated dpl.txt
  kUnXml,              // UN Security Council consolidated XML
  kDod1260hCsv,        // DoD Section 1260H Chinese military companies CSV
  kCryptoAddressText,  // one address a line, currency from the file name
  kCryptoAddressJson,  // JSON array of addresses (per-currency) or objects
  kClearanceJson,      // Clearance's own list format (docs/lists.md)
};

// Stable names used in CLI output and provenance, e.g. "ofac-advanced-xml".
std::string_view FormatName(Format format);

// One unit of import: a format and the files it reads, main file first
// (a legacy CSV set lists sdn.csv, then add.csv, alt.csv, sdn_comments.csv
// where present).
struct SourceSpec {
  Format format;
  std::vector<std::string> paths;
};

// Detects the format of one file from its name and its first bytes (after
// unpacking). kUnsupportedFormat with what was seen when nothing fits.
Result<Format> DetectFormat(const std::string& path);

// Expands directories (recursively; README files and checksums skipped),
// groups the files of an OFAC legacy CSV set into one spec, groups the
// per-currency crypto address files of one folder (sanctioned_addresses_
// <CUR>.txt; the identical .json set is skipped when the .txt set exists)
// into one spec, and detects each format. Fails on the first path that does
// not exist or is not a list.
Result<std::vector<SourceSpec>> PlanSources(
    const std::vector<std::string>& paths);

struct SourceFile {
  std::string path;
  std::string sha256;  // of the file as stored on disk
  std::int64_t bytes = 0;
};

struct ParsedSource {
  Format format;
  std::string parser_version;  // bumps when a parser's output changes
  std::vector<SourceFile> files;
  // Identity of the source: the file's sha256, or for a set of files the
  // sha256 of "<basename> <sha256>\n" lines in spec order.
  std::string sha256;
  std::vector<ListDocument> lists;
  // Non-fatal oddities worth showing (e.g. "add.csv line 12: address for
  // unknown entity 99999 skipped"), each naming file and line.
  std::vector<std::string> warnings;
};

struct ParseOptions {
  // Called now and then with bytes consumed and the total, for progress bars.
  std::function<void(std::int64_t done, std::int64_t total)> progress;
};

// Parses one source completely. Never returns partial results.
Result<ParsedSource> ParseSource(const SourceSpec& spec,
                                 const ParseOptions& options = {});

// --- Comparing two versions of one list ------------------------------------

struct FieldChange {
  std::string field;  // "names", "addresses", "programs", "identifiers", ...
  std::vector<std::string> removed;  // rendered values, sorted
  std::vector<std::string> added;
};

struct PartyChange {
  std::string source_id;
  std::string name;  // primary name in the newer version
  std::vector<FieldChange> changes;
};

struct PartyRef {
  std::string source_id;
  std::string name;
  PartyType type = PartyType::kUnknown;
};

struct ListDiff {
  std::vector<PartyRef> added;
  std::vector<PartyRef> removed;
  std::vector<PartyChange> changed;
};

// Compares parties by source_id. Order of values inside a field does not
// count as a change.
ListDiff DiffLists(const ListDocument& from, const ListDocument& to);

}  // namespace clearance::lists

#endif  // CLEARANCE_ENGINE_LISTS_LISTS_H_
