// Internal: IP geolocation over a MaxMind MMDB file (libmaxminddb; the one
// module that uses it). Debian bookworm's geoip-database ships only the
// legacy GeoIP.dat/GeoIPv6.dat (country-level, libGeoIP format), not MMDB:
// with no .mmdb file the locator is "none" and events keep the country and
// region they carry (docs/records.md, "IP events").
//
// Thread safety: immutable after Open(); Lookup() may run concurrently.
#ifndef CLEARANCE_ENGINE_SCREENING_GEOIP_H_
#define CLEARANCE_ENGINE_SCREENING_GEOIP_H_

#include <memory>
#include <optional>
#include <string>

#include "engine/common/error.h"

namespace clearance::screening::internal {

struct GeoResult {
  std::string country;  // ISO alpha-2, "" if unknown
  std::string region;   // ISO 3166-2 "UA-43" (from subdivisions), "" if none
  std::string city;     // English city name, "" if none
};

class GeoIp {
 public:
  // Opens `path`; with "" searches /usr/share/GeoIP and /var/lib/GeoIP for
  // GeoLite2-City.mmdb, GeoIP2-City.mmdb, dbip-city-lite.mmdb,
  // GeoLite2-Country.mmdb, dbip-country-lite.mmdb (first found). A missing
  // default is not an error (description() then starts with "none").
  // kIo when an explicit path cannot be opened as MMDB.
  static Result<std::unique_ptr<GeoIp>> Open(const std::string& path);
  ~GeoIp();

  // nullopt when no database is loaded or the address is not in it.
  std::optional<GeoResult> Lookup(const std::string& address) const;
  bool loaded() const;
  // "GeoLite2-City built 2026-01-13 (/usr/share/GeoIP/GeoLite2-City.mmdb)"
  // or "none: ...".
  const std::string& description() const { return description_; }

 private:
  GeoIp();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string description_;
};

}  // namespace clearance::screening::internal

#endif  // CLEARANCE_ENGINE_SCREENING_GEOIP_H_
