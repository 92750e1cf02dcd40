// Country territories for location verification, read from the Digital
// Chart of the World as GMT ships it (Debian package gmt-dcw:
// /usr/share/gmt-dcw/dcw-gmt.nc, NetCDF-4), and the geodesic tests the
// location verdict needs on them.
//
// Loading decodes every country polygon of the file (the two-letter
// variables, plus Hong Kong and Macau, which DCW files as the Chinese
// subdivisions CNHK and CNMO), simplifies each ring with Douglas-Peucker in
// longitude/latitude and samples the simplified edges at `sample_step_km`.
// Every distance answer is then exact to within `tolerance_km()`: the
// simplification error plus half a sampling step. Callers that must be
// sound (exclusion) widen their tests by that tolerance.
//
// Distances are geodesics on the WGS84 ellipsoid (GeographicLib); a unit-
// sphere dot product only prunes candidates first, with a margin that
// covers the sphere/ellipsoid difference (< 0.6 %).
//
// Thread safety: a loaded CountryBoundaries is immutable; all const methods
// are thread-safe. Default() loads once per process.
//
// Usage:
//   auto b = CountryBoundaries::Default();        // Result<const ...*>
//   if (!b) return b.error();
//   const CountryShape* cn = (*b)->Find("CN");
//   double km = (*b)->MinDistanceKm(*cn, {1.29, 103.85});  // >= ~1,400 km
#ifndef CLEARANCE_ENGINE_ATTEST_COUNTRY_BOUNDARIES_H_
#define CLEARANCE_ENGINE_ATTEST_COUNTRY_BOUNDARIES_H_

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"

namespace clearance::attest {

// Geographic coordinates in degrees (WGS84), longitude east-positive.
struct GeoPoint {
  double lat = 0;
  double lon = 0;
};

// A geodesic disk: every point within `radius_km` of `center`.
struct GeoDisk {
  GeoPoint center;
  double radius_km = 0;
};

// Geodesic distance on WGS84 in km (GeographicLib::Geodesic::WGS84()).
double GeodesicDistanceKm(GeoPoint a, GeoPoint b);

// The point `distance_km` from `from` along azimuth `azimuth_deg`.
GeoPoint GeodesicDestination(GeoPoint from, double azimuth_deg,
                             double distance_km);

struct UnitVector {
  double x = 0, y = 0, z = 0;
};

// One country's territory: simplified rings (even-odd rule, so holes such
// as Lesotho inside South Africa are honoured) and the boundary samples.
struct CountryShape {
  std::string code;  // ISO 3166-1 alpha-2 ("CN", "HK", "MO", "XK")
  std::string name;  // from dcw-countries.txt, e.g. "China"
  // Longitudes are as DCW stores them, continuous within a country (Russia
  // runs 19.8 .. 191.0), so a ring never jumps across the antimeridian.
  std::vector<std::vector<GeoPoint>> rings;
  double min_lat = 0, max_lat = 0, min_lon = 0, max_lon = 0;
  std::vector<GeoPoint> samples;       // vertices + edge points, <= step
  std::vector<UnitVector> sample_vec;  // the same on the unit sphere
  UnitVector cap_center;               // bounding cap of the samples
  double cap_radius_rad = 0;
  size_t source_points = 0;  // vertices in the dataset before simplifying
};

class CountryBoundaries {
 public:
  struct Options {
    // The DCW NetCDF file. Default: $CLEARANCE_DCW if set, else
    // /usr/share/gmt-dcw/dcw-gmt.nc.
    std::string dcw_path;
    // The matching dcw-countries.txt (names). Default: next to dcw_path.
    std::string names_path;
    // Douglas-Peucker tolerance in degrees (default 0.01 deg, <= 1.12 km).
    double simplify_tolerance_deg = 0.01;
    // Longest gap between boundary samples (default 10 km).
    double sample_step_km = 10;
    // Folder of the decoded-border cache (below). "" = $CLEARANCE_CACHE_DIR,
    // else $XDG_CACHE_HOME/clearance, else $HOME/.cache/clearance;
    // "off" = neither read nor write a cache.
    std::string cache_dir;
  };

  // Reads and prepares every country. Errors: kNotFound (no file at the
  // path; install Debian's gmt-dcw or set $CLEARANCE_DCW), kParse (a
  // variable lacks its min/scale attributes), kIo (NetCDF read error).
  //
  // Decoding and simplifying the NetCDF file takes about a second, so the
  // simplified rings are cached in a compact binary file
  // (dcw-<key>.bin in the cache folder: format version, the key, every
  // country's code, name and rings as raw doubles, a SHA-256 of it all).
  // The key is a digest of the format version, the DCW and names files'
  // paths, sizes and modification times, and simplify_tolerance_deg, so a
  // new dataset or another tolerance never reads a stale cache. A missing,
  // foreign or damaged cache file is ignored and rewritten (atomically:
  // written aside, then renamed); a cache that cannot be written costs
  // only time. The samples and caps are recomputed from the rings either
  // way, so the result is identical with or without the cache.
  static Result<std::unique_ptr<CountryBoundaries>> Load(
      const Options& options);

  // The process-wide instance with default Options, loaded on first call
  // (about a second); later calls return the same pointer or error.
  static Result<const CountryBoundaries*> Default();

  const std::vector<CountryShape>& countries() const { return countries_; }
  // nullptr if the dataset has no such country (code case-insensitive).
  const CountryShape* Find(std::string_view code) const;

  // Slack of every answer below, in km: simplification + half a step.
  double tolerance_km() const { return tolerance_km_; }
  std::string dataset() const { return dataset_; }  // "DCW-GMT 2.1.1 (...)"

  // True if `p` is inside the simplified territory (even-odd over rings).
  bool Contains(const CountryShape& country, GeoPoint p) const;

  // Minimum geodesic distance in km from `p` to the territory: 0 inside,
  // else the distance to the nearest boundary sample. The true distance
  // is at least the result minus tolerance_km().
  double MinDistanceKm(const CountryShape& country, GeoPoint p) const;

  // A lower bound (km) of MinDistanceKm from the bounding cap; cheap.
  double CapLowerBoundKm(const CountryShape& country, GeoPoint p) const;

  // True if the territory may meet the intersection of `disks` (each
  // widened by tolerance_km()): some boundary sample lies in every disk,
  // or `feasible_point` (a point known to be in the intersection) lies in
  // the territory. REQUIRES: every radius < 10,000 km, so that each disk is
  // convex and the intersection connected; then a territory that meets
  // the intersection without any boundary point in it contains all of it.
  bool MayMeetIntersection(const CountryShape& country,
                           std::span<const GeoDisk> disks,
                           std::optional<GeoPoint> feasible_point) const;

 private:
  CountryBoundaries() = default;
  std::vector<CountryShape> countries_;
  double tolerance_km_ = 0;
  std::string dataset_;
};

}  // namespace clearance::attest

#endif  // CLEARANCE_ENGINE_ATTEST_COUNTRY_BOUNDARIES_H_
