// Which list files `clearance lists update` downloads, and where from.
//
// DefaultSources() are compiled in: the official export addresses of OFAC's
// Sanctions List Service, trade.gov's Consolidated Screening List and the UN
// Security Council consolidated list. A JSON config file adjusts them:
//
//   {
//     "include_defaults": true,            // optional, default true
//     "sources": [
//       {"name": "ofac-sdn-csv", "enabled": true},        // edits a default
//       {"name": "ofac-cons-enhanced", "enabled": false},
//       {"name": "mirror-sdn", "url": "https://mirror.example/sdn.xml",
//        "checksum_url": "https://mirror.example/sdn.sha256",
//        "file_name": "mirror_sdn_advanced.xml"}           // a new source
//     ]
//   }
//
// An entry whose name equals a default source's overrides the fields it
// gives; any other entry is a new source and needs "url" and "file_name".
// With "include_defaults": false only the file's sources exist. Unknown keys
// are errors (they are usually typos). Order: defaults first, in their
// order, then new sources in file order.
//
// Thread safety: all functions are reentrant.
#ifndef CLEARANCE_ENGINE_FETCH_SOURCES_H_
#define CLEARANCE_ENGINE_FETCH_SOURCES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"

namespace clearance::fetch {

struct ListSource {
  // Stable identifier, [a-z0-9._-]+, unique, e.g. "ofac-sdn-advanced".
  std::string name;
  // http:// or https:// address of the file.
  std::string url;
  // Optional address of a checksum file for `url` (see ParseChecksumFile);
  // "" for none. When set, the download must match it.
  std::string checksum_url;
  // Name of the downloaded file inside the update folder: a plain file
  // name (no '/', not starting with '.'), unique among enabled sources. The
  // lists module detects formats partly by name (e.g. "sdn.csv").
  std::string file_name;
  bool enabled = true;
};

// The compiled-in sources. Enabled: OFAC SDN advanced XML, OFAC consolidated
// non-SDN enhanced XML (zip), trade.gov CSL CSV, UN consolidated XML.
// Disabled (same content in other formats; enable in the config): OFAC
// legacy CSV sets (SDN.CSV, ADD.CSV, ALT.CSV, SDN_COMMENTS.CSV and
// CONS_PRIM.CSV, CONS_ADD.CSV, CONS_ALT.CSV, CONS_COMMENTS.CSV).
// None has a checksum_url by default; set it in the config where the
// publisher offers one.
std::vector<ListSource> DefaultSources();

// DefaultSources() adjusted by the JSON config at `config_path` (format
// above); DefaultSources() when `config_path` is nullopt.
// Errors: kNotFound / kIo (reading the file), kParse (not JSON, with line
// and column), kInvalidArgument (wrong shape or value; the message names the
// file and the JSON path, e.g.
// "sources.json: sources[2].url: expected an http:// or https:// URL").
Result<std::vector<ListSource>> LoadSources(
    const std::optional<std::string>& config_path);

// As LoadSources, from the text of a config; `origin` names it in errors.
Result<std::vector<ListSource>> ParseSourcesConfig(std::string_view json,
                                                   std::string_view origin);

// Extracts the sha256 (64 lower-case hex digits) for `file_name` from the
// text of a checksum file. Accepted lines (hex in any case; a 44-character
// base64 digest is accepted where hex is):
//   SHA256(sdn_advanced.xml) = 36c517bd...      (OpenSSL, OFAC's file)
//   SHA-256: 36c517bd...   or   SHA256 36c517bd...
//   36c517bd...  sdn_advanced.xml               (sha256sum)
//   36c517bd...                                 (bare digest)
// When lines name files, the one whose name equals one of `file_names`
// (ignoring case; pass the local file name and the URL's last segment) is
// used; a single digest (or several equal ones) is used whatever it names.
// Errors: kParse when no digest is found or the one for `file_names` cannot
// be told apart from others.
Result<std::string> ParseChecksumFile(
    std::string_view content, const std::vector<std::string>& file_names);

}  // namespace clearance::fetch

#endif  // CLEARANCE_ENGINE_FETCH_SOURCES_H_
