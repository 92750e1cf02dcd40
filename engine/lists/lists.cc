#include "engine/lists/lists.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "engine/common/strings.h"
#include "engine/crypto/sha256.h"
#include "engine/lists/input.h"
#include "engine/lists/parsers.h"

namespace clearance::lists {
namespace fs = std::filesystem;

namespace {

// Skips a UTF-8 BOM and leading white space.
std::string_view TrimStart(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text[0]))) {
    text.remove_prefix(1);
  }
  return text;
}

// The member names of OFAC's legacy CSV sets, main file first.
const std::vector<std::string>& SdnSetMembers() {
  static const std::vector<std::string> kMembers = {
      "sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"};
  return kMembers;
}
const std::vector<std::string>& ConsSetMembers() {
  static const std::vector<std::string> kMembers = {
      "cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"};
  return kMembers;
}

bool IsSetMember(const std::string& base) {
  for (const auto* set : {&SdnSetMembers(), &ConsSetMembers()}) {
    if (std::find(set->begin(), set->end(), base) != set->end()) return true;
  }
  return false;
}

bool IsSkippedInDirectory(const std::string& base) {
  const std::string lower = AsciiLower(base);
  return lower.starts_with("readme") || lower.ends_with(".md") ||
         lower.find("checksum") != std::string::npos || lower.starts_with(".");
}

Result<Format> DetectFromContent(const std::string& path,
                                 std::string_view head) {
  const std::string base = AsciiLower(fs::path(path).filename().string());
  head = TrimStart(head);
  if (head.starts_with("<")) {
    if (head.find("ADVANCED_XML") != std::string_view::npos &&
        head.find("<Sanctions") != std::string_view::npos) {
      return Format::kOfacAdvancedXml;
    }
    if (head.find("ENHANCED_XML") != std::string_view::npos ||
        head.find("<sanctionsData") != std::string_view::npos) {
      return Format::kOfacEnhancedXml;
    }
    if (head.find("<CONSOLIDATED_LIST") != std::string_view::npos) {
      return Format::kUnXml;
    }
    return Fail(ErrorCode::kUnsupportedFormat,
                path +
                    ": XML, but not OFAC ADVANCED_XML, OFAC ENHANCED_XML "
                    "or the UN consolidated list (root element not "
                    "recognised)");
  }
  if (head.starts_with("{") || head.starts_with("[")) {
    if (head.find("\"clearance_list\"") != std::string_view::npos) {
      return Format::kClearanceJson;
    }
    if (head.find("\"results\"") != std::string_view::npos ||
        head.find("\"sources_used\"") != std::string_view::npos) {
      return Format::kCslJson;
    }
    if (base.starts_with("sanctioned") ||
        head.find("\"sdnListDate\"") != std::string_view::npos ||
        head.starts_with("[")) {
      return Format::kCryptoAddressJson;
    }
    return Fail(ErrorCode::kUnsupportedFormat,
                path +
                    ": JSON, but not a Consolidated Screening List export, "
                    "a crypto address list or a Clearance list");
  }
  const std::string first_line = AsciiLower(head.substr(0, head.find('\n')));
  if (first_line.starts_with("\"name\"\t") ||
      first_line.starts_with("name\t")) {
    return Format::kBisDplText;
  }
  if (first_line.find("_id") != std::string::npos &&
      first_line.find("source") != std::string::npos &&
      first_line.find("entity_number") != std::string::npos) {
    return Format::kCslCsv;
  }
  if (first_line.starts_with("name,clean name,")) return Format::kDod1260hCsv;
  if (base.starts_with("sanctioned_addresses_") && base.ends_with(".txt")) {
    return Format::kCryptoAddressText;
  }
  return Fail(ErrorCode::kUnsupportedFormat,
              path +
                  ": format not recognised (expected OFAC XML or CSV, "
                  "trade.gov CSL, BIS DPL, UN XML, DoD 1260H, a crypto "
                  "address list or a Clearance list; see docs/lists.md)");
}

// Per-currency digital-currency address files, "sanctioned_addresses_XBT.txt"
// (or .json): one list split by currency, so all files of a folder with the
// same extension form one source. `lower_base` is the lower-cased file name.
bool IsPerCurrencyFile(const std::string& lower_base, std::string_view ext) {
  return lower_base.starts_with("sanctioned_addresses_") &&
         lower_base.ends_with(ext);
}

// The per-currency files with extension `ext` in `dir`, sorted.
std::vector<std::string> PerCurrencySet(const fs::path& dir,
                                        std::string_view ext) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) &&
        IsPerCurrencyFile(AsciiLower(entry.path().filename().string()), ext)) {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// Returns the set members present next to `main_path`, main first.
std::vector<std::string> SetPaths(const fs::path& dir,
                                  const std::vector<std::string>& members) {
  std::vector<std::string> paths;
  for (const auto& member : members) {
    const fs::path candidate = dir / member;
    if (fs::exists(candidate)) paths.push_back(candidate.string());
  }
  return paths;
}

}  // namespace

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kOfacAdvancedXml:
      return "ofac-advanced-xml";
    case Format::kOfacLegacyCsv:
      return "ofac-legacy-csv";
    case Format::kOfacConsLegacyCsv:
      return "ofac-cons-legacy-csv";
    case Format::kOfacEnhancedXml:
      return "ofac-enhanced-xml";
    case Format::kCslCsv:
      return "csl-csv";
    case Format::kCslJson:
      return "csl-json";
    case Format::kBisDplText:
      return "bis-dpl-text";
    case Format::kUnXml:
      return "un-xml";
    case Format::kDod1260hCsv:
      return "dod-1260h-csv";
    case Format::kCryptoAddressText:
      return "crypto-address-text";
    case Format::kCryptoAddressJson:
      return "crypto-address-json";
    case Format::kClearanceJson:
      return "clearance-json";
  }
  return "unknown";
}

Result<Format> DetectFormat(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return Fail(ErrorCode::kNotFound, path + ": no such file");
  }
  const std::string base = AsciiLower(fs::path(path).filename().string());
  if (base == "sdn.csv") return Format::kOfacLegacyCsv;
  if (base == "cons_prim.csv") return Format::kOfacConsLegacyCsv;
  if (IsSetMember(base)) {
    return Fail(ErrorCode::kInvalidArgument,
                path +
                    ": part of an OFAC legacy CSV set; import its sdn.csv "
                    "or cons_prim.csv (or the folder) instead");
  }
  if (fs::file_size(path, ec) == 0) {
    return Fail(ErrorCode::kParse, path + ": empty file");
  }
  auto head = PeekContent(path, 4096);
  if (!head) return std::unexpected(head.error());
  if (head->empty()) return Fail(ErrorCode::kParse, path + ": empty file");
  return DetectFromContent(path, *head);
}

Result<std::vector<SourceSpec>> PlanSources(
    const std::vector<std::string>& paths) {
  std::vector<SourceSpec> specs;
  std::set<std::string> planned;  // canonical paths already in a spec
  auto add_file = [&](const fs::path& file,
                      bool from_directory) -> Result<void> {
    const std::string canonical = fs::weakly_canonical(file).string();
    if (planned.contains(canonical)) return Ok();
    const std::string base = AsciiLower(file.filename().string());
    if (from_directory && IsSkippedInDirectory(base)) return Ok();
    if (from_directory && IsSetMember(base) && base != "sdn.csv" &&
        base != "cons_prim.csv") {
      return Ok();  // picked up with its main file
    }
    // Mirrors publish each currency as .txt and as a .json array with the
    // same addresses; from a folder holding both, import the .txt set only.
    if (from_directory && IsPerCurrencyFile(base, ".json") &&
        !PerCurrencySet(file.parent_path(), ".txt").empty()) {
      return Ok();
    }
    auto format = DetectFormat(file.string());
    if (!format) return std::unexpected(format.error());
    SourceSpec spec{*format, {file.string()}};
    if (*format == Format::kOfacLegacyCsv) {
      spec.paths = SetPaths(file.parent_path(), SdnSetMembers());
    } else if (*format == Format::kOfacConsLegacyCsv) {
      spec.paths = SetPaths(file.parent_path(), ConsSetMembers());
    } else if (*format == Format::kCryptoAddressText &&
               IsPerCurrencyFile(base, ".txt")) {
      spec.paths = PerCurrencySet(file.parent_path(), ".txt");
    } else if (*format == Format::kCryptoAddressJson &&
               IsPerCurrencyFile(base, ".json")) {
      spec.paths = PerCurrencySet(file.parent_path(), ".json");
    }
    for (const auto& p : spec.paths) {
      planned.insert(fs::weakly_canonical(p).string());
    }
    specs.push_back(std::move(spec));
    return Ok();
  };
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::recursive_directory_iterator(path)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& file : files) {
        if (auto r = add_file(file, true); !r)
          return std::unexpected(r.error());
      }
    } else if (fs::exists(path, ec)) {
      if (auto r = add_file(path, false); !r) return std::unexpected(r.error());
    } else {
      return Fail(ErrorCode::kNotFound, path + ": no such file or directory");
    }
  }
  return specs;
}

Result<ParsedSource> ParseSource(const SourceSpec& spec,
                                 const ParseOptions& options) {
  if (spec.paths.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "source with no files");
  }
  ParsedSource out;
  out.format = spec.format;
  out.parser_version = internal::kParserVersion;
  std::string set_identity;
  for (const std::string& path : spec.paths) {
    auto sha = crypto::Sha256FileHex(path);
    if (!sha) return std::unexpected(sha.error());
    std::error_code ec;
    const auto bytes = fs::file_size(path, ec);
    out.files.push_back({path, *sha, static_cast<std::int64_t>(bytes)});
    set_identity += fs::path(path).filename().string() + " " + *sha + "\n";
  }
  out.sha256 = spec.paths.size() == 1 ? out.files[0].sha256
                                      : crypto::Sha256Hex(set_identity);
  using Parser = Result<void> (*)(const internal::Paths&, const ParseOptions&,
                                  ParsedSource&);
  static const std::map<Format, Parser> kParsers = {
      {Format::kOfacAdvancedXml, internal::ParseOfacAdvancedXml},
      {Format::kOfacLegacyCsv, internal::ParseOfacLegacyCsv},
      {Format::kOfacConsLegacyCsv, internal::ParseOfacConsLegacyCsv},
      {Format::kOfacEnhancedXml, internal::ParseOfacEnhancedXml},
      {Format::kCslCsv, internal::ParseCslCsv},
      {Format::kCslJson, internal::ParseCslJson},
      {Format::kBisDplText, internal::ParseBisDplText},
      {Format::kUnXml, internal::ParseUnXml},
      {Format::kDod1260hCsv, internal::ParseDod1260hCsv},
      {Format::kCryptoAddressText, internal::ParseCryptoAddressText},
      {Format::kCryptoAddressJson, internal::ParseCryptoAddressJson},
      {Format::kClearanceJson, internal::ParseClearanceJson},
  };
  if (auto r = kParsers.at(spec.format)(spec.paths, options, out); !r) {
    return std::unexpected(r.error());
  }
  // Duplicate party ids within one list make provenance ambiguous.
  for (const ListDocument& list : out.lists) {
    std::set<std::string_view> seen;
    for (const Party& party : list.parties) {
      if (!seen.insert(party.source_id).second) {
        return Fail(ErrorCode::kParse,
                    spec.paths[0] + ": duplicate party id '" + party.source_id +
                        "' in list " + list.code);
      }
    }
  }
  return out;
}

}  // namespace clearance::lists
