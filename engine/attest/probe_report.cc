#include "engine/attest/probe_report.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "engine/attest/probe_challenge.h"
#include "engine/crypto/sha256.h"

namespace clearance::attest {
namespace {

namespace ch = probe;
using nlohmann::json;

constexpr const char* kCheckEnvelope = "envelope parses";
constexpr const char* kCheckSignature =
    "signature verifies with the enrolled host key";
constexpr const char* kCheckPayload = "payload parses";
constexpr const char* kCheckNonce = "nonce matches the challenge";
constexpr const char* kCheckDeadline = "deadline not passed";
constexpr const char* kCheckSpot = "spot checks recompute on the CPU";

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

std::optional<std::vector<std::uint8_t>> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> out;
  out.reserve(hex.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

std::string SignedMessage(std::string_view payload) {
  return std::string(ch::kReportFormat) + "\n" + std::string(payload);
}

bool VerifyEd25519(const Ed25519PublicKey& key, std::string_view message,
                   const std::vector<std::uint8_t>& signature) {
  Pkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(),
                                        key.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  if (!pkey || !ctx) return false;
  return EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr,
                              pkey.get()) == 1 &&
         EVP_DigestVerify(
             ctx.get(), signature.data(), signature.size(),
             reinterpret_cast<const unsigned char*>(message.data()),
             message.size()) == 1;
}

// Four little-endian words of SHA-256(nonce || label).
void Seed(const std::vector<std::uint8_t>& nonce, const char* label,
          std::uint64_t words[4]) {
  crypto::Sha256 h;
  h.Update(std::string_view(reinterpret_cast<const char*>(nonce.data()),
                            nonce.size()));
  h.Update(label);
  const std::array<std::uint8_t, 32> digest = h.Finish();
  for (int w = 0; w < 4; ++w) words[w] = ch::SeedWord(digest.data(), w);
}

Result<ProbeReport> ParsePayload(std::string_view text) {
  const json p = json::parse(text, nullptr, false);
  if (p.is_discarded() || !p.is_object()) {
    return Fail(ErrorCode::kParse, "payload is not a JSON object");
  }
  ProbeReport r;
  std::string where = "payload";
  try {
    if (p.at("format").get<std::string>() != ch::kReportFormat) {
      return Fail(ErrorCode::kUnsupportedFormat,
                  "payload format is not " + std::string(ch::kReportFormat));
    }
    r.nonce_hex = p.at("nonce").get<std::string>();
    r.deadline = p.at("deadline").get<std::string>();
    r.generated_at = p.value("generated_at", "");
    r.probe_version = p.value("probe_version", "");
    if (p.contains("host") && p["host"].is_object()) {
      r.hostname = p["host"].value("hostname", "");
      r.driver_version = p["host"].value("driver_version", "");
    }
    for (const json& d : p.at("devices")) {
      ProbeDevice dev;
      dev.index = d.at("index").get<int>();
      where = "payload device " + std::to_string(dev.index);
      dev.name = d.value("name", "");
      dev.uuid = d.value("uuid", "");
      dev.compute_capability = d.value("compute_capability", "");
      dev.pci_bus_id = d.value("pci_bus_id", "");
      dev.cc_mode = d.value("cc_mode", "");
      dev.sm_count_reported = d.value("sm_count_reported", 0);
      dev.total_memory_bytes = d.value("total_memory_bytes", std::uint64_t{0});
      dev.error = d.value("error", "");
      const json& b = d.at("benchmarks");
      dev.measured.sm_count = b.at("sm_count").get<int>();
      dev.measured.allocatable_gib =
          b.at("allocatable_bytes").get<double>() / (1024.0 * 1024 * 1024);
      dev.measured.memory_bandwidth_gbs =
          b.at("memory_bandwidth_gbs").get<double>();
      dev.measured.tensor_bf16_tflops =
          b.at("tensor_bf16_tflops").get<double>();
      dev.measured.fp64_tflops = b.at("fp64_tflops").get<double>();
      dev.measured.nvlink_p2p_gbs = b.value("nvlink_p2p_gbs", 0.0);
      dev.benchmark_seconds = b.value("elapsed_s", 0.0);
      const json& g = d.at("gemm");
      dev.gemm_m = g.at("m").get<int>();
      dev.gemm_n = g.at("n").get<int>();
      dev.gemm_k = g.at("k").get<int>();
      for (const json& s : d.at("spot_checks")) {
        dev.spot_checks.push_back({s.at("i").get<int>(), s.at("j").get<int>(),
                                   s.at("value").get<double>()});
      }
      if (d.contains("attestation") && d["attestation"].is_object()) {
        dev.attestation_report_hex = d["attestation"].value("report_hex", "");
        dev.attestation_cert_chain_pem =
            d["attestation"].value("cert_chain_pem", "");
      }
      r.devices.push_back(std::move(dev));
    }
  } catch (const json::exception& e) {
    return Fail(ErrorCode::kParse, where + ": " + e.what());
  }
  return r;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(c));
  return out;
}

}  // namespace

std::string ProbeVerification::FailedCheck() const {
  for (const Check& c : checks) {
    if (!c.passed) return c.name;
  }
  return "";
}

Result<std::chrono::system_clock::time_point> ParseIso8601Utc(
    std::string_view text) {
  std::tm tm{};
  char z = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year,
                  &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
                  &z) != 7 ||
      z != 'Z' || s.size() != 20) {
    return Fail(ErrorCode::kParse, "\"" + s +
                                       "\" is not an ISO 8601 UTC time "
                                       "like 2026-05-01T12:00:00Z");
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

Result<std::array<std::uint8_t, 32>> ParseKeyHex(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  while (!text.empty() &&
         std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  const auto bytes = FromHex(text);
  if (!bytes || bytes->size() != 32) {
    return Fail(ErrorCode::kParse, "expected an Ed25519 key as 64 hex digits");
  }
  std::array<std::uint8_t, 32> out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

Result<std::vector<SpotCheckValue>> ExpectedSpotChecks(
    std::string_view nonce_hex, int m, int n, int k) {
  const auto nonce = FromHex(nonce_hex);
  if (!nonce || nonce->size() != ch::kNonceBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                "nonce must be 64 hex digits (32 bytes)");
  }
  if (m <= 0 || n <= 0 || k <= 0 || k > ch::kMaxGemmK) {
    return Fail(ErrorCode::kInvalidArgument,
                "GEMM sizes must be positive and K at most 65536");
  }
  std::uint64_t matrix_seed[4], select_seed[4];
  Seed(*nonce, ch::kMatrixLabel, matrix_seed);
  Seed(*nonce, ch::kSelectLabel, select_seed);
  std::vector<SpotCheckValue> out;
  for (int s = 0; s < ch::kSpotChecks; ++s) {
    SpotCheckValue v;
    ch::SelectedEntry(select_seed, s, m, n, &v.i, &v.j);
    v.value = static_cast<double>(ch::ReferenceEntry(matrix_seed, k, v.i, v.j));
    out.push_back(v);
  }
  return out;
}

Result<Ed25519PublicKey> PublicKeyOf(const Ed25519Seed& secret) {
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                        secret.data(), secret.size()));
  Ed25519PublicKey pub{};
  size_t len = pub.size();
  if (!key || EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &len) != 1) {
    return Fail(ErrorCode::kInternal, "OpenSSL: Ed25519 key derivation failed");
  }
  return pub;
}

Result<Ed25519KeyPair> GenerateProbeKey() {
  Ed25519KeyPair pair;
  if (RAND_bytes(pair.secret.data(), static_cast<int>(pair.secret.size())) !=
      1) {
    return Fail(ErrorCode::kInternal, "OpenSSL: no randomness for a key");
  }
  Result<Ed25519PublicKey> pub = PublicKeyOf(pair.secret);
  if (!pub) return std::unexpected(pub.error());
  pair.public_key = *pub;
  return pair;
}

Result<std::string> SignProbePayload(std::string_view payload,
                                     const Ed25519Seed& secret) {
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                        secret.data(), secret.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  const std::string message = SignedMessage(payload);
  unsigned char sig[64];
  size_t sig_len = sizeof sig;
  if (!key || !ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) !=
          1 ||
      EVP_DigestSign(ctx.get(), sig, &sig_len,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1) {
    return Fail(ErrorCode::kInternal, "OpenSSL: Ed25519 signing failed");
  }
  Result<Ed25519PublicKey> pub = PublicKeyOf(secret);
  if (!pub) return std::unexpected(pub.error());
  nlohmann::ordered_json envelope;
  envelope["format"] = ch::kReportFormat;
  envelope["payload"] = std::string(payload);
  envelope["signature"] = crypto::ToHex(
      std::string_view(reinterpret_cast<const char*>(sig), sig_len));
  envelope["public_key"] = crypto::ToHex(
      std::string_view(reinterpret_cast<const char*>(pub->data()), 32));
  return envelope.dump(2) + "\n";
}

ProbeVerification VerifyProbeReport(std::string_view envelope_json,
                                    const Ed25519PublicKey& enrolled_key,
                                    std::string_view expected_nonce_hex,
                                    std::chrono::system_clock::time_point now) {
  ProbeVerification v;
  auto check = [&](const char* name, bool passed, std::string detail) {
    v.checks.push_back({name, passed, std::move(detail)});
    return passed;
  };

  // 1. Envelope.
  const json env = json::parse(envelope_json, nullptr, false);
  std::string payload;
  std::optional<std::vector<std::uint8_t>> signature;
  if (env.is_object() && env.value("format", "") == ch::kReportFormat &&
      env.contains("payload") && env["payload"].is_string()) {
    payload = env["payload"].get<std::string>();
    if (env.contains("signature") && env["signature"].is_string()) {
      signature = FromHex(env["signature"].get<std::string>());
    }
  } else {
    check(kCheckEnvelope, false,
          std::string("not a ") + ch::kReportFormat +
              " envelope with a payload string");
    return v;
  }
  check(kCheckEnvelope, true, std::to_string(payload.size()) + " byte payload");

  // 2. Signature before anything in the payload is believed.
  if (!signature || signature->size() != 64) {
    check(kCheckSignature, false,
          "the report is unsigned or the signature is not 128 hex digits");
    return v;
  }
  if (!check(kCheckSignature,
             VerifyEd25519(enrolled_key, SignedMessage(payload), *signature),
             "Ed25519 over the payload")) {
    v.checks.back().detail =
        "Ed25519 signature does not verify with the enrolled key: the "
        "payload was changed or another key signed it";
    return v;
  }

  // 3. Payload.
  Result<ProbeReport> report = ParsePayload(payload);
  if (!report) {
    check(kCheckPayload, false, report.error().message());
    return v;
  }
  v.report = *report;
  check(kCheckPayload, true,
        std::to_string(report->devices.size()) + " device(s) from host " +
            report->hostname);

  // 4. Nonce.
  if (!check(kCheckNonce, Lower(report->nonce_hex) == Lower(expected_nonce_hex),
             "report nonce " + report->nonce_hex + ", challenge " +
                 std::string(expected_nonce_hex))) {
    return v;
  }

  // 5. Deadline (injected clock).
  const auto deadline = ParseIso8601Utc(report->deadline);
  if (!deadline) {
    check(kCheckDeadline, false, deadline.error().message());
    return v;
  }
  if (!check(kCheckDeadline, now <= *deadline,
             "deadline " + report->deadline +
                 (now <= *deadline ? " not yet reached" : " has passed"))) {
    return v;
  }

  // 6. Spot checks, device by device.
  if (report->devices.empty()) {
    check(kCheckSpot, false, "the report has no devices");
    return v;
  }
  for (const ProbeDevice& d : report->devices) {
    const std::string dev = "device " + std::to_string(d.index) + ": ";
    const auto expected =
        ExpectedSpotChecks(report->nonce_hex, d.gemm_m, d.gemm_n, d.gemm_k);
    if (!expected) {
      check(kCheckSpot, false, dev + expected.error().message());
      return v;
    }
    if (d.spot_checks.size() != expected->size()) {
      check(kCheckSpot, false,
            dev + std::to_string(d.spot_checks.size()) + " spot checks, " +
                std::to_string(expected->size()) + " required");
      return v;
    }
    for (size_t s = 0; s < expected->size(); ++s) {
      const SpotCheckValue& got = d.spot_checks[s];
      const SpotCheckValue& want = (*expected)[s];
      if (got.i != want.i || got.j != want.j || got.value != want.value) {
        char buf[200];
        std::snprintf(buf, sizeof buf,
                      "C[%d][%d] = %.17g reported, C[%d][%d] = %.17g "
                      "recomputed",
                      got.i, got.j, got.value, want.i, want.j, want.value);
        check(kCheckSpot, false, dev + buf);
        return v;
      }
    }
  }
  check(kCheckSpot, true,
        std::to_string(ch::kSpotChecks) + " entries per device match");
  v.ok = true;
  return v;
}

}  // namespace clearance::attest
