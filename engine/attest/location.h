// Location verdict: where can the GPU host physically be?
//
// Landmarks at known coordinates (landmarks.h) send timed challenges to
// the host. Each challenge carries a fresh 32-byte nonce, the landmark's id
// and its send time; the host answers with an Ed25519 signature, by its
// enrolled key, over LocationChallengeMessage(). The landmark's round-trip
// time (RTT) bounds the distance to wherever that key signed:
//
//   distance <= RTT / 2 * c,   c = 299,792.458 km/s (vacuum)
//
// No link (fiber, microwave, laser, satellite) beats c, and processing only
// adds delay, so the bound is sound against a host that wants to look
// nearer. The fiber estimate (2/3 c, ~100 km per ms of RTT) is reported as
// information only. For each landmark the minimum RTT over its verified
// samples gives a geodesic disk on WGS84; the host lies in the intersection
// of all disks (the feasible region).
//
// Decisions, on the country polygons of the Digital Chart of the World
// (country_boundaries.h):
//  - a country is EXCLUDED if, for some landmark, the minimum geodesic
//    distance from the landmark to the country's territory exceeds that
//    landmark's radius (+ the dataset tolerance), or if no point of its
//    territory lies in the intersection of all disks; otherwise POSSIBLE;
//  - the claim is CONSISTENT if the claimed country is possible and, when
//    coordinates are claimed, they lie inside every disk (no landmark saw
//    an RTT below 2 * distance / c);
//  - restricted destinations on `as_of`: EAR D:5 (Hong Kong through China),
//    Macau, E:1/E:2, comprehensive embargoes, and the sanctioned regions
//    Crimea, DNR and LNR. DCW draws Ukraine whole with its pre-2014
//    borders and no oblasts, so a region counts as possible whenever
//    Ukraine does (a sound over-approximation); its entry in
//    `possible_restricted` is the reference id ("CRIMEA", "DNR", "LNR").
//
// Evidence is checked before it is used: every response signature (by the
// enrolled key, when one is given), the signed landmark id, the nonce
// (32 bytes, never reused within a set) and the signed timestamp (within
// `max_age` before `now`, not after `now + max_future`). One bad response
// fails the verdict closed (claim_consistent and excludes_restricted false)
// while the bounds from the good ones are still reported.
//
// Thread safety: all functions are thread-safe.
//
// Usage:
//   auto set = ParseRttSet(text, "rtts.json");
//   LocationOptions opt{.as_of = "2026-03-01", .now_us = clock_us};
//   auto report = VerifyLocation(*set, DefaultLandmarks(), {"SG", {}}, opt);
//   report->verdict.excludes_restricted ...
#ifndef CLEARANCE_ENGINE_ATTEST_LOCATION_H_
#define CLEARANCE_ENGINE_ATTEST_LOCATION_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/attest/country_boundaries.h"
#include "engine/attest/landmarks.h"
#include "engine/attest/verdict.h"
#include "engine/common/error.h"

namespace clearance::attest {

inline constexpr double kSpeedOfLightKmPerMs = 299.792458;  // vacuum
inline constexpr double kFiberFraction = 2.0 / 3.0;         // information
inline constexpr size_t kLocationNonceSize = 32;

// What a landmark sends and the host signs.
struct LocationChallenge {
  std::string nonce;         // kLocationNonceSize random bytes, drawn at send
  std::string landmark_id;   // the sending landmark (<= 255 bytes)
  int64_t timestamp_us = 0;  // landmark clock at send, us since Unix epoch
};

// The signed bytes: "CLEARANCE-LOCATION-V1" NUL || nonce || u8 length of
// landmark_id || landmark_id || timestamp_us as 8 bytes big-endian.
std::string LocationChallengeMessage(const LocationChallenge& challenge);

// Ed25519 with OpenSSL. Keys and signatures are raw bytes: a 32-byte seed
// (private), a 32-byte public key, a 64-byte signature.
// Errors: kInvalidArgument for wrong sizes, kInternal if OpenSSL fails.
Result<std::string> Ed25519PublicKeyFromSeed(std::string_view seed);
Result<std::string> SignLocationChallenge(std::string_view seed,
                                          const LocationChallenge& challenge);
// Errors: kInvalidArgument (sizes), kIntegrity (signature does not verify).
Result<void> VerifyLocationResponse(std::string_view public_key,
                                    const LocationChallenge& challenge,
                                    std::string_view signature);

// One timed challenge as the landmark recorded it.
struct RttSample {
  std::string landmark_id;  // the landmark that measured
  LocationChallenge challenge;
  std::string signature;  // raw, 64 bytes
  double rtt_ms = 0;      // landmark clock: response received - sent
};

// A measurement session: what `--rtts FILE.json` holds. JSON shape:
//   {"host_key": "<64 hex>", "samples": [{"landmark": "sg-sin",
//    "nonce": "<64 hex>", "timestamp_us": 1772366400000000,
//    "rtt_ms": 2.0, "signature": "<128 hex>"}, ...]}
// "landmark" is the signed landmark id; "measured_by" (optional, default
// the same) names the landmark that timed it. Other keys are documentation.
struct RttSet {
  std::string host_key;  // raw Ed25519 public key the host answered with
  std::vector<RttSample> samples;
};

// Errors: kParse naming `source` and the sample (bad JSON, missing field,
// hex that does not decode).
Result<RttSet> ParseRttSet(std::string_view json, std::string_view source);
// The inverse of ParseRttSet (what a landmark collector writes).
std::string RttSetToJson(const RttSet& set);

struct LocationClaim {
  std::string country;               // ISO alpha-2 where the host is said to be
  std::optional<GeoPoint> position;  // the data centre, when claimed
};

struct LocationOptions {
  std::string as_of;   // "YYYY-MM-DD": the date for the restricted lists
  int64_t now_us = 0;  // the verifier's clock, us since Unix epoch
  int64_t max_age_us = 3600LL * 1000000;  // default: 1 hour
  int64_t max_future_us = 5LL * 1000000;  // default: 5 s of clock skew
  // Raw public key enrolled for this host. "" = use the set's own key and
  // say so in the checks (no enrolment to compare with).
  std::string enrolled_host_key;
  // nullptr = CountryBoundaries::Default().
  const CountryBoundaries* boundaries = nullptr;
};

// The bound one landmark contributes.
struct LandmarkBound {
  Landmark landmark;
  int samples = 0;   // verified samples used
  int rejected = 0;  // samples that failed a check
  double min_rtt_ms = 0;
  double radius_km = 0;        // vacuum bound, min_rtt/2 * c
  double fiber_radius_km = 0;  // information: at 2/3 c
};

// One restricted destination and whether the measurements exclude it.
struct RestrictedDestination {
  std::string id;         // "CN", "MO", "CRIMEA", ...
  std::string name;       // "China", "Crimea region of Ukraine"
  std::string basis;      // "D:5", "MACAU", "E:1, embargo", ...
  std::string territory;  // DCW country whose polygons are used ("UA")
  bool excluded = false;
  std::string excluded_by;  // landmark id, "intersection", "" if possible
  double distance_km = 0;   // from excluded_by (or nearest landmark)
  double radius_km = 0;     // that landmark's bound
};

struct LocationReport {
  LocationVerdict verdict;
  std::vector<LandmarkBound> bounds;       // landmarks with verified samples
  std::optional<GeoPoint> feasible_point;  // one point of the region
  std::vector<RestrictedDestination> restricted;
  std::string dataset;  // the boundary dataset used
};

// Verifies the evidence and decides. Errors (the inputs, not the
// evidence): kInvalidArgument (claim country not in the dataset, empty
// as_of), kNotFound (no boundary dataset). Failed evidence checks are a
// verdict, not an error.
Result<LocationReport> VerifyLocation(const RttSet& set,
                                      std::span<const Landmark> landmarks,
                                      const LocationClaim& claim,
                                      const LocationOptions& options);

}  // namespace clearance::attest

#endif  // CLEARANCE_ENGINE_ATTEST_LOCATION_H_
