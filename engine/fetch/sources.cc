#include "engine/fetch/sources.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>

#include "engine/common/strings.h"
#include "engine/crypto/sha256.h"

namespace clearance::fetch {
namespace {

using nlohmann::json;

constexpr std::string_view kOfacExports =
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/"
    "exports/";
constexpr std::uintmax_t kMaxConfigBytes = 1 << 20;

ListSource Ofac(std::string name, std::string_view export_name,
                std::string file_name, bool enabled) {
  return ListSource{std::move(name),
                    std::string(kOfacExports) + std::string(export_name), "",
                    std::move(file_name), enabled};
}

bool IsValidName(std::string_view name) {
  return !name.empty() &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
         });
}

bool IsHttpUrl(std::string_view url) {
  const std::string lower = AsciiLower(url.substr(0, 8));
  std::string_view rest;
  if (lower.starts_with("https://")) {
    rest = url.substr(8);
  } else if (lower.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return false;
  }
  const bool has_host = !rest.empty() && rest.front() != '/' &&
                        rest.front() != '?' && rest.front() != '#';
  const bool clean = std::none_of(url.begin(), url.end(), [](unsigned char c) {
    return c <= 0x20 || c == 0x7f;
  });
  return has_host && clean;
}

bool IsValidFileName(std::string_view name) {
  return !name.empty() && name.front() != '.' &&
         std::none_of(name.begin(), name.end(), [](unsigned char c) {
           return c == '/' || c == '\\' || c < 0x20 || c == 0x7f;
         });
}

std::string TypeName(const json& value) { return value.type_name(); }

// The fields of one config entry, each present only when given.
struct SourcePatch {
  std::optional<std::string> url;
  std::optional<std::string> checksum_url;
  std::optional<std::string> file_name;
  std::optional<bool> enabled;
};

class ConfigReader {
 public:
  explicit ConfigReader(std::string_view origin) : origin_(origin) {}

  Result<std::vector<ListSource>> Read(std::string_view text) {
    json root;
    try {
      root = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
      return Fail(ErrorCode::kParse,
                  std::string(origin_) + ": not valid JSON: " + e.what());
    }
    if (!root.is_object()) {
      return Invalid("(root)", "expected an object with \"sources\", got " +
                                   TypeName(root));
    }
    bool include_defaults = true;
    for (const auto& [key, value] : root.items()) {
      if (key == "include_defaults") {
        if (!value.is_boolean()) {
          return Invalid(key, "expected true or false, got " + TypeName(value));
        }
        include_defaults = value.get<bool>();
      } else if (key != "sources") {
        return Invalid(key,
                       "unknown key (expected \"sources\" or "
                       "\"include_defaults\")");
      }
    }
    if (!root.contains("sources")) {
      return Invalid("sources", "missing (expected an array of sources)");
    }
    const json& entries = root["sources"];
    if (!entries.is_array()) {
      return Invalid("sources", "expected an array, got " + TypeName(entries));
    }

    std::vector<ListSource> sources;
    if (include_defaults) sources = DefaultSources();
    const size_t default_count = sources.size();
    std::set<std::string> seen;
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::string path = "sources[" + std::to_string(i) + "]";
      auto applied =
          ApplyEntry(entries[i], path, default_count, &seen, &sources);
      if (!applied) return std::unexpected(applied.error());
    }
    return CheckFileNames(sources);
  }

 private:
  std::unexpected<Error> Invalid(const std::string& path,
                                 const std::string& what) const {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(origin_) + ": " + path + ": " + what);
  }

  Result<std::string> String(const json& value, const std::string& path) {
    if (!value.is_string()) {
      return Invalid(path, "expected a string, got " + TypeName(value));
    }
    return value.get<std::string>();
  }

  Result<void> ApplyEntry(const json& entry, const std::string& path,
                          size_t default_count, std::set<std::string>* seen,
                          std::vector<ListSource>* sources) {
    if (!entry.is_object()) {
      return Invalid(path, "expected an object, got " + TypeName(entry));
    }
    if (!entry.contains("name")) return Invalid(path + ".name", "missing");
    auto name = String(entry["name"], path + ".name");
    if (!name) return std::unexpected(name.error());
    if (!IsValidName(*name)) {
      return Invalid(path + ".name", "\"" + *name +
                                         "\" is not a valid name (use "
                                         "a-z, 0-9, '-', '_', '.')");
    }
    if (!seen->insert(*name).second) {
      return Invalid(path + ".name", "\"" + *name + "\" appears twice");
    }

    SourcePatch patch;
    for (const auto& [key, value] : entry.items()) {
      const std::string field_path = path + "." + key;
      if (key == "name") continue;
      if (key == "url" || key == "file_name") {
        auto text = String(value, field_path);
        if (!text) return std::unexpected(text.error());
        if (key == "url") {
          if (!IsHttpUrl(*text)) {
            return Invalid(field_path,
                           "expected an http:// or https:// URL, "
                           "got \"" +
                               *text + "\"");
          }
          patch.url = *text;
        } else {
          if (!IsValidFileName(*text)) {
            return Invalid(field_path,
                           "expected a plain file name (no '/', not "
                           "starting with '.'), got \"" +
                               *text + "\"");
          }
          patch.file_name = *text;
        }
      } else if (key == "checksum_url") {
        if (value.is_null()) {
          patch.checksum_url = "";
          continue;
        }
        auto text = String(value, field_path);
        if (!text) return std::unexpected(text.error());
        if (!text->empty() && !IsHttpUrl(*text)) {
          return Invalid(field_path,
                         "expected an http:// or https:// URL, "
                         "null or \"\", got \"" +
                             *text + "\"");
        }
        patch.checksum_url = *text;
      } else if (key == "enabled") {
        if (!value.is_boolean()) {
          return Invalid(field_path,
                         "expected true or false, got " + TypeName(value));
        }
        patch.enabled = value.get<bool>();
      } else {
        return Invalid(field_path,
                       "unknown key (expected name, url, checksum_url, "
                       "file_name, enabled)");
      }
    }

    auto existing = std::find_if(
        sources->begin(), sources->begin() + default_count,
        [&](const ListSource& source) { return source.name == *name; });
    if (existing == sources->begin() + default_count) {
      if (!patch.url) {
        return Invalid(path + ".url", "missing (\"" + *name +
                                          "\" is not a default source, "
                                          "so it needs url and file_name)");
      }
      if (!patch.file_name) {
        return Invalid(path + ".file_name",
                       "missing (\"" + *name +
                           "\" is not a default source, "
                           "so it needs url and file_name)");
      }
      sources->push_back(ListSource{*name, "", "", "", true});
      existing = sources->end() - 1;
    }
    if (patch.url) existing->url = *patch.url;
    if (patch.checksum_url) existing->checksum_url = *patch.checksum_url;
    if (patch.file_name) existing->file_name = *patch.file_name;
    if (patch.enabled) existing->enabled = *patch.enabled;
    return Ok();
  }

  Result<std::vector<ListSource>> CheckFileNames(
      std::vector<ListSource> sources) const {
    std::map<std::string, std::string> owner;  // lower-case file -> source
    for (const auto& source : sources) {
      if (!source.enabled) continue;
      const auto [it, inserted] =
          owner.emplace(AsciiLower(source.file_name), source.name);
      if (!inserted) {
        return Fail(ErrorCode::kInvalidArgument,
                    std::string(origin_) + ": sources \"" + it->second +
                        "\" and \"" + source.name +
                        "\" are both enabled and both save to file_name \"" +
                        source.file_name + "\"");
      }
    }
    return sources;
  }

  std::string_view origin_;
};

// 44-character standard base64 of 32 bytes -> hex, or "".
std::string Base64DigestToHex(std::string_view token) {
  if (token.size() != 44 || token[43] != '=' || token[42] == '=') return "";
  std::string bytes;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : token.substr(0, 43)) {
    int value;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      value = c - '0' + 52;
    } else if (c == '+') {
      value = 62;
    } else if (c == '/') {
      value = 63;
    } else {
      return "";
    }
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if (bytes.size() != 32) return "";
  return crypto::ToHex(bytes);
}

// A digest token as lower-case hex, or "" when `token` is not one.
std::string DigestToHex(std::string_view token) {
  if (token.size() == 64 &&
      std::all_of(token.begin(), token.end(),
                  [](unsigned char c) { return std::isxdigit(c) != 0; })) {
    return AsciiLower(token);
  }
  return Base64DigestToHex(token);
}

bool IsAlgorithmLabel(std::string_view token) {
  const std::string lower = AsciiLower(token);
  return lower == "sha256" || lower == "sha-256" || lower == "sha2-256";
}

struct ChecksumEntry {
  std::string name;  // "" when the line names no file
  std::string hex;
};

std::optional<ChecksumEntry> ParseChecksumLine(std::string_view line) {
  // OpenSSL style: SHA256(name) = digest
  const std::string lower = AsciiLower(line.substr(0, 9));
  for (std::string_view prefix : {"sha256(", "sha-256(", "sha2-256("}) {
    if (!lower.starts_with(prefix)) continue;
    const size_t close = line.rfind(')');
    if (close == std::string_view::npos || close < prefix.size()) break;
    const std::string_view name =
        line.substr(prefix.size(), close - prefix.size());
    std::string_view digest = TrimAscii(line.substr(close + 1));
    if (!digest.starts_with("=") && !digest.starts_with(":")) break;
    digest = TrimAscii(digest.substr(1));
    const std::string hex = DigestToHex(digest);
    if (hex.empty()) return std::nullopt;
    return ChecksumEntry{std::string(TrimAscii(name)), hex};
  }
  // Token style: [SHA-256[:]] digest [[*]name], or name[:] digest.
  std::vector<std::string_view> tokens;
  while (!line.empty()) {
    line = TrimAscii(line);
    const size_t end = std::min(line.find_first_of(" \t"), line.size());
    std::string_view token = line.substr(0, end);
    line.remove_prefix(end);
    while (token.ends_with(":")) token.remove_suffix(1);
    if (!token.empty() && token != "=") tokens.push_back(token);
  }
  std::string hex;
  std::string name;
  int names = 0;
  for (std::string_view token : tokens) {
    if (IsAlgorithmLabel(token)) continue;
    if (hex.empty()) {
      if (std::string digest = DigestToHex(token); !digest.empty()) {
        hex = std::move(digest);
        continue;
      }
    }
    if (token.starts_with("*")) token.remove_prefix(1);
    name = std::string(token);
    ++names;
  }
  if (hex.empty() || names > 1) return std::nullopt;
  return ChecksumEntry{name, hex};
}

}  // namespace

std::vector<ListSource> DefaultSources() {
  return {
      Ofac("ofac-sdn-advanced", "SDN_ADVANCED.XML", "sdn_advanced.xml", true),
      Ofac("ofac-cons-enhanced", "CONS_ENHANCED.ZIP", "cons_enhanced.zip",
           true),
      ListSource{"trade-gov-csl",
                 "https://data.trade.gov/downloadable_consolidated_screening_"
                 "list/v1/consolidated.csv",
                 "", "csl_consolidated.csv", true},
      ListSource{"un-consolidated",
                 "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
                 "", "un_consolidated.xml", true},
      Ofac("ofac-sdn-csv", "SDN.CSV", "sdn.csv", false),
      Ofac("ofac-add-csv", "ADD.CSV", "add.csv", false),
      Ofac("ofac-alt-csv", "ALT.CSV", "alt.csv", false),
      Ofac("ofac-sdn-comments-csv", "SDN_COMMENTS.CSV", "sdn_comments.csv",
           false),
      Ofac("ofac-cons-prim-csv", "CONS_PRIM.CSV", "cons_prim.csv", false),
      Ofac("ofac-cons-add-csv", "CONS_ADD.CSV", "cons_add.csv", false),
      Ofac("ofac-cons-alt-csv", "CONS_ALT.CSV", "cons_alt.csv", false),
      Ofac("ofac-cons-comments-csv", "CONS_COMMENTS.CSV", "cons_comments.csv",
           false),
  };
}

Result<std::vector<ListSource>> ParseSourcesConfig(std::string_view json,
                                                   std::string_view origin) {
  return ConfigReader(origin).Read(json);
}

Result<std::vector<ListSource>> LoadSources(
    const std::optional<std::string>& config_path) {
  if (!config_path.has_value()) return DefaultSources();
  const std::string& path = *config_path;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Fail(ErrorCode::kNotFound, path + ": no such file");
  }
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxConfigBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                path + ": larger than 1 MiB; not a sources config");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    return Fail(ErrorCode::kIo, path + ": cannot read");
  }
  const std::string origin = std::filesystem::path(path).filename().string();
  return ParseSourcesConfig(text.str(), origin);
}

Result<std::string> ParseChecksumFile(
    std::string_view content, const std::vector<std::string>& file_names) {
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  std::vector<ChecksumEntry> entries;
  while (!content.empty()) {
    const size_t end = content.find('\n');
    const std::string_view line = TrimAscii(content.substr(0, end));
    content.remove_prefix(end == std::string_view::npos ? content.size()
                                                        : end + 1);
    if (line.empty() || line.starts_with("#")) continue;
    if (auto entry = ParseChecksumLine(line)) entries.push_back(*entry);
  }
  if (entries.empty()) {
    return Fail(ErrorCode::kParse,
                "no sha256 digest found (expected e.g. \"SHA256(file) = "
                "<64 hex digits>\" or \"<64 hex digits>  file\")");
  }
  std::set<std::string> all;
  std::set<std::string> named;
  for (const auto& entry : entries) {
    all.insert(entry.hex);
    for (const auto& file_name : file_names) {
      if (!entry.name.empty() &&
          AsciiLower(entry.name) == AsciiLower(file_name)) {
        named.insert(entry.hex);
      }
    }
  }
  if (named.size() == 1) return *named.begin();
  if (all.size() == 1) return *all.begin();
  std::string wanted;
  for (const auto& file_name : file_names) {
    wanted += (wanted.empty() ? "" : " or ") + file_name;
  }
  return Fail(ErrorCode::kParse,
              named.empty() ? std::to_string(all.size()) +
                                  " different digests, none for " + wanted
                            : "different digests given for " + wanted);
}

}  // namespace clearance::fetch
