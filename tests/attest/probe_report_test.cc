// Signed probe reports: a report built here the way clearance-probe builds
// it (signed with a test key, spot checks from the CPU reference) verifies;
// each kind of tampering fails the check that names it.
#include "engine/attest/probe_report.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/attest/probe_challenge.h"

namespace clearance::attest {
namespace {

using nlohmann::ordered_json;
using std::chrono::system_clock;

constexpr const char* kNonce =
    "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0";
constexpr const char* kDeadline = "2026-05-01T12:00:00Z";
constexpr int kSize = 256;  // small GEMM: the CPU reference is the same code

system_clock::time_point At(const char* iso) { return *ParseIso8601Utc(iso); }

Ed25519Seed TestSeed(std::uint8_t fill) {
  Ed25519Seed seed;
  seed.fill(fill);
  return seed;
}

// The payload clearance-probe writes for one H200-like device.
ordered_json Payload(const std::string& nonce = kNonce) {
  ordered_json p;
  p["format"] = probe::kReportFormat;
  p["nonce"] = nonce;
  p["deadline"] = kDeadline;
  p["generated_at"] = "2026-05-01T11:59:50Z";
  p["probe_version"] = "0.1.0";
  p["host"] = {{"hostname", "gpu-host-1"}, {"driver_version", "570.86.15"}};
  ordered_json d;
  d["index"] = 0;
  d["name"] = "NVIDIA H200";
  d["uuid"] = "GPU-00000000-0000-0000-0000-000000000000";
  d["compute_capability"] = "9.0";
  d["benchmarks"] = {{"sm_count", 132},
                     {"allocatable_bytes", 149250000000ull},
                     {"memory_bandwidth_gbs", 4200.0},
                     {"tensor_bf16_tflops", 400.0},
                     {"fp64_tflops", 30.5},
                     {"elapsed_s", 3.2}};
  d["gemm"] = {{"m", kSize}, {"n", kSize}, {"k", kSize}};
  d["spot_checks"] = ordered_json::array();
  const auto expected = ExpectedSpotChecks(nonce, kSize, kSize, kSize);
  for (const SpotCheckValue& s : *expected) {
    d["spot_checks"].push_back({{"i", s.i},
                                {"j", s.j},
                                {"value", static_cast<std::int64_t>(s.value)}});
  }
  p["devices"] = ordered_json::array({d});
  return p;
}

std::string Signed(const ordered_json& payload, std::uint8_t key = 7) {
  return *SignProbePayload(payload.dump(), TestSeed(key));
}

ProbeVerification Verify(const std::string& envelope,
                         const char* now = "2026-05-01T11:59:59Z") {
  return VerifyProbeReport(envelope, *PublicKeyOf(TestSeed(7)), kNonce,
                           At(now));
}

TEST(ProbeReport, GenuineReportVerifies) {
  const ProbeVerification v = Verify(Signed(Payload()));
  ASSERT_TRUE(v.ok) << v.FailedCheck();
  EXPECT_EQ(v.FailedCheck(), "");
  ASSERT_EQ(v.checks.size(), 6u);
  ASSERT_TRUE(v.report.has_value());
  ASSERT_EQ(v.report->devices.size(), 1u);
  const MeasuredProfile& m = v.report->devices[0].measured;
  EXPECT_EQ(m.sm_count, 132);
  EXPECT_NEAR(m.allocatable_gib, 139.0, 0.1);
  EXPECT_EQ(v.report->hostname, "gpu-host-1");
}

TEST(ProbeReport, SpotChecksAreExactIntegersWithinFp32Range) {
  const auto checks =
      ExpectedSpotChecks(kNonce, probe::kDefaultGemmSize,
                         probe::kDefaultGemmSize, probe::kDefaultGemmSize);
  ASSERT_TRUE(checks.has_value());
  ASSERT_EQ(checks->size(), static_cast<size_t>(probe::kSpotChecks));
  for (const SpotCheckValue& s : *checks) {
    EXPECT_LT(std::abs(s.value), 16777216.0);  // 2^24: exact in FP32
    EXPECT_EQ(s.value, static_cast<float>(s.value));
  }
  // Another nonce selects other entries of another product.
  const auto other = ExpectedSpotChecks(
      "ff112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0", 8192,
      8192, 8192);
  EXPECT_NE((*checks)[0].i, (*other)[0].i);
  EXPECT_FALSE(ExpectedSpotChecks("abcd", 8, 8, 8).has_value());
}

TEST(ProbeReport, MatrixEntriesStayInTheExactRange) {
  std::uint64_t seed[4] = {1, 2, 3, 4};
  for (std::uint32_t r = 0; r < 64; ++r) {
    for (std::uint32_t c = 0; c < 64; ++c) {
      const int v = probe::MatrixEntry(seed, r % 2, r, c);
      EXPECT_GE(v, -8);
      EXPECT_LE(v, 8);
    }
  }
}

TEST(ProbeReport, WrongNonceFails) {
  const std::string other =
      "aa112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0";
  const ProbeVerification v = Verify(Signed(Payload(other)));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.FailedCheck(), "nonce matches the challenge");
}

TEST(ProbeReport, ExpiredDeadlineFails) {
  const ProbeVerification v = Verify(Signed(Payload()), "2026-05-01T12:00:01Z");
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.FailedCheck(), "deadline not passed");
}

TEST(ProbeReport, BadSignatureFails) {
  // Signed by a key that is not the enrolled one.
  ProbeVerification v = Verify(Signed(Payload(), /*key=*/9));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.FailedCheck(), "signature verifies with the enrolled host key");
  // A flipped signature byte.
  ordered_json env = ordered_json::parse(Signed(Payload()));
  std::string sig = env["signature"];
  sig[0] = sig[0] == '0' ? '1' : '0';
  env["signature"] = sig;
  v = Verify(env.dump());
  EXPECT_EQ(v.FailedCheck(), "signature verifies with the enrolled host key");
  // Unsigned (clearance-probe --no-sign).
  env["signature"] = nullptr;
  v = Verify(env.dump());
  EXPECT_EQ(v.FailedCheck(), "signature verifies with the enrolled host key");
}

TEST(ProbeReport, TamperedSpotCheckValueFails) {
  // A probe that signs a wrong value (it did not compute the product).
  ordered_json p = Payload();
  p["devices"][0]["spot_checks"][3]["value"] =
      p["devices"][0]["spot_checks"][3]["value"].get<std::int64_t>() + 1;
  const ProbeVerification v = Verify(Signed(p));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.FailedCheck(), "spot checks recompute on the CPU");
  EXPECT_NE(v.checks.back().detail.find("device 0"), std::string::npos);
  // Reporting entries of its own choosing fails the same way.
  ordered_json q = Payload();
  q["devices"][0]["spot_checks"][0]["i"] = 0;
  q["devices"][0]["spot_checks"][0]["j"] = 0;
  EXPECT_EQ(Verify(Signed(q)).FailedCheck(),
            "spot checks recompute on the CPU");
}

TEST(ProbeReport, TamperedBenchmarkFigureBreaksTheSignature) {
  // Edit the signed payload after signing: raise the tensor figure.
  ordered_json env = ordered_json::parse(Signed(Payload()));
  std::string payload = env["payload"];
  const std::string from = "\"tensor_bf16_tflops\":400.0";
  const size_t at = payload.find(from);
  ASSERT_NE(at, std::string::npos) << payload;
  payload.replace(at, from.size(), "\"tensor_bf16_tflops\":900.0");
  env["payload"] = payload;
  const ProbeVerification v = Verify(env.dump());
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.FailedCheck(), "signature verifies with the enrolled host key");
  EXPECT_FALSE(v.report.has_value());  // nothing unsigned is believed
}

TEST(ProbeReport, MalformedInputIsAFailedCheckNotACrash) {
  EXPECT_EQ(Verify("not json").FailedCheck(), "envelope parses");
  EXPECT_EQ(Verify("{}").FailedCheck(), "envelope parses");
  ordered_json p = Payload();
  p["devices"][0].erase("benchmarks");
  EXPECT_EQ(Verify(Signed(p)).FailedCheck(), "payload parses");
}

TEST(ProbeReport, KeysRoundTripThroughHex) {
  const auto pair = GenerateProbeKey();
  ASSERT_TRUE(pair.has_value());
  EXPECT_EQ(*PublicKeyOf(pair->secret), pair->public_key);
  const auto parsed = ParseKeyHex(
      "  00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ((*parsed)[1], 0x11);
  EXPECT_FALSE(ParseKeyHex("0011").has_value());
  EXPECT_FALSE(ParseIso8601Utc("2026-05-01 12:00").has_value());
}

}  // namespace
}  // namespace clearance::attest
