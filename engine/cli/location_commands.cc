// `clearance attest locate`: the location verdict from a recorded set of
// signed landmark RTTs (docs/attestation.md, "Location").
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/attest/country_boundaries.h"
#include "engine/attest/landmarks.h"
#include "engine/attest/location.h"
#include "engine/cli/cli.h"
#include "engine/cli/output.h"

namespace clearance::cli {
namespace {

using nlohmann::ordered_json;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kNotFound, path + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "2026-03-02T08:00:00Z" -> microseconds since the epoch.
std::optional<int64_t> ParseIsoUs(const std::string& text) {
  std::tm tm{};
  if (text.size() != 20 || text[10] != 'T' || text[19] != 'Z' ||
      !strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) {
    return std::nullopt;
  }
  return static_cast<int64_t>(timegm(&tm)) * 1000000;
}

std::optional<double> ParseNumber(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::string> HexToBytes(const std::string& hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    char* end = nullptr;
    const std::string byte = hex.substr(i, 2);
    const long v = std::strtol(byte.c_str(), &end, 16);
    if (*end != '\0') return std::nullopt;
    out += static_cast<char>(v);
  }
  return out;
}

int Usage(const std::string& message) {
  std::fprintf(stderr, "clearance: error: %s\n", message.c_str());
  return kExitUsage;
}

std::string Fixed(double v, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

int RunLocate(const Args& args) {
  const auto rtts_path = args.Get("rtts");
  const auto country = args.Get("claim-country");
  if (!rtts_path || !country) {
    return Usage("attest locate needs --rtts FILE and --claim-country CC");
  }
  attest::LocationClaim claim;
  claim.country = *country;
  const auto lat_text = args.Get("claim-lat");
  const auto lon_text = args.Get("claim-lon");
  if (lat_text.has_value() != lon_text.has_value()) {
    return Usage("--claim-lat and --claim-lon go together");
  }
  if (lat_text) {
    const auto lat = ParseNumber(*lat_text), lon = ParseNumber(*lon_text);
    if (!lat || !lon || std::fabs(*lat) > 90 || std::fabs(*lon) > 180) {
      return Usage(
          "--claim-lat/--claim-lon must be degrees (-90..90, "
          "-180..180)");
    }
    claim.position = attest::GeoPoint{*lat, *lon};
  }

  attest::LocationOptions options;
  const std::string now_text = args.GetOr("now", NowIso8601());
  const auto now = ParseIsoUs(now_text);
  if (!now) return Usage("--now must be YYYY-MM-DDTHH:MM:SSZ");
  options.now_us = *now;
  options.as_of = args.GetOr("as-of", now_text.substr(0, 10));
  if (options.as_of.size() != 10 || options.as_of[4] != '-' ||
      options.as_of[7] != '-') {
    return Usage("--as-of must be YYYY-MM-DD");
  }
  if (auto age = args.Get("max-age")) {
    const auto seconds = ParseNumber(*age);
    if (!seconds || *seconds <= 0) return Usage("--max-age must be seconds");
    options.max_age_us = static_cast<int64_t>(*seconds * 1e6);
  }
  if (auto key = args.Get("host-key")) {
    auto bytes = HexToBytes(*key);
    if (!bytes || bytes->size() != 32) {
      return Usage("--host-key must be 64 hex digits (Ed25519 public key)");
    }
    options.enrolled_host_key = *bytes;
  }
  std::unique_ptr<attest::CountryBoundaries> own_boundaries;
  if (auto dcw = args.Get("dcw")) {
    attest::CountryBoundaries::Options o;
    o.dcw_path = *dcw;
    auto loaded = attest::CountryBoundaries::Load(o);
    if (!loaded) return ReportError(loaded.error());
    own_boundaries = std::move(*loaded);
    options.boundaries = own_boundaries.get();
  }

  std::vector<attest::Landmark> landmarks = attest::DefaultLandmarks();
  if (auto path = args.Get("landmarks")) {
    auto loaded = attest::LoadLandmarks(*path);
    if (!loaded) return ReportError(loaded.error());
    landmarks = std::move(*loaded);
  }
  auto text = ReadFile(*rtts_path);
  if (!text) return ReportError(text.error());
  auto set = attest::ParseRttSet(*text, *rtts_path);
  if (!set) {
    std::fprintf(stderr, "clearance: error: %s\n",
                 set.error().message().c_str());
    return kExitInput;
  }
  auto report = attest::VerifyLocation(*set, landmarks, claim, options);
  if (!report) {
    if (report.error().code() == ErrorCode::kInvalidArgument) {
      return Usage(report.error().message());
    }
    return ReportError(report.error());
  }
  const attest::LocationVerdict& v = report->verdict;
  const bool verified = v.claim_consistent && v.excludes_restricted;

  if (args.Has("json")) {
    ordered_json j;
    j["claim_consistent"] = v.claim_consistent;
    j["excludes_restricted"] = v.excludes_restricted;
    j["possible_countries"] = v.possible_countries;
    j["possible_restricted"] = v.possible_restricted;
    j["feasible_radius_km"] = std::round(v.feasible_radius_km * 10) / 10;
    j["reason"] = v.reason;
    j["as_of"] = options.as_of;
    j["landmarks"] = ordered_json::array();
    for (const auto& b : report->bounds) {
      j["landmarks"].push_back(
          {{"id", b.landmark.id},
           {"city", b.landmark.city},
           {"lat", b.landmark.position.lat},
           {"lon", b.landmark.position.lon},
           {"samples", b.samples},
           {"rejected", b.rejected},
           {"min_rtt_ms", b.min_rtt_ms},
           {"radius_km", std::round(b.radius_km * 10) / 10},
           {"fiber_radius_km", std::round(b.fiber_radius_km * 10) / 10}});
    }
    if (report->feasible_point) {
      j["feasible_point"] = {{"lat", report->feasible_point->lat},
                             {"lon", report->feasible_point->lon}};
    }
    j["restricted"] = ordered_json::array();
    for (const auto& r : report->restricted) {
      j["restricted"].push_back({{"id", r.id},
                                 {"name", r.name},
                                 {"basis", r.basis},
                                 {"excluded", r.excluded},
                                 {"excluded_by", r.excluded_by}});
    }
    j["checks"] = ordered_json::array();
    for (const auto& c : v.checks) {
      j["checks"].push_back(
          {{"name", c.name}, {"passed", c.passed}, {"detail", c.detail}});
    }
    j["dataset"] = report->dataset;
    std::printf("%s\n", j.dump(2).c_str());
    return verified ? kExitOk : kExitFailure;
  }

  std::printf("Location of the host claiming %s", claim.country.c_str());
  if (claim.position) {
    std::printf(" (%s, %s)", Fixed(claim.position->lat, 4).c_str(),
                Fixed(claim.position->lon, 4).c_str());
  }
  std::printf(", restricted lists as of %s\n\n", options.as_of.c_str());
  Table bounds({"landmark", "city", "samples", "min RTT ms", "bound km (c)",
                "fiber km (2/3 c)"});
  for (size_t i = 2; i < 6; ++i) bounds.AlignRight(i);
  for (const auto& b : report->bounds) {
    bounds.AddRow({b.landmark.id, b.landmark.city, std::to_string(b.samples),
                   Fixed(b.min_rtt_ms, 3),
                   WithThousands(std::llround(b.radius_km)),
                   WithThousands(std::llround(b.fiber_radius_km))});
  }
  std::printf("%s\n", bounds.Render().c_str());
  for (const auto& c : v.checks) {
    std::printf("[%s] %s%s%s\n", c.passed ? "ok" : "FAIL", c.name.c_str(),
                c.detail.empty() ? "" : ": ", c.detail.c_str());
  }
  std::string possible;
  for (const auto& code : v.possible_countries) {
    possible += (possible.empty() ? "" : " ") + code;
  }
  std::printf("\npossible countries: %s\n", possible.c_str());
  std::printf("claim consistent: %s\nrestricted destinations excluded: %s\n",
              v.claim_consistent ? "yes" : "no",
              v.excludes_restricted ? "yes" : "no");
  std::printf("%s\n", v.reason.c_str());
  return verified ? kExitOk : kExitFailure;
}

}  // namespace

std::vector<Command> LocationCommands() {
  Command locate;
  locate.spec.path = "attest locate";
  locate.spec.usage =
      "--rtts FILE --claim-country CC [--claim-lat LAT --claim-lon LON] "
      "[--as-of DATE] [--json]";
  locate.spec.summary = "bound a GPU host's location from signed landmark RTTs";
  locate.spec.details =
      "Verifies every signed landmark response in FILE (Ed25519 signature,\n"
      "landmark id, nonce, timestamp), bounds the host within RTT/2 x c of\n"
      "each landmark (vacuum speed of light; the fiber estimate is shown\n"
      "too), intersects the disks on WGS84 and tests them against the\n"
      "Digital Chart of the World country borders (gmt-dcw). Prints whether\n"
      "the claim is consistent and whether every restricted destination\n"
      "(D:5, Macau, E:1/E:2, embargoes, Crimea/DNR/LNR) is excluded.\n"
      "Exit 0 when both hold, 1 when not (the verdict says why).";
  locate.spec.flags = {
      {"rtts", "FILE", "the signed RTT set (JSON, docs/attestation.md)"},
      {"claim-country", "CC", "ISO alpha-2 country the host is said to be in"},
      {"claim-lat", "LAT", "claimed data-centre latitude (degrees)"},
      {"claim-lon", "LON", "claimed data-centre longitude (degrees)"},
      {"as-of", "DATE", "date for the restricted lists (default: today)"},
      {"now", "TIME",
       "verifier clock, YYYY-MM-DDTHH:MM:SSZ (default: now or $CLEARANCE_NOW)"},
      {"max-age", "SECONDS",
       "reject responses signed longer ago than this (default 3600)"},
      {"host-key", "HEX", "the host's enrolled Ed25519 public key"},
      {"landmarks", "FILE",
       "landmark set (default: the built-in data/attest/landmarks.json)"},
      {"dcw", "FILE",
       "DCW NetCDF file (default $CLEARANCE_DCW or "
       "/usr/share/gmt-dcw/dcw-gmt.nc)"},
      {"json", "", "print JSON instead of text"},
  };
  locate.spec.max_positionals = 0;
  locate.run = RunLocate;
  return {locate};
}

}  // namespace clearance::cli
