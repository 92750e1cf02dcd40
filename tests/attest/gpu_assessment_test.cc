// GPU assessment (gpu_assessment.h): the verdict workload approval uses,
// computed from evidence files. Probe reports are signed here with the
// location test host key (the key of tests/testdata/location/*.json), so
// one enrolled key answers both the probe challenge and the landmarks; the
// recorded fixtures in tests/testdata/attest/ are these reports, and
// FixturesAreReproducible regenerates them byte for byte (Ed25519 is
// deterministic). With the real NVIDIA sample (shared data; skipped when
// absent) an H100 PCIe probe report plus the sample attestation gives
// level "attested".
#include "engine/attest/gpu_assessment.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/attest/probe_challenge.h"
#include "engine/attest/probe_report.h"
#include "engine/crypto/sha256.h"
#include "tests/test_support.h"

namespace clearance::attest {
namespace {

using nlohmann::ordered_json;

// 2026-03-02T08:01:00Z: a minute after the recorded RTT sets (location
// test kT0) and before the challenges' deadline.
constexpr const char* kNow = "2026-03-02T08:01:00Z";
constexpr const char* kAsOf = "2026-03-02";
constexpr const char* kDeadline = "2026-03-02T08:02:00Z";
// The nonce of NVIDIA's sample report (its request bytes 4..35): a probe
// challenge with this nonce is what a CC-mode host would have answered.
constexpr const char* kSampleNonce =
    "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";
constexpr const char* kSampleDir = "attestation/nvidia_nvtrust_samples/";

std::string Sha256Of(const std::string& label) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(label.data()), label.size(),
         digest);
  return std::string(reinterpret_cast<char*>(digest), sizeof digest);
}

// The location tests' host key: seed SHA-256("clearance location test host
// key"), public key 1a40ec0c... (tests/testdata/location/generate.py).
Ed25519Seed HostSeed() {
  const std::string digest = Sha256Of("clearance location test host key");
  Ed25519Seed seed;
  std::copy(digest.begin(), digest.end(), seed.begin());
  return seed;
}

std::string HostPubHex() {
  const auto pub = PublicKeyOf(HostSeed());
  return crypto::ToHex(
      std::string_view(reinterpret_cast<const char*>(pub->data()), 32));
}

std::string FixtureNonce(const std::string& label) {
  return crypto::ToHex(Sha256Of("clearance gpu assessment fixture " + label));
}

std::chrono::system_clock::time_point At(const char* iso) {
  return *ParseIso8601Utc(iso);
}

// One device as clearance-probe writes it (gpu_probe/main.cc, DeviceJson)
// for a genuine `model`, measured at the catalog's
// spec x probe efficiency, slightly below (a real run rarely hits the
// centre of the band).
ordered_json Device(int index, const std::string& model,
                    const std::string& nonce) {
  const GpuCatalog& catalog = GpuCatalog::Builtin();
  const CatalogEntry& e = *catalog.Find(model);
  const ProbeEfficiency eff = catalog.EfficiencyFor(e);
  const double gib =
      (e.visible_memory_gib - catalog.allocatable_overhead_gib()) * 0.998;
  const auto granules =
      static_cast<std::uint64_t>(gib * 1024.0 / 2.0);  // 2 MiB granules
  ordered_json d;
  d["index"] = index;
  d["name"] = "NVIDIA " + e.id;
  d["uuid"] = "GPU-" +
              FixtureNonce(model + std::to_string(index)).substr(0, 8) +
              "-0000-0000-0000-000000000000";
  d["compute_capability"] = e.compute_capability;
  d["sm_count_reported"] = e.sm_count;
  d["total_memory_bytes"] =
      static_cast<std::uint64_t>(e.visible_memory_gib * 1024 * 1024 * 1024);
  d["pci_bus_id"] = "00000000:1" + std::to_string(index) + ":00.0";
  d["nvml"] = nullptr;
  d["cc_mode"] = "off";
  d["attestation"] = nullptr;
  d["benchmarks"] = {
      {"sm_count", e.sm_count},
      {"allocatable_bytes", granules * 2 * 1024 * 1024},
      {"memory_bandwidth_gbs",
       std::round(e.memory_bandwidth_gbs * eff.memory_bandwidth * 0.97)},
      {"tensor_bf16_tflops",
       std::round(e.probe_tensor_tflops * eff.tensor * 0.96 * 10) / 10},
      {"fp64_tflops", std::round(e.fp64_tflops * eff.fp64 * 0.97 * 10) / 10},
      {"elapsed_s", 3.4}};
  const int k = probe::kDefaultGemmSize;
  d["gemm"] = {
      {"m", k}, {"n", k}, {"k", k}, {"dtype", "bf16"}, {"accumulate", "fp32"}};
  d["spot_checks"] = ordered_json::array();
  const Result<std::vector<SpotCheckValue>> expected =
      ExpectedSpotChecks(nonce, k, k, k);
  EXPECT_TRUE(expected.has_value());
  for (const SpotCheckValue& s :
       expected ? *expected : std::vector<SpotCheckValue>{}) {
    d["spot_checks"].push_back({{"i", s.i},
                                {"j", s.j},
                                {"value", static_cast<std::int64_t>(s.value)}});
  }
  d["error"] = "";
  return d;
}

std::string SignedReport(const std::vector<std::string>& models,
                         const std::string& nonce,
                         const char* deadline = kDeadline,
                         const Ed25519Seed& seed = HostSeed()) {
  ordered_json p;
  p["format"] = probe::kReportFormat;
  p["nonce"] = nonce;
  p["deadline"] = deadline;
  p["generated_at"] = "2026-03-02T08:00:05Z";
  p["probe_version"] = "0.1.0";
  p["host"] = {{"hostname", "gpu-host-sg-7"},
               {"driver_version", "570.86.15"},
               {"cuda_driver_version", 12080},
               {"cuda_runtime_version", 12080}};
  p["devices"] = ordered_json::array();
  for (size_t i = 0; i < models.size(); ++i) {
    p["devices"].push_back(Device(static_cast<int>(i), models[i], nonce));
  }
  ordered_json env = ordered_json::parse(*SignProbePayload(p.dump(), seed));
  return env.dump(2) + "\n";
}

std::string Challenge(const std::string& nonce,
                      const char* deadline = kDeadline) {
  return ordered_json{{"nonce", nonce}, {"deadline", deadline}}.dump(2) + "\n";
}

// The recorded fixtures: file name -> content.
std::vector<std::pair<std::string, std::string>> Fixtures() {
  const std::string sxm = FixtureNonce("h100 sxm");
  return {
      {"host.pub", HostPubHex() + "\n"},
      {"h100_sxm_challenge.json", Challenge(sxm)},
      {"h100_sxm_probe_report.json", SignedReport({"H100 SXM5 80GB"}, sxm)},
      {"h100_pcie_challenge.json", Challenge(kSampleNonce)},
      {"h100_pcie_probe_report.json",
       SignedReport({"H100 PCIe 80GB"}, kSampleNonce)},
  };
}

std::string Fixture(const std::string& name) {
  return testing::ReadFile(testing::TestDataFile("attest/" + name));
}

EvidenceFile File(const std::string& name, const std::string& content) {
  return {name, content};
}

EvidenceFile FixtureFile(const std::string& name) {
  return File("tests/testdata/attest/" + name, Fixture(name));
}

EvidenceFile RttFile(const std::string& set) {
  const std::string path = "location/" + set + ".json";
  return File("tests/testdata/" + path,
              testing::ReadFile(testing::TestDataFile(path)));
}

GpuEvidence H100SxmEvidence(const std::string& rtts = "sg_host") {
  GpuEvidence e;
  e.claimed_model = "H100 SXM5 80GB";
  e.claimed_country = "SG";
  e.probe_report = FixtureFile("h100_sxm_probe_report.json");
  e.challenge = FixtureFile("h100_sxm_challenge.json");
  e.host_key = FixtureFile("host.pub");
  if (!rtts.empty()) e.rtts = RttFile(rtts);
  return e;
}

GpuAssessmentOptions Options(const char* now = kNow) {
  GpuAssessmentOptions o;
  o.now = At(now);
  o.as_of = kAsOf;
  return o;
}

GpuVerdict Assess(const GpuEvidence& e,
                  const GpuAssessmentOptions& o = Options()) {
  auto v = AssessGpu(e, o);
  EXPECT_TRUE(v.has_value()) << v.error().ToString();
  return v ? *v : GpuVerdict{};
}

const Check* FindCheck(const std::vector<Check>& checks,
                       const std::string& name) {
  for (const Check& c : checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string Describe(const std::vector<Check>& checks) {
  std::string out;
  for (const Check& c : checks) {
    out += (c.passed ? "  ok   " : "  FAIL ") + c.name + ": " + c.detail + "\n";
  }
  return out;
}

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

TEST(GpuAssessment, FixturesAreReproducible) {
  const bool regenerate =
      std::getenv("CLEARANCE_REGENERATE_FIXTURES") != nullptr;
  for (const auto& [name, content] : Fixtures()) {
    SCOPED_TRACE(name);
    if (regenerate) {
      testing::WriteFile(testing::TestDataFile("attest/" + name), content);
    }
    EXPECT_EQ(Fixture(name), content)
        << "regenerate with CLEARANCE_REGENERATE_FIXTURES=1";
  }
  EXPECT_EQ(HostPubHex(),
            "1a40ec0cd6ff82598366ea9ceb71a4e1a44ff47058ab78e85f1254f515b1a683");
}

TEST(GpuAssessment, MeasuredH100InSingaporeIsVerified) {
  const GpuEvidence e = H100SxmEvidence();
  const GpuVerdict v = Assess(e);
  EXPECT_EQ(v.source, kVerdictFromEvidence);
  EXPECT_EQ(v.model.level, "measured") << v.model.reason;
  EXPECT_TRUE(v.model.matches_claim) << Describe(v.model.checks);
  EXPECT_EQ(v.model.identified_model, "H100 SXM5 80GB");
  EXPECT_EQ(v.model.eccn, "3A090.a");
  EXPECT_EQ(v.model.tpp, 15832);
  EXPECT_TRUE(v.location.claim_consistent) << v.location.reason;
  EXPECT_TRUE(v.location.excludes_restricted) << v.location.reason;
  EXPECT_TRUE(v.location.possible_restricted.empty());
  const Check* deadline =
      FindCheck(v.model.checks, "probe: deadline is the challenge's");
  ASSERT_NE(deadline, nullptr) << Describe(v.model.checks);
  EXPECT_TRUE(deadline->passed);
  // The evidence is named by digest, in a fixed order.
  ASSERT_EQ(v.evidence.size(), 4u);
  EXPECT_EQ(v.evidence[0].role, "probe_report");
  EXPECT_EQ(v.evidence[0].name, e.probe_report->name);
  EXPECT_EQ(v.evidence[0].sha256, crypto::Sha256Hex(e.probe_report->content));
  EXPECT_EQ(v.evidence[1].role, "challenge");
  EXPECT_EQ(v.evidence[2].role, "host_key");
  EXPECT_EQ(v.evidence[3].role, "rtts");
  EXPECT_EQ(v.evidence[3].sha256, crypto::Sha256Hex(e.rtts->content));
}

TEST(GpuAssessment, FarLandmarksCannotExcludeChina) {
  const GpuVerdict v = Assess(H100SxmEvidence("sg_far_host"));
  EXPECT_TRUE(v.model.matches_claim);
  EXPECT_TRUE(v.location.claim_consistent) << v.location.reason;
  EXPECT_FALSE(v.location.excludes_restricted);
  EXPECT_TRUE(Has(v.location.possible_restricted, "CN")) << v.location.reason;
}

TEST(GpuAssessment, ShanghaiHostClaimingSingaporeIsInconsistent) {
  const GpuVerdict v = Assess(H100SxmEvidence("shanghai_host"));
  EXPECT_FALSE(v.location.claim_consistent);
  EXPECT_FALSE(v.location.excludes_restricted);
  EXPECT_TRUE(Has(v.location.possible_restricted, "CN"));
}

TEST(GpuAssessment, NoEvidenceIsUnverifiedAndExcludesNothing) {
  GpuEvidence e;
  e.claimed_model = "H100 SXM5 80GB";
  e.claimed_country = "SG";
  const GpuVerdict v = Assess(e);
  EXPECT_EQ(v.source, kVerdictFromEvidence);
  EXPECT_EQ(v.model.level, "unverified");
  EXPECT_FALSE(v.model.matches_claim);
  EXPECT_FALSE(v.location.claim_consistent);
  EXPECT_FALSE(v.location.excludes_restricted);
  EXPECT_NE(v.location.reason.find("No location evidence"), std::string::npos);
  EXPECT_TRUE(v.evidence.empty());
}

TEST(GpuAssessment, ProbeReportForAnotherChallengeIsRejected) {
  GpuEvidence e = H100SxmEvidence();
  e.challenge = File("other.json", Challenge(FixtureNonce("another")));
  const GpuVerdict v = Assess(e);
  EXPECT_EQ(v.model.level, "unverified");
  EXPECT_FALSE(v.model.matches_claim);
  EXPECT_NE(v.model.reason.find("nonce matches the challenge"),
            std::string::npos)
      << v.model.reason;
  // The location stands on its own evidence.
  EXPECT_TRUE(v.location.excludes_restricted);
}

TEST(GpuAssessment, DeadlineMustBeTheIssuedOneAndNotPassed) {
  GpuEvidence e = H100SxmEvidence("");
  // The host signed a later deadline than the engine issued.
  e.challenge = File(
      "c.json", Challenge(FixtureNonce("h100 sxm"), "2026-03-02T08:01:30Z"));
  GpuVerdict v = Assess(e);
  EXPECT_EQ(v.model.level, "unverified");
  EXPECT_NE(v.model.reason.find("deadline is the challenge's"),
            std::string::npos)
      << v.model.reason;
  // Past the deadline.
  v = Assess(H100SxmEvidence(""), Options("2026-03-02T08:02:01Z"));
  EXPECT_EQ(v.model.level, "unverified");
  EXPECT_NE(v.model.reason.find("deadline not passed"), std::string::npos)
      << v.model.reason;
}

TEST(GpuAssessment, ForeignKeyFailsProbeAndLocation) {
  GpuEvidence e = H100SxmEvidence();
  Ed25519Seed other;
  other.fill(3);
  const auto pub = PublicKeyOf(other);
  e.host_key =
      File("other.pub", crypto::ToHex(std::string_view(
                            reinterpret_cast<const char*>(pub->data()), 32)));
  const GpuVerdict v = Assess(e);
  EXPECT_EQ(v.model.level, "unverified");
  EXPECT_FALSE(v.location.claim_consistent);
  EXPECT_FALSE(v.location.excludes_restricted);
  const Check* key =
      FindCheck(v.location.checks, "host key is the enrolled key");
  ASSERT_NE(key, nullptr);
  EXPECT_FALSE(key->passed);
}

TEST(GpuAssessment, EveryDeviceMustFitTheClaim) {
  const std::string nonce = FixtureNonce("h100 sxm");
  GpuEvidence e = H100SxmEvidence("");
  e.probe_report = File(
      "two.json", SignedReport({"H100 SXM5 80GB", "H200 SXM 141GB"}, nonce));
  const GpuVerdict v = Assess(e);
  EXPECT_FALSE(v.model.matches_claim);
  EXPECT_EQ(v.model.identified_model, "H200 SXM 141GB");
  EXPECT_NE(v.model.reason.find("device 1"), std::string::npos)
      << v.model.reason;
  EXPECT_NE(FindCheck(v.model.checks, "device 0: SM count fits H100 SXM5 80GB"),
            nullptr)
      << Describe(v.model.checks);
}

TEST(GpuAssessment, InputsThatDoNotBelongTogetherAreErrors) {
  GpuEvidence e = H100SxmEvidence("");
  e.challenge.reset();
  EXPECT_EQ(AssessGpu(e, Options()).error().code(),
            ErrorCode::kInvalidArgument);
  e = H100SxmEvidence();
  e.probe_report.reset();
  e.challenge.reset();
  e.host_key.reset();
  EXPECT_EQ(AssessGpu(e, Options()).error().code(),
            ErrorCode::kInvalidArgument);  // RTTs without the enrolled key
  e = GpuEvidence{};
  e.nvidia_report = File("r", "00");
  EXPECT_EQ(AssessGpu(e, Options()).error().code(),
            ErrorCode::kInvalidArgument);  // no chain
  e.nvidia_certs = File("c", "");
  EXPECT_EQ(AssessGpu(e, Options()).error().code(),
            ErrorCode::kInvalidArgument);  // no nonce
  e = H100SxmEvidence("");
  e.challenge = File("bad.json", "{\"nonce\": \"abcd\"}");
  EXPECT_EQ(AssessGpu(e, Options()).error().code(), ErrorCode::kParse);
  e = H100SxmEvidence("");
  e.host_key = File("bad.pub", "not a key");
  EXPECT_EQ(AssessGpu(e, Options()).error().code(), ErrorCode::kParse);
  e = H100SxmEvidence();
  e.rtts = File("bad.json", "{}");
  EXPECT_EQ(AssessGpu(e, Options()).error().code(), ErrorCode::kParse);
}

// ------------------------------------------------- real NVIDIA attestation

struct Sample {
  EvidenceFile report, certs;
};

bool LoadSample(Sample* s) {
  const std::string report = testing::SharedDataFile(
      std::string(kSampleDir) + "hopperAttestationReport.txt");
  const std::string certs =
      testing::SharedDataFile(std::string(kSampleDir) + "hopperCertChain.txt");
  if (report.empty() || certs.empty()) return false;
  s->report = File(report, testing::ReadFile(report));
  s->certs = File(certs, testing::ReadFile(certs));
  return true;
}

#define LOAD_SAMPLE_OR_SKIP(s)                                    \
  Sample s;                                                       \
  if (!LoadSample(&s)) {                                          \
    GTEST_SKIP() << "shared data " << kSampleDir << " is absent"; \
  }

GpuEvidence PcieEvidence(const Sample& s, const std::string& claim) {
  GpuEvidence e;
  e.claimed_model = claim;
  e.claimed_country = "SG";
  e.probe_report = FixtureFile("h100_pcie_probe_report.json");
  e.challenge = FixtureFile("h100_pcie_challenge.json");
  e.host_key = FixtureFile("host.pub");
  e.nvidia_report = s.report;
  e.nvidia_certs = s.certs;
  e.rtts = RttFile("sg_host");
  return e;
}

TEST(GpuAssessment, NvidiaSamplePlusProbeIsAttested) {
  LOAD_SAMPLE_OR_SKIP(s);
  const GpuVerdict v = Assess(PcieEvidence(s, "H100 PCIe"));
  EXPECT_EQ(v.model.level, "attested") << v.model.reason << "\n"
                                       << Describe(v.model.checks);
  EXPECT_TRUE(v.model.matches_claim);
  EXPECT_EQ(v.model.identified_model, "H100 PCIe 80GB");
  EXPECT_EQ(v.model.eccn, "3A090.a");
  EXPECT_NE(v.model.reason.find("H100 PCIe/NVL (board P1010)"),
            std::string::npos)
      << v.model.reason;
  const Check* nonce = FindCheck(v.model.checks, "device 0: NVIDIA: nonce");
  ASSERT_NE(nonce, nullptr) << Describe(v.model.checks);
  EXPECT_TRUE(nonce->passed);
  EXPECT_TRUE(v.location.excludes_restricted);
  // Digests of all six inputs.
  ASSERT_EQ(v.evidence.size(), 6u);
  EXPECT_EQ(v.evidence[3].role, "nvidia_report");
  EXPECT_EQ(v.evidence[3].sha256, crypto::Sha256Hex(s.report.content));
  EXPECT_EQ(v.evidence[4].role, "nvidia_certs");
}

TEST(GpuAssessment, NvidiaSampleAloneAttestsTheBoardFamily) {
  LOAD_SAMPLE_OR_SKIP(s);
  GpuEvidence e;
  e.claimed_model = "H100 NVL";
  e.claimed_country = "SG";
  e.nvidia_report = s.report;
  e.nvidia_certs = s.certs;
  e.nvidia_nonce_hex = kSampleNonce;
  GpuVerdict v = Assess(e);
  EXPECT_EQ(v.model.level, "attested") << v.model.reason;
  EXPECT_TRUE(v.model.matches_claim);
  EXPECT_EQ(v.model.identified_model, "H100 NVL 94GB");
  // An SXM claim is not what the P1010 board is.
  e.claimed_model = "H100 SXM";
  v = Assess(e);
  EXPECT_EQ(v.model.level, "attested");
  EXPECT_FALSE(v.model.matches_claim);
}

TEST(GpuAssessment, AttestationAndMeasurementsThatDisagreeAreNotAttested) {
  LOAD_SAMPLE_OR_SKIP(s);
  // The P1010 (PCIe/NVL) attestation with an H200's benchmarks.
  GpuEvidence e = PcieEvidence(s, "H100 PCIe");
  e.probe_report =
      File("h200.json", SignedReport({"H200 SXM 141GB"}, kSampleNonce));
  const GpuVerdict v = Assess(e);
  EXPECT_EQ(v.model.level, "unverified") << v.model.reason;
  EXPECT_FALSE(v.model.matches_claim);
  EXPECT_NE(v.model.reason.find("disagree"), std::string::npos)
      << v.model.reason;
  const Check* agree = FindCheck(
      v.model.checks, "device 0: measurements agree with the attested product");
  ASSERT_NE(agree, nullptr) << Describe(v.model.checks);
  EXPECT_FALSE(agree->passed);
}

TEST(GpuAssessment, NvidiaReportForAnotherNonceFailsClosed) {
  LOAD_SAMPLE_OR_SKIP(s);
  // The probe answered a fresh challenge, but the attestation report is
  // NVIDIA's old sample (its nonce is not the challenge's): replayed.
  GpuEvidence e = H100SxmEvidence("");
  e.claimed_model = "H100 PCIe";
  e.probe_report = FixtureFile("h100_pcie_probe_report.json");
  e.challenge = File("fresh.json", Challenge(FixtureNonce("fresh")));
  e.probe_report =
      File("fresh_report.json",
           SignedReport({"H100 PCIe 80GB"}, FixtureNonce("fresh")));
  e.nvidia_report = s.report;
  e.nvidia_certs = s.certs;
  const GpuVerdict v = Assess(e);
  EXPECT_EQ(v.model.level, "unverified");
  EXPECT_NE(v.model.reason.find("NVIDIA attestation failed at nonce"),
            std::string::npos)
      << v.model.reason;
}

}  // namespace
}  // namespace clearance::attest
