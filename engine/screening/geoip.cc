#include "engine/screening/geoip.h"

#include <GeoIP.h>
#include <arpa/inet.h>
#include <maxminddb.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <vector>

namespace clearance::screening::internal {

namespace {

constexpr const char* kLegacyDir = "/usr/share/GeoIP";

struct GeoIpDeleter {
  void operator()(GeoIP* gi) const { GeoIP_delete(gi); }
};
using LegacyHandle = std::unique_ptr<GeoIP, GeoIpDeleter>;

bool IsFile(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

bool EndsWithDat(const std::string& path) {
  if (path.size() < 4) return false;
  std::string tail = path.substr(path.size() - 4);
  for (char& c : tail) c = static_cast<char>(std::tolower(c));
  return tail == ".dat";
}

std::string Date(std::time_t epoch) {
  char built[32] = "?";
  std::tm tm{};
  if (gmtime_r(&epoch, &tm) != nullptr)
    std::strftime(built, sizeof built, "%Y-%m-%d", &tm);
  return built;
}

// A legacy country file, checked to be one: GeoIP_open() accepts any
// readable file (it falls back to "country edition" when it finds no
// structure info), so the edition and the database info are both required.
struct LegacyFile {
  LegacyHandle handle;
  bool ipv6 = false;
  std::string info;  // "GEO-106FREE 20260704 Build 1 ..."
};

Result<LegacyFile> OpenLegacy(const std::string& path) {
  const std::string expected =
      "expected a legacy GeoIP country database (libGeoIP format, like "
      "Debian geoip-database's GeoIP.dat or GeoIPv6.dat)";
  if (!IsFile(path))
    return Fail(ErrorCode::kIo, path + ": no such file; " + expected);
  LegacyFile file;
  file.handle.reset(
      GeoIP_open(path.c_str(), GEOIP_MEMORY_CACHE | GEOIP_SILENCE));
  if (file.handle == nullptr)
    return Fail(ErrorCode::kIo, path + ": cannot be read; " + expected);
  char* info = GeoIP_database_info(file.handle.get());
  if (info == nullptr)
    return Fail(ErrorCode::kIo,
                path +
                    ": no GeoIP structure info (corrupt or not a GeoIP "
                    "file); " +
                    expected);
  file.info = info;
  std::free(info);
  const int edition = GeoIP_database_edition(file.handle.get());
  switch (edition) {
    case GEOIP_COUNTRY_EDITION:
    case GEOIP_LARGE_COUNTRY_EDITION:
      file.ipv6 = false;
      break;
    case GEOIP_COUNTRY_EDITION_V6:
    case GEOIP_LARGE_COUNTRY_EDITION_V6:
      file.ipv6 = true;
      break;
    default: {
      const char* name = edition >= 0 && edition < NUM_DB_TYPES
                             ? GeoIPDBDescription[edition]
                             : nullptr;
      return Fail(ErrorCode::kIo,
                  path + ": legacy GeoIP edition " + std::to_string(edition) +
                      " (" + (name ? name : "unknown") + "); " + expected);
    }
  }
  return file;
}

// "GEO-106FREE 20260704 Build 1 Copyright ..." -> "GEO-106FREE, built
// 2026-07-04"; the info text itself when it has no YYYYMMDD word.
std::string LegacyEdition(const std::string& info) {
  const size_t space = info.find(' ');
  const std::string name = info.substr(0, space);
  if (space != std::string::npos && info.size() >= space + 9) {
    const std::string date = info.substr(space + 1, 8);
    bool digits = true;
    for (char c : date) digits = digits && std::isdigit(c);
    if (digits) {
      return name + ", built " + date.substr(0, 4) + "-" + date.substr(4, 2) +
             "-" + date.substr(6, 2);
    }
  }
  return info;
}

// The legacy databases use a few codes that are not countries.
bool IsIsoCountry(const char* code) {
  if (code == nullptr || std::strlen(code) != 2) return false;
  for (const char* pseudo : {"--", "A1", "A2", "O1", "AP", "EU"}) {
    if (std::strcmp(code, pseudo) == 0) return false;
  }
  return std::isupper(static_cast<unsigned char>(code[0])) &&
         std::isupper(static_cast<unsigned char>(code[1]));
}

std::string Text(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UTF8_STRING) {
    return "";
  }
  return std::string(data.utf8_string, data.data_size);
}

}  // namespace

struct GeoIp::Impl {
  MMDB_s mmdb{};
  bool mmdb_open = false;
  LegacyHandle legacy_v4, legacy_v6;
  ~Impl() {
    if (mmdb_open) MMDB_close(&mmdb);
  }

  Result<void> OpenMmdb(const std::string& file, std::string* description) {
    const int status = MMDB_open(file.c_str(), MMDB_MODE_MMAP, &mmdb);
    if (status != MMDB_SUCCESS) {
      return Fail(ErrorCode::kIo, file +
                                      ": cannot open as a MaxMind DB (.mmdb, "
                                      "e.g. GeoLite2-City.mmdb): " +
                                      MMDB_strerror(status));
    }
    mmdb_open = true;
    const auto& meta = mmdb.metadata;
    *description =
        std::string(meta.database_type ? meta.database_type : "MMDB") +
        " built " + Date(static_cast<std::time_t>(meta.build_epoch)) + " (" +
        file + ")";
    return Ok();
  }

  // `files`: one explicit file, or the Debian defaults that exist.
  Result<void> OpenLegacyFiles(const std::vector<std::string>& files,
                               bool debian_default, std::string* description) {
    std::string edition, paths;
    for (const std::string& path : files) {
      auto file = OpenLegacy(path);
      if (!file) return std::unexpected(file.error());
      LegacyHandle& slot = file->ipv6 ? legacy_v6 : legacy_v4;
      if (slot != nullptr) {
        return Fail(ErrorCode::kIo,
                    path + ": a second legacy " +
                        (file->ipv6 ? "IPv6" : "IPv4") +
                        " country database; expected GeoIP.dat (IPv4) and "
                        "GeoIPv6.dat (IPv6)");
      }
      slot = std::move(file->handle);
      if (edition.empty()) edition = LegacyEdition(file->info);
      paths += (paths.empty() ? "" : " + ") + path;
    }
    const char* coverage = legacy_v4 && legacy_v6 ? ""
                           : legacy_v4            ? "; IPv4 only"
                                                  : "; IPv6 only";
    *description = std::string("GeoIP legacy country (") +
                   (debian_default ? "Debian geoip-database " : "") + edition +
                   ") (" + paths + coverage + "); no regions";
    return Ok();
  }
};

GeoIp::GeoIp() : impl_(std::make_unique<Impl>()) {}
GeoIp::~GeoIp() = default;

Result<std::unique_ptr<GeoIp>> GeoIp::Open(const std::string& path) {
  std::unique_ptr<GeoIp> geo(new GeoIp());
  Result<void> opened;
  if (path == "off") {
    geo->description_ =
        "none: geolocation off; IP events keep their own country/region";
    return geo;
  }
  if (!path.empty()) {
    opened = EndsWithDat(path) ? geo->impl_->OpenLegacyFiles({path}, false,
                                                             &geo->description_)
                               : geo->impl_->OpenMmdb(path, &geo->description_);
  } else {
    std::string mmdb;
    for (const char* dir : {"/usr/share/GeoIP", "/var/lib/GeoIP"}) {
      for (const char* name :
           {"GeoLite2-City.mmdb", "GeoIP2-City.mmdb", "dbip-city-lite.mmdb",
            "GeoLite2-Country.mmdb", "dbip-country-lite.mmdb"}) {
        const std::string candidate = std::string(dir) + "/" + name;
        if (mmdb.empty() && IsFile(candidate)) mmdb = candidate;
      }
    }
    std::vector<std::string> legacy;
    for (const char* name : {"GeoIP.dat", "GeoIPv6.dat"}) {
      const std::string candidate = std::string(kLegacyDir) + "/" + name;
      if (IsFile(candidate)) legacy.push_back(candidate);
    }
    if (!mmdb.empty()) {
      opened = geo->impl_->OpenMmdb(mmdb, &geo->description_);
    } else if (!legacy.empty()) {
      opened = geo->impl_->OpenLegacyFiles(legacy, true, &geo->description_);
    } else {
      geo->description_ =
          "none: no .mmdb under /usr/share/GeoIP or /var/lib/GeoIP and no "
          "/usr/share/GeoIP/GeoIP.dat (Debian package geoip-database); IP "
          "events keep their own country/region";
    }
  }
  if (!opened) return std::unexpected(opened.error());
  return geo;
}

bool GeoIp::loaded() const {
  return impl_->mmdb_open || impl_->legacy_v4 != nullptr ||
         impl_->legacy_v6 != nullptr;
}

const char* GeoIp::source() const {
  if (impl_->mmdb_open) return "mmdb";
  return loaded() ? "geoip_legacy" : "none";
}

std::optional<GeoResult> GeoIp::Lookup(const std::string& address) const {
  if (impl_->mmdb_open) {
    int gai_error = 0, mmdb_error = 0;
    MMDB_lookup_result_s result = MMDB_lookup_string(
        &impl_->mmdb, address.c_str(), &gai_error, &mmdb_error);
    if (gai_error != 0 || mmdb_error != MMDB_SUCCESS || !result.found_entry)
      return std::nullopt;
    GeoResult out;
    static const char* const kCountry[] = {"country", "iso_code", nullptr};
    static const char* const kSubdivision[] = {"subdivisions", "0", "iso_code",
                                               nullptr};
    static const char* const kCity[] = {"city", "names", "en", nullptr};
    out.country = Text(&result.entry, kCountry);
    const std::string subdivision = Text(&result.entry, kSubdivision);
    if (!subdivision.empty() && !out.country.empty())
      out.region = out.country + "-" + subdivision;
    out.city = Text(&result.entry, kCity);
    if (out.country.empty()) return std::nullopt;
    return out;
  }

  // Legacy: parse the address ourselves (strictly numeric, so libGeoIP never
  // sees a host name) and send it to the file for its family, in canonical
  // text. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is looked up as IPv4.
  unsigned char bytes[16];
  char canonical[INET6_ADDRSTRLEN];
  bool ipv6 = false;
  if (inet_pton(AF_INET, address.c_str(), bytes) == 1) {
    ipv6 = false;
  } else if (inet_pton(AF_INET6, address.c_str(), bytes) == 1) {
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0,    0,
                                              0, 0, 0, 0, 0xff, 0xff};
    ipv6 = std::memcmp(bytes, kMapped, sizeof kMapped) != 0;
    if (!ipv6) std::memmove(bytes, bytes + 12, 4);
  } else {
    return std::nullopt;
  }
  GeoIP* gi = ipv6 ? impl_->legacy_v6.get() : impl_->legacy_v4.get();
  if (gi == nullptr || inet_ntop(ipv6 ? AF_INET6 : AF_INET, bytes, canonical,
                                 sizeof canonical) == nullptr) {
    return std::nullopt;
  }
  GeoIPLookup gl{};
  const char* code = ipv6 ? GeoIP_country_code_by_addr_v6_gl(gi, canonical, &gl)
                          : GeoIP_country_code_by_addr_gl(gi, canonical, &gl);
  if (!IsIsoCountry(code)) return std::nullopt;
  return GeoResult{code, "", ""};
}

}  // namespace clearance::screening::internal
