// Location verdict: the DCW country borders, the signed challenge, recorded
// RTT sets for hosts at real city coordinates (tests/testdata/location,
// generate.py there says how they were made) and a loopback landmark/host
// pair with injected delays.
#include "engine/attest/location.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/sha.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "tests/test_support.h"

namespace clearance::attest {
namespace {

constexpr int64_t kT0Us = 1772438400LL * 1000000;  // 2026-03-02T08:00:00Z
constexpr char kAsOf[] = "2026-03-02";

std::string TestSeed() {
  const std::string label = "clearance location test host key";
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(label.data()), label.size(),
         digest);
  return std::string(reinterpret_cast<char*>(digest), sizeof digest);
}

const CountryBoundaries& World() {
  auto world = CountryBoundaries::Default();
  if (!world) {
    ADD_FAILURE() << world.error().ToString();
    std::abort();
  }
  return **world;
}

RttSet LoadSet(const std::string& name) {
  const std::string path = std::string(CLEARANCE_SOURCE_DIR) +
                           "/tests/testdata/location/" + name + ".json";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto set = ParseRttSet(text.str(), path);
  EXPECT_TRUE(set.has_value()) << (set ? "" : set.error().ToString());
  return set ? *set : RttSet{};
}

RttSet Without(RttSet set, const std::string& landmark) {
  std::erase_if(set.samples,
                [&](const RttSample& s) { return s.landmark_id == landmark; });
  return set;
}

LocationOptions Options() {
  LocationOptions o;
  o.as_of = kAsOf;
  o.now_us = kT0Us + 60LL * 1000000;
  o.boundaries = &World();
  return o;
}

LocationReport Verify(const RttSet& set, LocationClaim claim,
                      LocationOptions options = Options()) {
  auto report = VerifyLocation(set, DefaultLandmarks(), claim, options);
  EXPECT_TRUE(report.has_value()) << (report ? "" : report.error().ToString());
  return report ? *report : LocationReport{};
}

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string FailedChecks(const LocationVerdict& v) {
  std::string out;
  for (const auto& c : v.checks) {
    if (!c.passed) out += c.name + ": " + c.detail + "\n";
  }
  return out;
}

const RestrictedDestination* Restricted(const LocationReport& r,
                                        const std::string& id) {
  for (const auto& d : r.restricted) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

// A freshly signed sample, for sets built in the test.
RttSample Signed(const std::string& landmark, double rtt_ms, int index,
                 int64_t timestamp_us = kT0Us) {
  RttSample s;
  s.landmark_id = landmark;
  s.challenge.landmark_id = landmark;
  s.challenge.timestamp_us = timestamp_us;
  s.challenge.nonce = std::string(kLocationNonceSize, '\0');
  s.challenge.nonce[0] = static_cast<char>(index);
  s.challenge.nonce[1] = static_cast<char>(landmark.size());
  s.challenge.nonce[2] = landmark[0];
  s.challenge.nonce[3] = landmark[3];
  s.rtt_ms = rtt_ms;
  s.signature = *SignLocationChallenge(TestSeed(), s.challenge);
  return s;
}

RttSet SignedSet(std::vector<std::pair<std::string, double>> rtts) {
  RttSet set;
  set.host_key = *Ed25519PublicKeyFromSeed(TestSeed());
  int i = 0;
  for (const auto& [id, rtt] : rtts)
    set.samples.push_back(Signed(id, rtt, i++));
  return set;
}

// --- The dataset and the geodesy -----------------------------------------

TEST(CountryBoundaries, ReadsTheDigitalChartOfTheWorld) {
  const CountryBoundaries& w = World();
  EXPECT_GE(w.countries().size(), 240u);
  for (const char* code : {"CN", "HK", "MO", "TW", "RU", "UA", "KP", "IR", "CU",
                           "SY", "SG", "VN", "DE", "US"}) {
    EXPECT_NE(w.Find(code), nullptr) << code;
  }
  EXPECT_NE(w.dataset().find("DCW-GMT"), std::string::npos);
  EXPECT_LT(w.tolerance_km(), 8.0);
  // Simplification keeps far fewer vertices than China's 746k.
  const CountryShape* cn = w.Find("CN");
  size_t kept = 0;
  for (const auto& ring : cn->rings) kept += ring.size();
  EXPECT_LT(kept, cn->source_points / 2);
}

TEST(CountryBoundaries, ContainsKnownCities) {
  const CountryBoundaries& w = World();
  EXPECT_TRUE(w.Contains(*w.Find("SG"), {1.3521, 103.8198}));
  EXPECT_TRUE(w.Contains(*w.Find("CN"), {39.9042, 116.4074}));  // Beijing
  EXPECT_TRUE(w.Contains(*w.Find("RU"), {55.7558, 37.6173}));   // Moscow
  EXPECT_TRUE(w.Contains(*w.Find("RU"), {64.7337, 177.5089}));  // Anadyr
  EXPECT_TRUE(w.Contains(*w.Find("US"), {39.0438, -77.4874}));  // Ashburn
  EXPECT_TRUE(w.Contains(*w.Find("HK"), {22.3193, 114.1694}));
  EXPECT_TRUE(w.Contains(*w.Find("TW"), {25.0330, 121.5654}));
  EXPECT_FALSE(w.Contains(*w.Find("CN"), {25.0330, 121.5654}));  // Taipei
  EXPECT_FALSE(w.Contains(*w.Find("SG"), {39.9042, 116.4074}));
  // DCW draws Ukraine with its pre-2014 borders: Simferopol is in UA.
  EXPECT_TRUE(w.Contains(*w.Find("UA"), {44.9521, 34.1024}));
  EXPECT_FALSE(w.Contains(*w.Find("RU"), {44.9521, 34.1024}));
}

TEST(CountryBoundaries, MinimumDistancesMatchTheWorkedBudgets) {
  // gpu-attestation.md 6.6: Hanoi -> PRC border 152 km, Taipei ->
  // Shenzhen 812 km (the coast of Fujian is nearer), Singapore -> Hainan
  // 1,979 km (DCW's China also holds South China Sea islands).
  const CountryBoundaries& w = World();
  const CountryShape& cn = *w.Find("CN");
  const double hanoi = w.MinDistanceKm(cn, {21.0278, 105.8342});
  EXPECT_GT(hanoi, 100);
  EXPECT_LT(hanoi, 170);
  const double taipei = w.MinDistanceKm(cn, {25.0330, 121.5654});
  EXPECT_GT(taipei, 120);
  EXPECT_LT(taipei, 300);
  const double singapore = w.MinDistanceKm(cn, {1.2903, 103.8519});
  EXPECT_GT(singapore, 1000);
  EXPECT_LT(singapore, 2000);
  EXPECT_EQ(w.MinDistanceKm(cn, {39.9042, 116.4074}), 0);
  // The cap bound never exceeds the true distance.
  for (const CountryShape& c : w.countries()) {
    GeoPoint p{1.2903, 103.8519};
    EXPECT_LE(w.CapLowerBoundKm(c, p), w.MinDistanceKm(c, p) + 1e-6) << c.code;
  }
}

TEST(Geodesy, WgsDistancesOfKnownCityPairs) {
  // Singapore - Tokyo is about 5,320 km on WGS84.
  EXPECT_NEAR(GeodesicDistanceKm({1.2903, 103.8519}, {35.6762, 139.6503}), 5320,
              30);
  const GeoPoint p = GeodesicDestination({0, 0}, 90, 1000);
  EXPECT_NEAR(GeodesicDistanceKm({0, 0}, p), 1000, 1e-6);
}

TEST(Landmarks, DefaultSetHasTheCandidateSites) {
  const auto& l = DefaultLandmarks();
  for (const char* id :
       {"sg-sin", "tw-tpe", "jp-tyo", "kr-sel", "hk-hkg", "de-fra", "gb-lon",
        "us-iad", "us-sjc", "au-syd", "in-bom", "ae-dxb", "vn-han", "my-kul",
        "id-jkt", "pl-waw", "br-sao"}) {
    const Landmark* found = FindLandmark(l, id);
    ASSERT_NE(found, nullptr) << id;
    // Each landmark lies in its own country on the DCW map.
    const CountryShape* c = World().Find(found->country);
    ASSERT_NE(c, nullptr) << id;
    EXPECT_LE(World().MinDistanceKm(*c, found->position),
              World().tolerance_km())
        << id;
  }
}

TEST(Landmarks, RejectsMalformedFiles) {
  EXPECT_FALSE(ParseLandmarks("{", "x.json"));
  EXPECT_FALSE(ParseLandmarks(R"({"landmarks":[{"id":"a","lat":91,"lon":0}]})",
                              "x.json"));
  auto dup = ParseLandmarks(
      R"({"landmarks":[{"id":"a","lat":1,"lon":0},{"id":"a","lat":2,"lon":0}]})",
      "x.json");
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message().find("duplicate"), std::string::npos);
}

// --- The challenge -------------------------------------------------------

TEST(LocationChallenge, SignatureCoversNonceLandmarkAndTime) {
  const std::string seed = TestSeed();
  const std::string key = *Ed25519PublicKeyFromSeed(seed);
  RttSample s = Signed("sg-sin", 1.0, 7);
  EXPECT_TRUE(VerifyLocationResponse(key, s.challenge, s.signature));
  LocationChallenge other = s.challenge;
  other.nonce[31] ^= 1;
  EXPECT_EQ(VerifyLocationResponse(key, other, s.signature).error().code(),
            ErrorCode::kIntegrity);
  other = s.challenge;
  other.landmark_id = "jp-tyo";
  EXPECT_FALSE(VerifyLocationResponse(key, other, s.signature));
  other = s.challenge;
  other.timestamp_us += 1;
  EXPECT_FALSE(VerifyLocationResponse(key, other, s.signature));
  std::string bad = s.signature;
  bad[0] ^= 0x40;
  EXPECT_FALSE(VerifyLocationResponse(key, s.challenge, bad));
  EXPECT_EQ(VerifyLocationResponse(key.substr(1), s.challenge, s.signature)
                .error()
                .code(),
            ErrorCode::kInvalidArgument);
}

TEST(LocationChallenge, RttSetJsonRoundTrips) {
  RttSet set = SignedSet({{"sg-sin", 0.8}, {"jp-tyo", 40}});
  auto back = ParseRttSet(RttSetToJson(set), "mem");
  ASSERT_TRUE(back);
  ASSERT_EQ(back->samples.size(), 2u);
  EXPECT_EQ(back->host_key, set.host_key);
  EXPECT_EQ(back->samples[1].signature, set.samples[1].signature);
  EXPECT_EQ(back->samples[1].challenge.nonce, set.samples[1].challenge.nonce);
  EXPECT_DOUBLE_EQ(back->samples[1].rtt_ms, 40);
  EXPECT_FALSE(ParseRttSet(R"({"host_key":"zz","samples":[]})", "m"));
  EXPECT_FALSE(ParseRttSet(R"({"samples":[]})", "m"));
}

// --- Recorded RTT sets ---------------------------------------------------

TEST(RecordedSets, SingaporeHostWithALocalLandmarkExcludesEveryRestricted) {
  const RttSet set = LoadSet("sg_host");
  const LocationReport r = Verify(set, {"SG", GeoPoint{1.3404, 103.7090}});
  const LocationVerdict& v = r.verdict;
  EXPECT_TRUE(v.claim_consistent) << FailedChecks(v);
  EXPECT_TRUE(v.excludes_restricted) << FailedChecks(v);
  EXPECT_TRUE(v.possible_restricted.empty());
  EXPECT_TRUE(Has(v.possible_countries, "SG"));
  // Only the Singapore metro is reachable within ~100 km: Johor (MY) and
  // the Riau islands (ID) at most.
  for (const auto& c : v.possible_countries) {
    EXPECT_TRUE(c == "SG" || c == "MY" || c == "ID") << c;
  }
  EXPECT_LT(v.feasible_radius_km, 120);
  for (const char* id : {"CN", "MO", "HK", "RU", "IR", "KP", "CU", "SY",
                         "CRIMEA", "DNR", "LNR"}) {
    const RestrictedDestination* d = Restricted(r, id);
    ASSERT_NE(d, nullptr) << id;
    EXPECT_TRUE(d->excluded) << id;
    EXPECT_EQ(d->excluded_by, "sg-sin") << id;
  }
  // Cambodia left D:5 on 2026-02-02 (country_groups.json): a date before
  // lists it as restricted, and it is excluded too.
  LocationOptions before = Options();
  before.as_of = "2026-01-15";
  const LocationReport earlier = Verify(set, {"SG", {}}, before);
  ASSERT_NE(Restricted(earlier, "KH"), nullptr);
  EXPECT_TRUE(Restricted(earlier, "KH")->excluded);
  EXPECT_EQ(Restricted(r, "KH"), nullptr);
}

TEST(RecordedSets, FarLandmarksAloneCannotExcludeChinaFromSingapore) {
  // Tokyo, Sydney and Frankfurt measure ~67, ~79 and ~129 ms of RTT: at
  // c their disks (10,000 km and more) all reach southern China, so physics
  // cannot exclude it, and the verdict must say so.
  const RttSet set = Without(LoadSet("sg_host"), "sg-sin");
  const LocationReport r = Verify(set, {"SG", {}});
  EXPECT_TRUE(r.verdict.claim_consistent) << FailedChecks(r.verdict);
  EXPECT_FALSE(r.verdict.excludes_restricted);
  EXPECT_TRUE(Has(r.verdict.possible_restricted, "CN"));
  EXPECT_FALSE(Restricted(r, "CN")->excluded);
  // Cuba, ~12,000 km from Tokyo, lies beyond its 10,044 km disk.
  EXPECT_TRUE(Restricted(r, "CU")->excluded);
}

TEST(RecordedSets, OneSingaporeLandmarkAtTwoMillisecondsExcludesChina) {
  // 2 ms bounds the host within 300 km of Singapore: China's nearest
  // territory is over a thousand km away.
  const LocationReport r = Verify(SignedSet({{"sg-sin", 2.0}}), {"SG", {}});
  EXPECT_NEAR(r.verdict.feasible_radius_km, 299.79, 0.01);
  EXPECT_NEAR(r.bounds[0].fiber_radius_km, 199.86, 0.01);
  EXPECT_TRUE(r.verdict.claim_consistent);
  EXPECT_TRUE(r.verdict.excludes_restricted) << FailedChecks(r.verdict);
  const RestrictedDestination* cn = Restricted(r, "CN");
  EXPECT_TRUE(cn->excluded);
  EXPECT_EQ(cn->excluded_by, "sg-sin");
  EXPECT_GT(cn->distance_km, 1000);
  // At 12 ms (1,800 km) the same landmark can no longer rule China out.
  const LocationReport slow = Verify(SignedSet({{"sg-sin", 12.0}}), {"SG", {}});
  EXPECT_FALSE(Restricted(slow, "CN")->excluded);
}

TEST(RecordedSets, ShanghaiHostClaimingSingaporeIsCaught) {
  const RttSet set = LoadSet("shanghai_host");
  const LocationReport r = Verify(set, {"SG", GeoPoint{1.3404, 103.7090}});
  EXPECT_FALSE(r.verdict.claim_consistent);
  EXPECT_FALSE(r.verdict.excludes_restricted);
  EXPECT_TRUE(Has(r.verdict.possible_restricted, "CN"));
  EXPECT_FALSE(Has(r.verdict.possible_countries, "SG"));
  EXPECT_TRUE(Has(r.verdict.possible_countries, "CN"));
  // Taipei's ~9 ms cannot reach Singapore, 3,200 km away.
  bool named = false;
  for (const auto& c : r.verdict.checks) {
    if (!c.passed && c.detail.find("tw-tpe is") != std::string::npos) {
      named = true;
    }
  }
  EXPECT_TRUE(named) << FailedChecks(r.verdict);
  // Claiming China is consistent (and of course not excluded).
  EXPECT_TRUE(Verify(set, {"CN", {}}).verdict.claim_consistent);
}

TEST(RecordedSets, HanoiNeedsTheHanoiLandmarkToExcludeChina) {
  // The PRC border is ~150 km from Hanoi: 1 ms of RTT at c.
  const RttSet set = LoadSet("hanoi_host");
  const LocationReport r = Verify(set, {"VN", GeoPoint{21.0333, 105.7940}});
  EXPECT_TRUE(r.verdict.claim_consistent) << FailedChecks(r.verdict);
  EXPECT_TRUE(r.verdict.excludes_restricted) << FailedChecks(r.verdict);
  EXPECT_EQ(Restricted(r, "CN")->excluded_by, "vn-han");
  EXPECT_TRUE(Has(r.verdict.possible_countries, "VN"));
  const LocationReport far = Verify(Without(set, "vn-han"), {"VN", {}});
  EXPECT_TRUE(far.verdict.claim_consistent);
  EXPECT_FALSE(far.verdict.excludes_restricted);
  EXPECT_TRUE(Has(far.verdict.possible_restricted, "CN"));
}

TEST(RecordedSets, TaipeiHostExcludesTheMainland) {
  const LocationReport r =
      Verify(LoadSet("taipei_host"), {"TW", GeoPoint{25.0780, 121.5750}});
  EXPECT_TRUE(r.verdict.claim_consistent) << FailedChecks(r.verdict);
  EXPECT_TRUE(r.verdict.excludes_restricted) << FailedChecks(r.verdict);
  EXPECT_FALSE(Has(r.verdict.possible_countries, "CN"));
}

TEST(RecordedSets, FrankfurtHostExcludesRussiaAndBelarus) {
  const LocationReport r =
      Verify(LoadSet("frankfurt_host"), {"DE", GeoPoint{50.1155, 8.7200}});
  EXPECT_TRUE(r.verdict.claim_consistent) << FailedChecks(r.verdict);
  EXPECT_TRUE(r.verdict.excludes_restricted) << FailedChecks(r.verdict);
  EXPECT_TRUE(Restricted(r, "RU")->excluded);
  EXPECT_TRUE(Restricted(r, "BY")->excluded);
  EXPECT_TRUE(Restricted(r, "CRIMEA")->excluded);
}

TEST(RecordedSets, MoscowHostCannotBeClearedWithoutANearbyLandmark) {
  // Helsinki's ~11 ms allows 1,700 km: a claim of Helsinki cannot be
  // refuted, but Russia cannot be excluded either, so the location is not
  // verified. Consistency is not proof; exclusion decides.
  const RttSet set = LoadSet("moscow_host");
  const LocationReport fi = Verify(set, {"FI", GeoPoint{60.1699, 24.9384}});
  EXPECT_TRUE(fi.verdict.claim_consistent) << FailedChecks(fi.verdict);
  EXPECT_FALSE(fi.verdict.excludes_restricted);
  EXPECT_TRUE(Has(fi.verdict.possible_restricted, "RU"));
  EXPECT_TRUE(Has(fi.verdict.possible_restricted, "BY"));
  EXPECT_FALSE(Verify(set, {"US", {}}).verdict.claim_consistent);
}

TEST(RecordedSets, AshburnHostExcludesTheCaribbeanEmbargoes) {
  const LocationReport r =
      Verify(LoadSet("ashburn_host"), {"US", GeoPoint{39.0300, -77.4600}});
  EXPECT_TRUE(r.verdict.claim_consistent) << FailedChecks(r.verdict);
  EXPECT_TRUE(r.verdict.excludes_restricted) << FailedChecks(r.verdict);
  EXPECT_EQ(Restricted(r, "CU")->excluded_by, "us-iad");
  EXPECT_EQ(Restricted(r, "VE")->basis, "D:5");
}

TEST(RecordedSets, RttBelowThePhysicalMinimumMakesTheClaimInconsistent) {
  // Tokyo -> Singapore is 5,320 km: at least 35.5 ms at c. A 2 ms answer
  // from Tokyo means the host is near Tokyo, whatever it claims.
  const RttSet set = SignedSet({{"sg-sin", 40.0}, {"jp-tyo", 2.0}});
  const LocationReport r = Verify(set, {"SG", GeoPoint{1.2903, 103.8519}});
  EXPECT_FALSE(r.verdict.claim_consistent);
  bool found = false;
  for (const auto& c : r.verdict.checks) {
    if (!c.passed && c.detail.find("jp-tyo is 5,3") != std::string::npos &&
        c.detail.find("at least 35.") != std::string::npos) {
      found = true;
    }
  }
  EXPECT_TRUE(found) << FailedChecks(r.verdict);
  EXPECT_TRUE(Has(r.verdict.possible_countries, "JP"));
  EXPECT_FALSE(Has(r.verdict.possible_countries, "SG"));
  // The intersection excludes what each disk alone reaches: Tokyo's 300 km
  // disk and Singapore's 6,000 km one meet only around Japan.
  EXPECT_TRUE(Restricted(r, "CN")->excluded);
}

// --- Bad evidence fails closed -------------------------------------------

class BadEvidence : public ::testing::Test {
 protected:
  void ExpectRejected(const RttSet& set, const std::string& needle,
                      LocationOptions options = Options()) {
    const LocationReport r = Verify(set, {"SG", {}}, options);
    EXPECT_FALSE(r.verdict.claim_consistent);
    EXPECT_FALSE(r.verdict.excludes_restricted);
    EXPECT_NE(FailedChecks(r.verdict).find(needle), std::string::npos)
        << FailedChecks(r.verdict);
    EXPECT_NE(r.verdict.reason.find("Evidence rejected"), std::string::npos);
  }
  RttSet good_ = LoadSet("sg_host");
};

TEST_F(BadEvidence, TheRecordedSetItselfIsGood) {
  EXPECT_TRUE(Verify(good_, {"SG", {}}).verdict.excludes_restricted);
}

TEST_F(BadEvidence, ChangedSignatureByte) {
  RttSet set = good_;
  set.samples[2].signature[10] ^= 1;
  ExpectRejected(set, "signature does not verify");
}

TEST_F(BadEvidence, ChangedRttOrNonceIsStillSigned) {
  // The RTT is the landmark's own measurement (not signed by the host);
  // a changed nonce breaks the signature.
  RttSet set = good_;
  set.samples[0].challenge.nonce[5] ^= 1;
  ExpectRejected(set, "signature does not verify");
}

TEST_F(BadEvidence, ReplayedNonce) {
  RttSet set = good_;
  set.samples.push_back(set.samples[0]);
  ExpectRejected(set, "reused");
}

TEST_F(BadEvidence, ShortNonce) {
  RttSet set = good_;
  set.samples[0].challenge.nonce.resize(16);
  ExpectRejected(set, "not 32 bytes");
}

TEST_F(BadEvidence, StaleAndFutureTimestamps) {
  LocationOptions later = Options();
  later.now_us = kT0Us + 2 * 3600LL * 1000000;
  ExpectRejected(good_, "older than", later);
  LocationOptions earlier = Options();
  earlier.now_us = kT0Us - 60LL * 1000000;
  ExpectRejected(good_, "in the future", earlier);
}

TEST_F(BadEvidence, ResponseSignedForAnotherLandmark) {
  // A nearby landmark's signed answer relabelled as the far one's.
  RttSet set = good_;
  set.samples[6].landmark_id = "sg-sin";
  ExpectRejected(set, "is not the measuring landmark");
}

TEST_F(BadEvidence, UnknownLandmarkAndForeignKey) {
  RttSet set = good_;
  set.samples.push_back(Signed("xx-nowhere", 1.0, 99));
  ExpectRejected(set, "unknown landmark");
  LocationOptions pinned = Options();
  pinned.enrolled_host_key = std::string(32, 'k');
  ExpectRejected(good_, "different key", pinned);
  pinned.enrolled_host_key = good_.host_key;
  EXPECT_TRUE(Verify(good_, {"SG", {}}, pinned).verdict.excludes_restricted);
}

TEST_F(BadEvidence, DisksThatDoNotMeet) {
  // Singapore 1 ms (150 km) and Tokyo 1 ms: no point is near both.
  ExpectRejected(SignedSet({{"sg-sin", 1.0}, {"jp-tyo", 1.0}}),
                 "disks intersect");
}

TEST(VerifyLocation, InputErrors) {
  LocationOptions o = Options();
  EXPECT_EQ(VerifyLocation(SignedSet({{"sg-sin", 1}}), DefaultLandmarks(),
                           {"ZZ", {}}, o)
                .error()
                .code(),
            ErrorCode::kInvalidArgument);
  o.as_of = "";
  EXPECT_FALSE(VerifyLocation(SignedSet({{"sg-sin", 1}}), DefaultLandmarks(),
                              {"SG", {}}, o));
  CountryBoundaries::Options missing;
  missing.dcw_path = "/nonexistent/dcw.nc";
  EXPECT_EQ(CountryBoundaries::Load(missing).error().code(),
            ErrorCode::kNotFound);
}

// --- The decoded-border cache ---------------------------------------------

bool SamePoints(const std::vector<GeoPoint>& a,
                const std::vector<GeoPoint>& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](GeoPoint x, GeoPoint y) {
           return x.lat == y.lat && x.lon == y.lon;
         });
}

// Bit-for-bit the same borders, samples and caps.
void ExpectSameBorders(const CountryBoundaries& a, const CountryBoundaries& b) {
  EXPECT_EQ(a.dataset(), b.dataset());
  EXPECT_EQ(a.tolerance_km(), b.tolerance_km());
  ASSERT_EQ(a.countries().size(), b.countries().size());
  for (size_t i = 0; i < a.countries().size(); ++i) {
    const CountryShape& x = a.countries()[i];
    const CountryShape& y = b.countries()[i];
    SCOPED_TRACE(x.code);
    EXPECT_EQ(x.code, y.code);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.source_points, y.source_points);
    ASSERT_EQ(x.rings.size(), y.rings.size());
    for (size_t r = 0; r < x.rings.size(); ++r) {
      EXPECT_TRUE(SamePoints(x.rings[r], y.rings[r])) << "ring " << r;
    }
    EXPECT_TRUE(SamePoints(x.samples, y.samples));
    ASSERT_EQ(x.sample_vec.size(), y.sample_vec.size());
    EXPECT_EQ(x.cap_radius_rad, y.cap_radius_rad);
    EXPECT_EQ(x.cap_center.x, y.cap_center.x);
    EXPECT_EQ(x.cap_center.z, y.cap_center.z);
    EXPECT_EQ(x.min_lat, y.min_lat);
    EXPECT_EQ(x.max_lon, y.max_lon);
  }
}

std::vector<std::filesystem::path> CacheFiles(const std::filesystem::path& d) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(d)) {
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(CountryBoundaries, CacheGivesIdenticalBordersFaster) {
  testing::TempDir dir;
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  };
  CountryBoundaries::Options off;
  off.cache_dir = "off";
  CountryBoundaries::Options cached;
  cached.cache_dir = dir.path().string();

  const auto t0 = Clock::now();
  auto direct = CountryBoundaries::Load(off);
  const auto t1 = Clock::now();
  ASSERT_TRUE(direct.has_value()) << direct.error().ToString();
  EXPECT_TRUE(CacheFiles(dir.path()).empty());
  auto cold = CountryBoundaries::Load(cached);  // decodes and writes
  ASSERT_TRUE(cold.has_value());
  const auto files = CacheFiles(dir.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files[0].filename().string().starts_with("dcw-"));
  const auto t2 = Clock::now();
  auto warm = CountryBoundaries::Load(cached);  // reads the cache
  const auto t3 = Clock::now();
  ASSERT_TRUE(warm.has_value());
  ExpectSameBorders(**direct, **cold);
  ExpectSameBorders(**direct, **warm);
  std::printf(
      "  DCW borders: NetCDF %.3f s, cache %.3f s (%ju bytes)\n",
      seconds(t0, t1), seconds(t2, t3),
      static_cast<std::uintmax_t>(std::filesystem::file_size(files[0])));
  EXPECT_LT(seconds(t2, t3), seconds(t0, t1));

  // A damaged cache file is not believed: decoded again and rewritten.
  const std::string good = testing::ReadFile(files[0].string());
  std::string bad = good;
  bad[bad.size() / 2] ^= 0x01;
  testing::WriteFile(files[0].string(), bad);
  auto repaired = CountryBoundaries::Load(cached);
  ASSERT_TRUE(repaired.has_value());
  ExpectSameBorders(**direct, **repaired);
  EXPECT_EQ(testing::ReadFile(files[0].string()), good);
  testing::WriteFile(files[0].string(), good.substr(0, good.size() / 3));
  repaired = CountryBoundaries::Load(cached);
  ASSERT_TRUE(repaired.has_value());
  ExpectSameBorders(**direct, **repaired);

  // Another simplification tolerance is another cache entry.
  CountryBoundaries::Options coarse = cached;
  coarse.simplify_tolerance_deg = 0.05;
  auto other = CountryBoundaries::Load(coarse);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(CacheFiles(dir.path()).size(), 2u);
  EXPECT_NE((*other)->tolerance_km(), (*direct)->tolerance_km());
}

// --- Loopback: a landmark and a host responder over 127.0.0.1 UDP --------

// The host: answers each challenge (the message bytes) with the message and
// its Ed25519 signature, after the delay injected for that landmark.
class LoopbackHost {
 public:
  LoopbackHost(std::string seed, std::map<std::string, int> delay_us)
      : seed_(std::move(seed)), delay_us_(std::move(delay_us)) {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    timeval tv{0, 100000};  // wake every 100 ms to check stop_
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    thread_ = std::thread([this] { Serve(); });
  }
  ~LoopbackHost() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  uint16_t port() const { return port_; }

 private:
  void Serve() {
    char buffer[512];
    while (!stop_) {
      sockaddr_in from{};
      socklen_t len = sizeof from;
      const ssize_t n = recvfrom(fd_, buffer, sizeof buffer, 0,
                                 reinterpret_cast<sockaddr*>(&from), &len);
      if (n <= 0) continue;
      // Parse: nonce(32) | u8 id length | id | timestamp(8).
      const std::string wire(buffer, n);
      if (wire.size() < 41) continue;
      LocationChallenge c;
      c.nonce = wire.substr(0, 32);
      const size_t id_len = static_cast<unsigned char>(wire[32]);
      if (wire.size() != 41 + id_len) continue;
      c.landmark_id = wire.substr(33, id_len);
      uint64_t t = 0;
      for (size_t i = 0; i < 8; ++i) {
        t = (t << 8) | static_cast<unsigned char>(wire[33 + id_len + i]);
      }
      c.timestamp_us = static_cast<int64_t>(t);
      auto it = delay_us_.find(c.landmark_id);
      if (it != delay_us_.end()) {
        std::this_thread::sleep_for(std::chrono::microseconds(it->second));
      }
      const std::string reply = wire + *SignLocationChallenge(seed_, c);
      sendto(fd_, reply.data(), reply.size(), 0,
             reinterpret_cast<sockaddr*>(&from), len);
    }
  }
  std::string seed_;
  std::map<std::string, int> delay_us_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The landmark: sends a fresh challenge, times the signed answer on its own
// steady clock and records the sample.
std::optional<RttSample> Measure(uint16_t port, const std::string& landmark,
                                 std::mt19937_64& rng) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(port);
  RttSample s;
  s.landmark_id = landmark;
  s.challenge.landmark_id = landmark;
  for (size_t i = 0; i < kLocationNonceSize; ++i) {
    s.challenge.nonce += static_cast<char>(rng() & 0xff);
  }
  s.challenge.timestamp_us =
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count();
  // The wire challenge is the signed message minus its domain prefix.
  const std::string message = LocationChallengeMessage(s.challenge);
  const std::string wire =
      message.substr(message.size() - 41 - landmark.size());
  const auto start = std::chrono::steady_clock::now();
  sendto(fd, wire.data(), wire.size(), 0, reinterpret_cast<sockaddr*>(&to),
         sizeof to);
  char buffer[512];
  const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
  const auto end = std::chrono::steady_clock::now();
  close(fd);
  if (n != static_cast<ssize_t>(wire.size() + 64) ||
      std::string(buffer, wire.size()) != wire) {
    return std::nullopt;
  }
  s.signature = std::string(buffer + wire.size(), 64);
  s.rtt_ms = std::chrono::duration<double, std::milli>(end - start).count();
  return s;
}

TEST(Loopback, InjectedDelaysBecomeDistances) {
  // The host plays a machine in Singapore: its answer to each landmark is
  // delayed by (at least) what light needs for the real distance, and by
  // 1 ms for the Singapore landmark (150 km).
  const std::map<std::string, int> delay_us = {
      {"sg-sin", 1000}, {"jp-tyo", 37000}, {"au-syd", 44000}};
  LoopbackHost host(TestSeed(), delay_us);
  std::mt19937_64 rng(std::random_device{}());
  RttSet set;
  set.host_key = *Ed25519PublicKeyFromSeed(TestSeed());
  for (const auto& [landmark, delay] : delay_us) {
    for (int i = 0; i < 3; ++i) {
      auto sample = Measure(host.port(), landmark, rng);
      ASSERT_TRUE(sample.has_value()) << landmark;
      EXPECT_GE(sample->rtt_ms, delay / 1000.0);
      set.samples.push_back(*sample);
    }
  }
  LocationOptions o = Options();
  o.now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  const LocationReport r = Verify(set, {"SG", GeoPoint{1.3404, 103.7090}}, o);
  EXPECT_TRUE(r.verdict.claim_consistent) << FailedChecks(r.verdict);
  ASSERT_EQ(r.bounds.size(), 3u);
  for (const LandmarkBound& b : r.bounds) {
    const double injected_km =
        delay_us.at(b.landmark.id) / 1000.0 / 2 * kSpeedOfLightKmPerMs;
    EXPECT_GE(b.radius_km, injected_km) << b.landmark.id;
    // Loopback and scheduling add well under 20 ms (3,000 km) here.
    EXPECT_LT(b.radius_km, injected_km + 3000) << b.landmark.id;
    EXPECT_EQ(b.samples, 3);
  }
  // 1 ms plus loopback overhead still keeps China out of reach.
  if (r.bounds.front().min_rtt_ms < 8) {
    EXPECT_TRUE(Restricted(r, "CN")->excluded) << FailedChecks(r.verdict);
  }
  // A second host with another key cannot answer for the enrolled one.
  std::string other_seed = TestSeed();
  other_seed[0] ^= 1;
  LoopbackHost impostor(other_seed, {{"sg-sin", 0}});
  auto forged = Measure(impostor.port(), "sg-sin", rng);
  ASSERT_TRUE(forged.has_value());
  set.samples.push_back(*forged);
  const LocationReport bad = Verify(set, {"SG", {}}, o);
  EXPECT_FALSE(bad.verdict.excludes_restricted);
  EXPECT_NE(FailedChecks(bad.verdict).find("signature does not verify"),
            std::string::npos);
}

}  // namespace
}  // namespace clearance::attest
