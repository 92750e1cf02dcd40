#include "engine/attest/location.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/reference/reference.h"

namespace clearance::attest {
namespace {

constexpr char kDomain[] = "CLEARANCE-LOCATION-V1";
// Geodesic disks up to a quarter meridian are convex, so their
// intersection is connected (country_boundaries.h, MayMeetIntersection).
constexpr double kMaxJointRadiusKm = 10000;

std::string Printf(const char* format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof(buffer), format, args);
  va_end(args);
  return buffer;
}

std::string Km(double km) {
  const long long v = std::llround(km);
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out + " km";
}

std::string ToHex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::optional<std::string> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

bool InRange(std::string_view date, std::string_view from,
             std::string_view to) {
  return (from.empty() || from <= date) && (to.empty() || date <= to);
}

double RadiusKm(double rtt_ms) { return rtt_ms / 2 * kSpeedOfLightKmPerMs; }

struct Territory {
  const CountryShape* shape = nullptr;
  bool excluded = false;
  std::string excluded_by;  // landmark id or "intersection"
  double distance_km = 0;
  double radius_km = 0;
};

}  // namespace

std::string LocationChallengeMessage(const LocationChallenge& challenge) {
  std::string m(kDomain, sizeof(kDomain));  // includes the NUL
  m += challenge.nonce;
  m += static_cast<char>(std::min<size_t>(challenge.landmark_id.size(), 255));
  m += challenge.landmark_id.substr(0, 255);
  const uint64_t t = static_cast<uint64_t>(challenge.timestamp_us);
  for (int shift = 56; shift >= 0; shift -= 8) {
    m += static_cast<char>((t >> shift) & 0xff);
  }
  return m;
}

Result<std::string> Ed25519PublicKeyFromSeed(std::string_view seed) {
  if (seed.size() != 32) {
    return Fail(ErrorCode::kInvalidArgument, "Ed25519 seed must be 32 bytes");
  }
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, Bytes(seed),
                                        seed.size()));
  std::string pub(32, '\0');
  size_t len = pub.size();
  if (!key ||
      EVP_PKEY_get_raw_public_key(
          key.get(), reinterpret_cast<unsigned char*>(pub.data()), &len) != 1) {
    return Fail(ErrorCode::kInternal, "OpenSSL: Ed25519 key from seed failed");
  }
  return pub;
}

Result<std::string> SignLocationChallenge(std::string_view seed,
                                          const LocationChallenge& challenge) {
  if (seed.size() != 32) {
    return Fail(ErrorCode::kInvalidArgument, "Ed25519 seed must be 32 bytes");
  }
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, Bytes(seed),
                                        seed.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  const std::string message = LocationChallengeMessage(challenge);
  std::string sig(64, '\0');
  size_t len = sig.size();
  if (!key || !ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) !=
          1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()),
                     &len, Bytes(message), message.size()) != 1) {
    return Fail(ErrorCode::kInternal, "OpenSSL: Ed25519 signing failed");
  }
  return sig;
}

Result<void> VerifyLocationResponse(std::string_view public_key,
                                    const LocationChallenge& challenge,
                                    std::string_view signature) {
  if (public_key.size() != 32 || signature.size() != 64) {
    return Fail(ErrorCode::kInvalidArgument,
                "Ed25519 needs a 32-byte key and a 64-byte signature");
  }
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                       Bytes(public_key), public_key.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  if (!key || !ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) !=
          1) {
    return Fail(ErrorCode::kInternal,
                "OpenSSL: Ed25519 verifier set-up failed");
  }
  const std::string message = LocationChallengeMessage(challenge);
  if (EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(),
                       Bytes(message), message.size()) != 1) {
    return Fail(ErrorCode::kIntegrity,
                "signature does not verify under the host key");
  }
  return Ok();
}

Result<RttSet> ParseRttSet(std::string_view json, std::string_view source) {
  const std::string where(source);
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Fail(ErrorCode::kParse, where + ": not a JSON object");
  }
  RttSet set;
  if (!doc.contains("host_key") || !doc["host_key"].is_string()) {
    return Fail(ErrorCode::kParse, where + ": missing \"host_key\" (hex)");
  }
  auto key = FromHex(doc["host_key"].get<std::string>());
  if (!key || key->size() != 32) {
    return Fail(ErrorCode::kParse,
                where + ": \"host_key\" must be 64 hex digits (Ed25519)");
  }
  set.host_key = *key;
  if (!doc.contains("samples") || !doc["samples"].is_array()) {
    return Fail(ErrorCode::kParse, where + ": missing \"samples\" array");
  }
  size_t index = 0;
  for (const auto& s : doc["samples"]) {
    const std::string at = where + " sample #" + std::to_string(index++);
    if (!s.is_object() || !s.contains("landmark") ||
        !s["landmark"].is_string() || !s.contains("nonce") ||
        !s["nonce"].is_string() || !s.contains("timestamp_us") ||
        !s["timestamp_us"].is_number_integer() || !s.contains("rtt_ms") ||
        !s["rtt_ms"].is_number() || !s.contains("signature") ||
        !s["signature"].is_string()) {
      return Fail(ErrorCode::kParse,
                  at + ": needs \"landmark\", \"nonce\", \"timestamp_us\" "
                       "(integer), \"rtt_ms\" and \"signature\"");
    }
    RttSample sample;
    sample.landmark_id =
        s.value("measured_by", s["landmark"].get<std::string>());
    sample.challenge.landmark_id = s["landmark"].get<std::string>();
    sample.challenge.timestamp_us = s["timestamp_us"].get<int64_t>();
    sample.rtt_ms = s["rtt_ms"].get<double>();
    auto nonce = FromHex(s["nonce"].get<std::string>());
    auto sig = FromHex(s["signature"].get<std::string>());
    if (!nonce || !sig) {
      return Fail(ErrorCode::kParse, at + ": nonce/signature are not hex");
    }
    sample.challenge.nonce = *nonce;
    sample.signature = *sig;
    set.samples.push_back(std::move(sample));
  }
  return set;
}

std::string RttSetToJson(const RttSet& set) {
  nlohmann::ordered_json doc;
  doc["host_key"] = ToHex(set.host_key);
  doc["samples"] = nlohmann::ordered_json::array();
  for (const auto& s : set.samples) {
    nlohmann::ordered_json j;
    j["landmark"] = s.challenge.landmark_id;
    if (s.landmark_id != s.challenge.landmark_id) {
      j["measured_by"] = s.landmark_id;
    }
    j["nonce"] = ToHex(s.challenge.nonce);
    j["timestamp_us"] = s.challenge.timestamp_us;
    j["rtt_ms"] = s.rtt_ms;
    j["signature"] = ToHex(s.signature);
    doc["samples"].push_back(std::move(j));
  }
  return doc.dump(2) + "\n";
}

Result<LocationReport> VerifyLocation(const RttSet& set,
                                      std::span<const Landmark> landmarks,
                                      const LocationClaim& claim,
                                      const LocationOptions& options) {
  if (options.as_of.size() != 10) {
    return Fail(ErrorCode::kInvalidArgument,
                "as_of must be a YYYY-MM-DD date for the restricted lists");
  }
  const CountryBoundaries* world = options.boundaries;
  if (!world) {
    auto loaded = CountryBoundaries::Default();
    if (!loaded) return std::unexpected(loaded.error());
    world = *loaded;
  }
  const CountryShape* claimed = world->Find(claim.country);
  if (!claimed) {
    return Fail(ErrorCode::kInvalidArgument,
                "claimed country \"" + claim.country +
                    "\" is not in the boundary dataset (ISO alpha-2 code)");
  }
  LocationReport report;
  report.dataset = world->dataset();
  LocationVerdict& v = report.verdict;
  const double tol = world->tolerance_km();
  bool evidence_ok = true;

  // 1. The host key.
  if (options.enrolled_host_key.empty()) {
    v.checks.push_back({"host key", true,
                        "no enrolled key given: the set's key " +
                            ToHex(set.host_key).substr(0, 16) +
                            "... is trusted as presented"});
  } else {
    const bool same = options.enrolled_host_key == set.host_key;
    v.checks.push_back({"host key is the enrolled key", same,
                        same ? "" : "the set was answered by a different key"});
    evidence_ok &= same;
  }

  // 2. Every response, grouped per landmark in first-seen order.
  std::vector<std::string> order;
  std::map<std::string, LandmarkBound> bounds;
  std::map<std::string, std::vector<std::string>> failures;
  std::set<std::string> nonces;
  for (const RttSample& s : set.samples) {
    if (!bounds.count(s.landmark_id)) {
      order.push_back(s.landmark_id);
      bounds[s.landmark_id].landmark.id = s.landmark_id;
    }
    LandmarkBound& b = bounds[s.landmark_id];
    std::string problem;
    const Landmark* landmark = FindLandmark(landmarks, s.landmark_id);
    if (!landmark) {
      problem = "unknown landmark";
    } else if (s.challenge.landmark_id != s.landmark_id) {
      problem = "signed landmark id \"" + s.challenge.landmark_id +
                "\" is not the measuring landmark";
    } else if (s.challenge.nonce.size() != kLocationNonceSize) {
      problem = "nonce is not 32 bytes";
    } else if (!nonces.insert(s.challenge.nonce).second) {
      problem = "nonce " + ToHex(s.challenge.nonce).substr(0, 16) +
                "... reused (replayed response)";
    } else if (s.challenge.timestamp_us < options.now_us - options.max_age_us) {
      problem = Printf("timestamp %.0f s older than the %.0f s limit",
                       (options.now_us - s.challenge.timestamp_us) / 1e6,
                       options.max_age_us / 1e6);
    } else if (s.challenge.timestamp_us >
               options.now_us + options.max_future_us) {
      problem = Printf("timestamp %.0f s in the future",
                       (s.challenge.timestamp_us - options.now_us) / 1e6);
    } else if (!(s.rtt_ms > 0) || !std::isfinite(s.rtt_ms)) {
      problem = "RTT is not a positive number";
    } else if (auto ok = VerifyLocationResponse(set.host_key, s.challenge,
                                                s.signature);
               !ok) {
      problem = ok.error().message();
    }
    if (landmark) b.landmark = *landmark;
    if (!problem.empty()) {
      ++b.rejected;
      failures[s.landmark_id].push_back(problem);
      continue;
    }
    if (b.samples == 0 || s.rtt_ms < b.min_rtt_ms) b.min_rtt_ms = s.rtt_ms;
    ++b.samples;
  }
  for (const std::string& id : order) {
    LandmarkBound& b = bounds[id];
    const bool ok = b.rejected == 0;
    std::string detail =
        Printf("%d verified, %d rejected", b.samples, b.rejected);
    if (!ok) detail += ": " + failures[id].front();
    v.checks.push_back(
        {"responses from " + id + " are signed, fresh and unique", ok, detail});
    evidence_ok &= ok;
    if (b.samples == 0) continue;
    b.radius_km = RadiusKm(b.min_rtt_ms);
    b.fiber_radius_km = b.radius_km * kFiberFraction;
    v.checks.push_back({"bound from " + id + " (" + b.landmark.city + ")", true,
                        Printf("min RTT %.3f ms over %d samples: within ",
                               b.min_rtt_ms, b.samples) +
                            Km(b.radius_km) + " at c (fiber estimate " +
                            Km(b.fiber_radius_km) + ")"});
    report.bounds.push_back(b);
  }
  if (report.bounds.empty()) {
    v.checks.push_back({"at least one landmark measured", false,
                        "no verified response: nothing bounds the host"});
    v.reason =
        "Evidence rejected: no verified landmark response, so nothing "
        "bounds the host's location.";
    return report;
  }
  std::sort(
      report.bounds.begin(), report.bounds.end(),
      [](const auto& a, const auto& b) { return a.radius_km < b.radius_km; });
  v.feasible_radius_km = report.bounds.front().radius_km;

  std::vector<GeoDisk> disks, joint;
  for (const auto& b : report.bounds) {
    disks.push_back({b.landmark.position, b.radius_km});
    if (b.radius_km < kMaxJointRadiusKm) joint.push_back(disks.back());
  }
  auto in_all = [&](GeoPoint p) {
    for (const GeoDisk& d : disks) {
      if (GeodesicDistanceKm(d.center, p) > d.radius_km) return false;
    }
    return true;
  };

  // 3. One point of the feasible region: the claim, a landmark, or a point
  // on a disk's rim (the region's boundary lies on the rims).
  if (claim.position && in_all(*claim.position)) {
    report.feasible_point = claim.position;
  }
  for (const GeoDisk& d : disks) {
    if (!report.feasible_point && in_all(d.center)) {
      report.feasible_point = d.center;
    }
  }
  for (const GeoDisk& d : joint) {
    for (int az = 0; az < 360 && !report.feasible_point; ++az) {
      const GeoPoint p = GeodesicDestination(d.center, az, d.radius_km * 0.999);
      if (in_all(p)) report.feasible_point = p;
    }
  }
  if (!report.feasible_point && joint.size() == disks.size()) {
    v.checks.push_back(
        {"the landmark disks intersect", false,
         "no point lies within every bound: the RTTs contradict the "
         "landmark coordinates (a landmark misplaced or lying)"});
    evidence_ok = false;
  } else if (report.feasible_point) {
    v.checks.push_back({"the landmark disks intersect", true,
                        Printf("e.g. at %.3f, %.3f", report.feasible_point->lat,
                               report.feasible_point->lon)});
  }

  // 4. Every country: excluded by one landmark's disk, or by the joint
  // region, or possible.
  std::map<std::string, Territory> territory;
  for (const CountryShape& c : world->countries()) {
    Territory t;
    t.shape = &c;
    for (const auto& b : report.bounds) {
      const double lower = world->CapLowerBoundKm(c, b.landmark.position);
      if (lower > b.radius_km + tol) {
        t.excluded = true;
        t.excluded_by = b.landmark.id;
        t.distance_km = lower + tol;  // reported as "at least distance - tol"
        t.radius_km = b.radius_km;
        break;
      }
    }
    if (!t.excluded) {
      double best_margin = -INFINITY;
      for (const auto& b : report.bounds) {
        const double d = world->MinDistanceKm(c, b.landmark.position);
        const double margin = d - tol - b.radius_km;
        if (margin > best_margin) {
          best_margin = margin;
          t.excluded_by = b.landmark.id;
          t.distance_km = d;
          t.radius_km = b.radius_km;
        }
      }
      t.excluded = best_margin > 0;
      if (!t.excluded && !joint.empty() &&
          (report.feasible_point || joint.size() < disks.size()) &&
          !world->MayMeetIntersection(c, joint, report.feasible_point)) {
        t.excluded = true;
        t.excluded_by = "intersection";
      }
      if (!t.excluded) t.excluded_by.clear();
    }
    if (!t.excluded) v.possible_countries.push_back(c.code);
    territory[c.code] = t;
  }

  // 5. The claim.
  const Territory& claimed_t = territory[claimed->code];
  bool claim_ok = !claimed_t.excluded;
  v.checks.push_back(
      {"claimed country " + claimed->code + " (" + claimed->name +
           ") meets the feasible region",
       claim_ok,
       claim_ok ? ""
                : (claimed_t.excluded_by == "intersection"
                       ? "no part of it lies within every landmark's bound"
                       : "at least " + Km(claimed_t.distance_km - tol) +
                             " from " + claimed_t.excluded_by +
                             ", whose RTT allows " + Km(claimed_t.radius_km))});
  if (claim.position) {
    std::string violations;
    for (const auto& b : report.bounds) {
      const double d = GeodesicDistanceKm(b.landmark.position, *claim.position);
      if (d > b.radius_km) {
        if (!violations.empty()) violations += "; ";
        violations += b.landmark.id + " is " + Km(d) +
                      " away, which needs an RTT of at least " +
                      Printf("%.2f ms", 2 * d / kSpeedOfLightKmPerMs) +
                      Printf(", measured %.2f ms", b.min_rtt_ms);
      }
    }
    v.checks.push_back(
        {Printf("claimed site %.4f, %.4f is within every landmark's bound",
                claim.position->lat, claim.position->lon),
         violations.empty(), violations});
    claim_ok &= violations.empty();
    const bool in_country =
        world->MinDistanceKm(*claimed, *claim.position) <= tol;
    v.checks.push_back({"claimed site lies in " + claimed->code, in_country,
                        in_country ? "" : "the coordinates are outside it"});
    claim_ok &= in_country;
  }

  // 6. Restricted destinations on as_of.
  for (const CountryShape& c : world->countries()) {
    std::vector<std::string> basis;
    for (const char* group : {"D:5", "MACAU", "E:1", "E:2"}) {
      if (reference::InCountryGroup(group, c.code, options.as_of)) {
        std::string g = group;
        if (reference::EarDestination(c.code, options.as_of) != c.code) {
          g += " via " + reference::EarDestination(c.code, options.as_of);
        }
        basis.push_back(g);
      }
    }
    if (reference::FindEmbargo(c.code, options.as_of)) {
      basis.push_back("embargo");
    }
    if (basis.empty()) continue;
    RestrictedDestination r;
    r.id = c.code;
    r.name = c.name;
    r.territory = c.code;
    for (size_t i = 0; i < basis.size(); ++i) {
      r.basis += (i ? ", " : "") + basis[i];
    }
    report.restricted.push_back(r);
  }
  for (const auto& region : reference::SanctionedRegions()) {
    if (!InRange(options.as_of, region.effective_from, region.effective_to)) {
      continue;
    }
    RestrictedDestination r;
    r.id = region.id;
    r.name = region.name;
    r.basis = "sanctioned region (Ukraine's polygon, conservatively)";
    r.territory = region.country;
    report.restricted.push_back(r);
  }
  for (RestrictedDestination& r : report.restricted) {
    auto it = territory.find(r.territory);
    if (it == territory.end()) {
      // Not in the dataset: cannot be excluded, so fail closed.
      v.checks.push_back(
          {r.id + " excluded", false,
           "no boundary for " + r.territory + " in the dataset"});
      v.possible_restricted.push_back(r.id);
      continue;
    }
    const Territory& t = it->second;
    r.excluded = t.excluded;
    r.excluded_by = t.excluded_by;
    r.distance_km = t.distance_km;
    r.radius_km = t.radius_km;
    std::string detail;
    if (!t.excluded) {
      detail = "part of its territory lies within every landmark's bound";
      v.possible_restricted.push_back(r.id);
    } else if (t.excluded_by == "intersection") {
      detail =
          "each landmark reaches it, but no part of it lies within "
          "all bounds at once";
    } else {
      detail = "at least " + Km(t.distance_km - tol) + " from " +
               t.excluded_by + ", whose RTT allows " + Km(t.radius_km);
    }
    v.checks.push_back(
        {r.id + " (" + r.basis + ") excluded", r.excluded, detail});
  }

  // 7. The verdict.
  v.claim_consistent = evidence_ok && claim_ok;
  v.excludes_restricted = evidence_ok && v.possible_restricted.empty();
  if (!evidence_ok) {
    v.reason =
        "Evidence rejected (see the failed checks): the location is not "
        "verified.";
  } else {
    std::string possible;
    for (size_t i = 0; i < v.possible_restricted.size(); ++i) {
      possible += (i ? ", " : "") + v.possible_restricted[i];
    }
    v.reason =
        std::string(claim_ok ? "The claimed location is consistent"
                             : "The claimed location is impossible") +
        " with the RTT bounds (tightest " + Km(v.feasible_radius_km) +
        " from " + report.bounds.front().landmark.id + ")" +
        (v.excludes_restricted
             ? "; every restricted destination is excluded."
             : "; restricted destinations not excluded: " + possible + ".");
  }
  return report;
}

}  // namespace clearance::attest
