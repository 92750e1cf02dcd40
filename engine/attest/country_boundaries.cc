#include "engine/attest/country_boundaries.h"

#include <netcdf.h>
#include <unistd.h>

#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <numbers>
#include <optional>
#include <sstream>
#include <string_view>

#include "engine/crypto/sha256.h"

namespace clearance::attest {
namespace {

// Mean Earth radius for the sphere used only to prune candidates.
constexpr double kSphereRadiusKm = 6371.0088;
// |geodesic - sphere| / sphere stays below 0.56 % on WGS84; 0.6 % + 1 km
// keeps the pruning on the safe side.
constexpr double kSphereSlack = 0.006;
constexpr double kSphereSlackKm = 1.0;
// The largest ground distance of one degree of latitude (at the poles).
constexpr double kKmPerDegreeMax = 111.7;
constexpr double kDegToRad = std::numbers::pi / 180.0;
// DCW marks the break between two rings with this value in both arrays.
constexpr unsigned short kRingBreak = 65535;

UnitVector ToUnit(GeoPoint p) {
  const double la = p.lat * kDegToRad, lo = p.lon * kDegToRad;
  return {std::cos(la) * std::cos(lo), std::cos(la) * std::sin(lo),
          std::sin(la)};
}

double Dot(const UnitVector& a, const UnitVector& b) {
  return a.x * b.x + a.y * b.y + a.z * b.z;
}

double AngleRad(const UnitVector& a, const UnitVector& b) {
  return std::acos(std::clamp(Dot(a, b), -1.0, 1.0));
}

double SphereKm(GeoPoint a, GeoPoint b) {
  return AngleRad(ToUnit(a), ToUnit(b)) * kSphereRadiusKm;
}

// Perpendicular distance (degrees, lon/lat plane) from p to segment ab.
double SegmentDistanceDeg(GeoPoint p, GeoPoint a, GeoPoint b) {
  const double dx = b.lon - a.lon, dy = b.lat - a.lat;
  const double len2 = dx * dx + dy * dy;
  double t = 0;
  if (len2 > 0) {
    t = std::clamp(((p.lon - a.lon) * dx + (p.lat - a.lat) * dy) / len2, 0.0,
                   1.0);
  }
  const double ex = a.lon + t * dx - p.lon, ey = a.lat + t * dy - p.lat;
  return std::sqrt(ex * ex + ey * ey);
}

// Douglas-Peucker, iterative (China's outline has 746,414 vertices).
std::vector<GeoPoint> Simplify(const std::vector<GeoPoint>& ring,
                               double tolerance_deg) {
  if (ring.size() <= 3) return ring;
  std::vector<bool> keep(ring.size(), false);
  keep.front() = keep.back() = true;
  std::vector<std::pair<size_t, size_t>> stack = {{0, ring.size() - 1}};
  while (!stack.empty()) {
    auto [first, last] = stack.back();
    stack.pop_back();
    double worst = -1;
    size_t worst_index = first;
    for (size_t i = first + 1; i < last; ++i) {
      const double d = SegmentDistanceDeg(ring[i], ring[first], ring[last]);
      if (d > worst) worst = d, worst_index = i;
    }
    if (worst > tolerance_deg) {
      keep[worst_index] = true;
      stack.push_back({first, worst_index});
      stack.push_back({worst_index, last});
    }
  }
  std::vector<GeoPoint> out;
  for (size_t i = 0; i < ring.size(); ++i) {
    if (keep[i]) out.push_back(ring[i]);
  }
  return out;
}

void Prepare(CountryShape& c, double step_km) {
  c.min_lat = c.min_lon = 1e9;
  c.max_lat = c.max_lon = -1e9;
  for (const auto& ring : c.rings) {
    for (size_t i = 0; i < ring.size(); ++i) {
      const GeoPoint a = ring[i];
      c.min_lat = std::min(c.min_lat, a.lat);
      c.max_lat = std::max(c.max_lat, a.lat);
      c.min_lon = std::min(c.min_lon, a.lon);
      c.max_lon = std::max(c.max_lon, a.lon);
      c.samples.push_back(a);
      if (i + 1 == ring.size()) break;
      const GeoPoint b = ring[i + 1];
      const int n = static_cast<int>(std::ceil(SphereKm(a, b) / step_km));
      for (int k = 1; k < n; ++k) {
        const double t = static_cast<double>(k) / n;
        c.samples.push_back(
            {a.lat + t * (b.lat - a.lat), a.lon + t * (b.lon - a.lon)});
      }
    }
  }
  c.sample_vec.reserve(c.samples.size());
  UnitVector sum;
  for (GeoPoint p : c.samples) {
    const UnitVector v = ToUnit(p);
    c.sample_vec.push_back(v);
    sum.x += v.x, sum.y += v.y, sum.z += v.z;
  }
  const double norm = std::sqrt(Dot(sum, sum));
  if (norm > 1e-9) {
    c.cap_center = {sum.x / norm, sum.y / norm, sum.z / norm};
    for (const auto& v : c.sample_vec) {
      c.cap_radius_rad = std::max(c.cap_radius_rad, AngleRad(v, c.cap_center));
    }
  } else {
    c.cap_center = {0, 0, 1};
    c.cap_radius_rad = std::numbers::pi;  // no useful cap
  }
}

std::map<std::string, std::string> ReadNames(const std::string& path) {
  std::map<std::string, std::string> names;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.size() < 7) continue;
    // "AS CN China": continent, code, name.
    names[line.substr(3, 2)] = line.substr(6);
  }
  return names;
}

Result<std::vector<GeoPoint>> ReadVariable(int ncid, const std::string& var,
                                           const std::string& path) {
  int lon_id = 0, lat_id = 0;
  if (nc_inq_varid(ncid, (var + "_lon").c_str(), &lon_id) != NC_NOERR ||
      nc_inq_varid(ncid, (var + "_lat").c_str(), &lat_id) != NC_NOERR) {
    return Fail(ErrorCode::kParse, path + ": no " + var + "_lon/_lat");
  }
  double lon_min = 0, lon_scale = 0, lat_min = 0, lat_scale = 0;
  if (nc_get_att_double(ncid, lon_id, "min", &lon_min) != NC_NOERR ||
      nc_get_att_double(ncid, lon_id, "scale", &lon_scale) != NC_NOERR ||
      nc_get_att_double(ncid, lat_id, "min", &lat_min) != NC_NOERR ||
      nc_get_att_double(ncid, lat_id, "scale", &lat_scale) != NC_NOERR ||
      lon_scale <= 0 || lat_scale <= 0) {
    return Fail(ErrorCode::kParse,
                path + ": " + var + " lacks its min/scale attributes");
  }
  int dim = 0;
  size_t n = 0;
  if (nc_inq_vardimid(ncid, lon_id, &dim) != NC_NOERR ||
      nc_inq_dimlen(ncid, dim, &n) != NC_NOERR) {
    return Fail(ErrorCode::kIo, path + ": cannot size " + var);
  }
  std::vector<unsigned short> lon(n), lat(n);
  int status = nc_get_var_ushort(ncid, lon_id, lon.data());
  if (status == NC_NOERR) status = nc_get_var_ushort(ncid, lat_id, lat.data());
  if (status != NC_NOERR) {
    return Fail(ErrorCode::kIo,
                path + ": reading " + var + ": " + nc_strerror(status));
  }
  std::vector<GeoPoint> points(n);
  for (size_t i = 0; i < n; ++i) {
    if (lon[i] == kRingBreak) {
      points[i] = {NAN, NAN};
    } else {
      points[i] = {lat_min + lat[i] / lat_scale, lon_min + lon[i] / lon_scale};
    }
  }
  return points;
}

// ----- The decoded-border cache (country_boundaries.h, Load).

constexpr char kCacheMagic[] = "clearance-dcw-cache";
constexpr std::uint32_t kCacheFormat = 1;  // bump when the layout changes
static_assert(sizeof(GeoPoint) == 2 * sizeof(double));

std::string CacheFolder(const std::string& option) {
  if (option == "off") return "";
  if (!option.empty()) return option;
  if (const char* env = std::getenv("CLEARANCE_CACHE_DIR"); env && *env) {
    return std::string(env) == "off" ? "" : env;
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/clearance";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.cache/clearance";
  }
  return "";
}

// What the cached rings depend on: the format, both input files (path,
// size, modification time) and the simplification tolerance.
std::string CacheKey(const std::string& dcw_path, const std::string& names_path,
                     double simplify_tolerance_deg) {
  crypto::Sha256 h;
  h.Update(kCacheMagic);
  h.Update("/" + std::to_string(kCacheFormat) + "\n");
  for (const std::string& path : {dcw_path, names_path}) {
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(path, ec);
    h.Update((ec ? path : absolute.string()) + "\n");
    const auto size = std::filesystem::file_size(path, ec);
    h.Update(ec ? "absent\n" : std::to_string(size) + "\n");
    const auto mtime = std::filesystem::last_write_time(path, ec);
    h.Update(ec ? "-\n"
                : std::to_string(mtime.time_since_epoch().count()) + "\n");
  }
  char tolerance[64];
  std::snprintf(tolerance, sizeof tolerance, "%a", simplify_tolerance_deg);
  h.Update(tolerance);
  return h.FinishHex();
}

class CacheWriter {
 public:
  void U32(std::uint32_t v) { Raw(&v, sizeof v); }
  void U64(std::uint64_t v) { Raw(&v, sizeof v); }
  void F64(double v) { Raw(&v, sizeof v); }
  void Str(const std::string& v) {
    U32(static_cast<std::uint32_t>(v.size()));
    out_ += v;
  }
  void Raw(const void* p, size_t n) {
    out_.append(static_cast<const char*>(p), n);
  }
  std::string Finish() {
    const std::array<std::uint8_t, 32> digest = [&] {
      crypto::Sha256 h;
      h.Update(out_);
      return h.Finish();
    }();
    Raw(digest.data(), digest.size());
    return std::move(out_);
  }

 private:
  std::string out_;
};

class CacheReader {
 public:
  explicit CacheReader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  void Raw(void* p, size_t n) {
    if (!ok_ || data_.size() - pos_ < n) {
      ok_ = false;
      return;
    }
    std::memcpy(p, data_.data() + pos_, n);
    pos_ += n;
  }
  std::uint32_t U32() {
    std::uint32_t v = 0;
    Raw(&v, sizeof v);
    return v;
  }
  std::uint64_t U64() {
    std::uint64_t v = 0;
    Raw(&v, sizeof v);
    return v;
  }
  double F64() {
    double v = 0;
    Raw(&v, sizeof v);
    return v;
  }
  std::string Str() {
    const std::uint32_t n = U32();
    if (!ok_ || data_.size() - pos_ < n) {
      ok_ = false;
      return "";
    }
    std::string v(data_.substr(pos_, n));
    pos_ += n;
    return v;
  }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// The rings (not yet Prepare()d), names and codes of every country.
std::string EncodeCache(const std::string& key, const std::string& dataset,
                        const std::vector<CountryShape>& countries) {
  CacheWriter w;
  w.Str(kCacheMagic);
  w.U32(kCacheFormat);
  w.F64(1.5);  // byte order and double layout of the writer
  w.Str(key);
  w.Str(dataset);
  w.U32(static_cast<std::uint32_t>(countries.size()));
  for (const CountryShape& c : countries) {
    w.Str(c.code);
    w.Str(c.name);
    w.U64(c.source_points);
    w.U32(static_cast<std::uint32_t>(c.rings.size()));
    for (const auto& ring : c.rings) {
      w.U64(ring.size());
      w.Raw(ring.data(), ring.size() * sizeof(GeoPoint));
    }
  }
  return w.Finish();
}

bool DecodeCache(std::string_view bytes, const std::string& key,
                 std::string* dataset, std::vector<CountryShape>* countries) {
  if (bytes.size() < 32) return false;
  const std::string_view body = bytes.substr(0, bytes.size() - 32);
  crypto::Sha256 h;
  h.Update(body);
  const std::array<std::uint8_t, 32> digest = h.Finish();
  if (std::memcmp(digest.data(), bytes.data() + body.size(), 32) != 0) {
    return false;  // truncated or damaged
  }
  CacheReader r(body);
  if (r.Str() != kCacheMagic || r.U32() != kCacheFormat || r.F64() != 1.5 ||
      r.Str() != key) {
    return false;
  }
  *dataset = r.Str();
  const std::uint32_t n = r.U32();
  std::vector<CountryShape> out;
  for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
    CountryShape c;
    c.code = r.Str();
    c.name = r.Str();
    c.source_points = r.U64();
    const std::uint32_t rings = r.U32();
    for (std::uint32_t k = 0; k < rings && r.ok(); ++k) {
      const std::uint64_t points = r.U64();
      if (!r.ok() || points > r.remaining() / sizeof(GeoPoint)) return false;
      std::vector<GeoPoint> ring(points);
      r.Raw(ring.data(), points * sizeof(GeoPoint));
      c.rings.push_back(std::move(ring));
    }
    out.push_back(std::move(c));
  }
  if (!r.ok() || r.remaining() != 0) return false;
  *countries = std::move(out);
  return true;
}

std::optional<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Best effort: a cache that cannot be written costs only time.
void WriteCache(const std::string& file, const std::string& bytes) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(file).parent_path(),
                                      ec);
  const std::string temp =
      file + ".tmp." + std::to_string(static_cast<long>(getpid()));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      out.close();
      std::filesystem::remove(temp, ec);
      return;
    }
  }
  std::filesystem::rename(temp, file, ec);
  if (ec) std::filesystem::remove(temp, ec);
}

// Decodes every country of the DCW file: codes, names, simplified rings
// (Prepare() not yet applied), and the dataset description.
Result<void> ReadDcw(const std::string& path, const std::string& names_path,
                     double simplify_tolerance_deg, std::string* dataset,
                     std::vector<CountryShape>* countries) {
  const auto names = ReadNames(names_path);

  int ncid = 0;
  int status = nc_open(path.c_str(), NC_NOWRITE, &ncid);
  if (status != NC_NOERR) {
    return Fail(ErrorCode::kIo, path + ": " + nc_strerror(status));
  }
  {
    char version[64] = {0}, source[128] = {0};
    size_t len = 0;
    if (nc_inq_attlen(ncid, NC_GLOBAL, "version", &len) == NC_NOERR &&
        len < sizeof(version)) {
      nc_get_att_text(ncid, NC_GLOBAL, "version", version);
    }
    if (nc_inq_attlen(ncid, NC_GLOBAL, "source", &len) == NC_NOERR &&
        len < sizeof(source)) {
      nc_get_att_text(ncid, NC_GLOBAL, "source", source);
    }
    *dataset = "DCW-GMT " + std::string(version) + " (" + std::string(source) +
               "), " + path;
  }
  int nvars = 0;
  nc_inq_nvars(ncid, &nvars);
  std::vector<std::pair<std::string, std::string>> wanted;  // var, code
  for (int v = 0; v < nvars; ++v) {
    char name[NC_MAX_NAME + 1] = {0};
    if (nc_inq_varname(ncid, v, name) != NC_NOERR) continue;
    const std::string var(name);
    if (!var.ends_with("_lon")) continue;
    const std::string stem = var.substr(0, var.size() - 4);
    // DCW files Hong Kong and Macau as subdivisions of China.
    if (stem == "CNHK") {
      wanted.push_back({stem, "HK"});
    } else if (stem == "CNMO") {
      wanted.push_back({stem, "MO"});
    } else if (stem.size() == 2) {
      wanted.push_back({stem, stem});
    }
  }
  for (const auto& [var, code] : wanted) {
    auto points = ReadVariable(ncid, var, path);
    if (!points) {
      nc_close(ncid);
      return std::unexpected(points.error());
    }
    CountryShape shape;
    shape.code = code;
    auto name = names.find(code);
    shape.name = name != names.end() ? name->second : code;
    if (code == "HK") shape.name = "Hong Kong";
    if (code == "MO") shape.name = "Macao";
    shape.source_points = points->size();
    std::vector<GeoPoint> ring;
    auto flush = [&] {
      if (!ring.empty()) {
        shape.rings.push_back(Simplify(ring, simplify_tolerance_deg));
      }
      ring.clear();
    };
    for (GeoPoint p : *points) {
      if (std::isnan(p.lat)) {
        flush();
      } else {
        ring.push_back(p);
      }
    }
    flush();
    countries->push_back(std::move(shape));
  }
  nc_close(ncid);
  return {};
}

}  // namespace

double GeodesicDistanceKm(GeoPoint a, GeoPoint b) {
  double meters = 0;
  GeographicLib::Geodesic::WGS84().Inverse(a.lat, a.lon, b.lat, b.lon, meters);
  return meters / 1000.0;
}

GeoPoint GeodesicDestination(GeoPoint from, double azimuth_deg,
                             double distance_km) {
  GeoPoint to;
  GeographicLib::Geodesic::WGS84().Direct(from.lat, from.lon, azimuth_deg,
                                          distance_km * 1000.0, to.lat, to.lon);
  return to;
}

Result<std::unique_ptr<CountryBoundaries>> CountryBoundaries::Load(
    const Options& options) {
  std::string path = options.dcw_path;
  if (path.empty()) {
    const char* env = std::getenv("CLEARANCE_DCW");
    path = env && *env ? env : "/usr/share/gmt-dcw/dcw-gmt.nc";
  }
  if (!std::filesystem::exists(path)) {
    return Fail(ErrorCode::kNotFound,
                path +
                    ": no Digital Chart of the World file; install Debian's "
                    "gmt-dcw or set $CLEARANCE_DCW");
  }
  std::string names_path = options.names_path;
  if (names_path.empty()) {
    names_path =
        (std::filesystem::path(path).parent_path() / "dcw-countries.txt")
            .string();
  }
  std::unique_ptr<CountryBoundaries> out(new CountryBoundaries());
  const std::string folder = CacheFolder(options.cache_dir);
  std::string key, cache_file;
  bool cached = false;
  if (!folder.empty()) {
    key = CacheKey(path, names_path, options.simplify_tolerance_deg);
    cache_file = folder + "/dcw-" + key.substr(0, 32) + ".bin";
    if (auto bytes = ReadWhole(cache_file)) {
      cached = DecodeCache(*bytes, key, &out->dataset_, &out->countries_);
    }
  }
  if (!cached) {
    auto decoded = ReadDcw(path, names_path, options.simplify_tolerance_deg,
                           &out->dataset_, &out->countries_);
    if (!decoded) return std::unexpected(decoded.error());
    if (!cache_file.empty()) {
      WriteCache(cache_file, EncodeCache(key, out->dataset_, out->countries_));
    }
  }
  for (CountryShape& shape : out->countries_) {
    Prepare(shape, options.sample_step_km);
  }
  std::sort(out->countries_.begin(), out->countries_.end(),
            [](const auto& a, const auto& b) { return a.code < b.code; });
  out->tolerance_km_ = options.simplify_tolerance_deg * kKmPerDegreeMax +
                       options.sample_step_km / 2 + 0.5;
  return out;
}

Result<const CountryBoundaries*> CountryBoundaries::Default() {
  static std::once_flag once;
  static Result<std::unique_ptr<CountryBoundaries>>* loaded = nullptr;
  std::call_once(once, [] {
    loaded = new Result<std::unique_ptr<CountryBoundaries>>(Load(Options{}));
  });
  if (!*loaded) return std::unexpected(loaded->error());
  return loaded->value().get();
}

const CountryShape* CountryBoundaries::Find(std::string_view code) const {
  std::string upper(code);
  for (char& ch : upper) ch = static_cast<char>(std::toupper(ch));
  auto it = std::lower_bound(
      countries_.begin(), countries_.end(), upper,
      [](const CountryShape& c, const std::string& k) { return c.code < k; });
  return it != countries_.end() && it->code == upper ? &*it : nullptr;
}

bool CountryBoundaries::Contains(const CountryShape& c, GeoPoint p) const {
  if (p.lat < c.min_lat || p.lat > c.max_lat) return false;
  double lon = p.lon;
  for (double shift : {0.0, 360.0, -360.0}) {
    if (p.lon + shift >= c.min_lon && p.lon + shift <= c.max_lon) {
      lon = p.lon + shift;
      break;
    }
    if (shift == -360.0) return false;
  }
  bool inside = false;
  for (const auto& ring : c.rings) {
    for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
      const GeoPoint a = ring[i], b = ring[j];
      if ((a.lat > p.lat) != (b.lat > p.lat) &&
          lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon) {
        inside = !inside;
      }
    }
  }
  return inside;
}

double CountryBoundaries::MinDistanceKm(const CountryShape& c,
                                        GeoPoint p) const {
  if (c.samples.empty()) return INFINITY;
  if (Contains(c, p)) return 0;
  const UnitVector u = ToUnit(p);
  double best_dot = -2;
  for (const auto& v : c.sample_vec) best_dot = std::max(best_dot, Dot(u, v));
  const double sphere_min =
      std::acos(std::clamp(best_dot, -1.0, 1.0)) * kSphereRadiusKm;
  // Any sample whose geodesic distance could beat the sphere's best.
  const double limit_km =
      sphere_min * (1 + kSphereSlack) / (1 - kSphereSlack) + 2 * kSphereSlackKm;
  const double limit_dot =
      std::cos(std::min(limit_km / kSphereRadiusKm, std::numbers::pi));
  double best = INFINITY;
  for (size_t i = 0; i < c.samples.size(); ++i) {
    if (Dot(u, c.sample_vec[i]) >= limit_dot) {
      best = std::min(best, GeodesicDistanceKm(p, c.samples[i]));
    }
  }
  return best;
}

double CountryBoundaries::CapLowerBoundKm(const CountryShape& c,
                                          GeoPoint p) const {
  const double angle = AngleRad(ToUnit(p), c.cap_center) - c.cap_radius_rad;
  return std::max(
      0.0, angle * kSphereRadiusKm * (1 - kSphereSlack) - kSphereSlackKm);
}

bool CountryBoundaries::MayMeetIntersection(
    const CountryShape& c, std::span<const GeoDisk> disks,
    std::optional<GeoPoint> feasible_point) const {
  struct Prepared {
    UnitVector center;
    double surely_in_dot;   // dot above this: inside for sure
    double surely_out_dot;  // dot below this: outside for sure
    double radius_km;
  };
  std::vector<Prepared> prepared;
  for (const GeoDisk& d : disks) {
    const double r = d.radius_km + tolerance_km_;
    const double in_km =
        std::max(0.0, (r - kSphereSlackKm) / (1 + kSphereSlack));
    const double out_km = (r + kSphereSlackKm) / (1 - kSphereSlack);
    prepared.push_back(
        {ToUnit(d.center),
         std::cos(std::min(in_km / kSphereRadiusKm, std::numbers::pi)),
         std::cos(std::min(out_km / kSphereRadiusKm, std::numbers::pi)), r});
  }
  for (size_t i = 0; i < c.samples.size(); ++i) {
    bool in_all = true;
    for (size_t k = 0; k < prepared.size() && in_all; ++k) {
      const double dot = Dot(prepared[k].center, c.sample_vec[i]);
      if (dot >= prepared[k].surely_in_dot) continue;
      if (dot < prepared[k].surely_out_dot) {
        in_all = false;
      } else {
        in_all = GeodesicDistanceKm(disks[k].center, c.samples[i]) <=
                 prepared[k].radius_km;
      }
    }
    if (in_all) return true;
  }
  return feasible_point.has_value() && Contains(c, *feasible_point);
}

}  // namespace clearance::attest
