#include "engine/screening/geoip.h"

#include <maxminddb.h>

#include <cstring>
#include <ctime>
#include <filesystem>

namespace clearance::screening::internal {

struct GeoIp::Impl {
  MMDB_s mmdb{};
  bool open = false;
  ~Impl() {
    if (open) MMDB_close(&mmdb);
  }
};

GeoIp::GeoIp() : impl_(std::make_unique<Impl>()) {}
GeoIp::~GeoIp() = default;

Result<std::unique_ptr<GeoIp>> GeoIp::Open(const std::string& path) {
  std::unique_ptr<GeoIp> geo(new GeoIp());
  std::string file = path;
  if (file.empty()) {
    for (const char* dir : {"/usr/share/GeoIP", "/var/lib/GeoIP"}) {
      for (const char* name :
           {"GeoLite2-City.mmdb", "GeoIP2-City.mmdb", "dbip-city-lite.mmdb",
            "GeoLite2-Country.mmdb", "dbip-country-lite.mmdb"}) {
        std::error_code ec;
        const std::string candidate = std::string(dir) + "/" + name;
        if (file.empty() && std::filesystem::is_regular_file(candidate, ec))
          file = candidate;
      }
    }
    if (file.empty()) {
      geo->description_ =
          "none: no MMDB under /usr/share/GeoIP or /var/lib/GeoIP (Debian's "
          "geoip-database "
          "ships legacy GeoIP.dat only); IP events keep their own "
          "country/region";
      return geo;
    }
  }
  const int status = MMDB_open(file.c_str(), MMDB_MODE_MMAP, &geo->impl_->mmdb);
  if (status != MMDB_SUCCESS) {
    return Fail(ErrorCode::kIo,
                file + ": cannot open as MMDB: " + MMDB_strerror(status));
  }
  geo->impl_->open = true;
  const auto& meta = geo->impl_->mmdb.metadata;
  char built[32] = "?";
  const std::time_t epoch = static_cast<std::time_t>(meta.build_epoch);
  std::tm tm{};
  if (gmtime_r(&epoch, &tm) != nullptr)
    std::strftime(built, sizeof built, "%Y-%m-%d", &tm);
  geo->description_ =
      std::string(meta.database_type ? meta.database_type : "MMDB") +
      " built " + built + " (" + file + ")";
  return geo;
}

bool GeoIp::loaded() const { return impl_->open; }

namespace {

std::string Text(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UTF8_STRING) {
    return "";
  }
  return std::string(data.utf8_string, data.data_size);
}

}  // namespace

std::optional<GeoResult> GeoIp::Lookup(const std::string& address) const {
  if (!impl_->open) return std::nullopt;
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

}  // namespace clearance::screening::internal
