// Internal: IP geolocation for IP events (docs/records.md, "IP events").
// Two database formats, each read by its own library, used only here:
//
//   - MaxMind DB (.mmdb, libmaxminddb): GeoLite2/GeoIP2/DB-IP City or
//     Country. A City database gives the country, the first subdivision as
//     an ISO 3166-2 region ("UA-40" Sevastopol, "UA-43" Crimea, "UA-14"
//     Donetsk) and the English city name.
//   - Legacy GeoIP country (.dat, libGeoIP): what Debian bookworm's
//     `geoip-database` package ships (/usr/share/GeoIP/GeoIP.dat for IPv4,
//     GeoIPv6.dat for IPv6). Country only: it never gives a region or city,
//     so it cannot tell Crimea/DNR/LNR from the rest of Ukraine.
//
// Which one Open() uses:
//   path ending in ".dat"  that legacy file alone (IPv4 or IPv6 by its
//                          edition);
//   any other path         that file as MMDB;
//   ""                     the first of GeoLite2-City.mmdb, GeoIP2-City.mmdb,
//                          dbip-city-lite.mmdb, GeoLite2-Country.mmdb,
//                          dbip-country-lite.mmdb under /usr/share/GeoIP,
//                          then /var/lib/GeoIP; else the legacy
//                          /usr/share/GeoIP/GeoIP.dat and GeoIPv6.dat
//                          (either or both); else none.
//
// Thread safety: immutable after Open(); Lookup() may run concurrently
// (MMDB is memory-mapped read-only; the legacy files are loaded with
// GEOIP_MEMORY_CACHE and looked up with the *_gl functions, which keep no
// per-lookup state in the GeoIP handle).
#ifndef CLEARANCE_ENGINE_SCREENING_GEOIP_H_
#define CLEARANCE_ENGINE_SCREENING_GEOIP_H_

#include <memory>
#include <optional>
#include <string>

#include "engine/common/error.h"

namespace clearance::screening::internal {

struct GeoResult {
  std::string country;  // ISO alpha-2, never empty in a Lookup() result
  std::string region;   // ISO 3166-2 "UA-43" (from subdivisions), "" if none
  std::string city;     // English city name, "" if none
};

class GeoIp {
 public:
  // Opens the database chosen as in the overview; `path` "off" opens none
  // (replay of a decision made without geolocation). A missing default is
  // not an error (loaded() is false and description() starts with "none").
  // kIo, naming the file and the format expected, when an explicit path,
  // or a default file that exists, cannot be opened as that format (a
  // truncated or corrupt MMDB, a legacy file that is not a country
  // edition).
  static Result<std::unique_ptr<GeoIp>> Open(const std::string& path);
  ~GeoIp();

  // The location of `address` (IPv4 dotted quad or IPv6 text; never a host
  // name, no DNS). nullopt when no database is loaded, the address does not
  // parse, is not in the database, or has no ISO country (legacy
  // pseudo-countries such as A1 "anonymous proxy", AP, EU).
  std::optional<GeoResult> Lookup(const std::string& address) const;
  bool loaded() const;
  // Which kind answered Lookup(), for evidence: "mmdb", "geoip_legacy", or
  // "none" when nothing is loaded.
  const char* source() const;
  // Which database, for Decision::versions.geoip_database, e.g.
  //   "GeoLite2-City built 2026-01-13 (/usr/share/GeoIP/GeoLite2-City.mmdb)"
  //   "GeoIP legacy country (Debian geoip-database GEO-106FREE, built
  //    2026-07-04) (/usr/share/GeoIP/GeoIP.dat +
  //    /usr/share/GeoIP/GeoIPv6.dat); no regions"
  //   "GeoIP legacy country (GEO-106FREE, built 2026-07-04)
  //    (/srv/GeoIP.dat; IPv4 only); no regions"   (an explicit .dat)
  //   "none: ..."
  const std::string& description() const { return description_; }

 private:
  GeoIp();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string description_;
};

}  // namespace clearance::screening::internal

#endif  // CLEARANCE_ENGINE_SCREENING_GEOIP_H_
