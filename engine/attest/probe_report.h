// Signed probe reports: what `clearance-probe` (gpu_probe/) writes on the GPU
// host and the engine verifies before trusting its measurements.
//
// Envelope (JSON):
//   {"format": "clearance-probe-report/1",
//    "payload": "<the report as JSON text>",
//    "signature": "<128 hex: Ed25519 over 'clearance-probe-report/1\n' +
//                  payload>",
//    "public_key": "<64 hex, informational; the enrolled key is used>"}
// Payload: {format, nonce, deadline, generated_at, probe_version, host{...},
//   devices:[{index, name, uuid, ..., benchmarks{sm_count,
//   allocatable_bytes, memory_bandwidth_gbs, tensor_bf16_tflops,
//   fp64_tflops, elapsed_s}, gemm{m,n,k}, spot_checks:[{i,j,value}]}]}
// (docs/attestation.md "Probe" has the full field list).
//
// VerifyProbeReport performs, in order, and names the first failure:
//   1. "envelope parses"
//   2. "signature verifies with the enrolled host key"
//   3. "payload parses"
//   4. "nonce matches the challenge"
//   5. "deadline not passed"
//   6. "spot checks recompute on the CPU" (per device: the selected entries
//      of the nonce-seeded product, probe_challenge.h, bit-exact)
// Only a report that passes all of them yields measurements.
//
// Keys are raw Ed25519 keys in hex: a 32-byte secret seed and the 32-byte
// public key (`clearance probe keygen`). OpenSSL provides Ed25519.
// Thread safety: all functions are pure / reentrant.
#ifndef CLEARANCE_ENGINE_ATTEST_PROBE_REPORT_H_
#define CLEARANCE_ENGINE_ATTEST_PROBE_REPORT_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/attest/model_verdict.h"
#include "engine/attest/verdict.h"
#include "engine/common/error.h"

namespace clearance::attest {

using Ed25519PublicKey = std::array<std::uint8_t, 32>;
using Ed25519Seed = std::array<std::uint8_t, 32>;

struct SpotCheckValue {
  int i = 0;
  int j = 0;
  double value = 0;
};

struct ProbeDevice {
  int index = 0;
  std::string name;  // as the driver reports it (a claim, not evidence)
  std::string uuid;
  std::string compute_capability;
  std::string pci_bus_id;
  std::string cc_mode;
  int sm_count_reported = 0;
  std::uint64_t total_memory_bytes = 0;
  MeasuredProfile measured;
  double benchmark_seconds = 0;
  int gemm_m = 0, gemm_n = 0, gemm_k = 0;
  std::vector<SpotCheckValue> spot_checks;
  std::string attestation_report_hex;  // CC mode only
  std::string attestation_cert_chain_pem;
  std::string error;  // the probe's own failure message, if any
};

struct ProbeReport {
  std::string nonce_hex;
  std::string deadline;  // ISO 8601 UTC
  std::string generated_at;
  std::string probe_version;
  std::string hostname;
  std::string driver_version;
  std::vector<ProbeDevice> devices;
};

struct ProbeVerification {
  bool ok = false;
  std::vector<Check> checks;          // in the order performed
  std::optional<ProbeReport> report;  // set when the payload parsed
  // Name of the first failed check, "" when ok.
  std::string FailedCheck() const;
};

// Verifies `envelope_json` against the enrolled key, the engine's nonce
// (64 hex digits) and the current time `now` (injected). Never fails: every
// problem is a failed check.
ProbeVerification VerifyProbeReport(std::string_view envelope_json,
                                    const Ed25519PublicKey& enrolled_key,
                                    std::string_view expected_nonce_hex,
                                    std::chrono::system_clock::time_point now);

// The entries the probe must report for `nonce_hex` and an m x n x k
// product, with their exact values (the CPU reference). Errors:
// kInvalidArgument for a nonce that is not 64 hex digits or bad sizes.
Result<std::vector<SpotCheckValue>> ExpectedSpotChecks(
    std::string_view nonce_hex, int m, int n, int k);

// Signs `payload` as clearance-probe does and returns the envelope JSON.
// For tests and tools; the probe has its own copy of this code.
Result<std::string> SignProbePayload(std::string_view payload,
                                     const Ed25519Seed& secret);

struct Ed25519KeyPair {
  Ed25519Seed secret{};
  Ed25519PublicKey public_key{};
};
// A fresh key pair from OpenSSL's CSPRNG. Errors: kInternal.
Result<Ed25519KeyPair> GenerateProbeKey();
// The public key of a secret seed. Errors: kInternal.
Result<Ed25519PublicKey> PublicKeyOf(const Ed25519Seed& secret);

// 64 hex digits (surrounding whitespace ignored) -> 32 bytes.
// Errors: kParse.
Result<std::array<std::uint8_t, 32>> ParseKeyHex(std::string_view text);

// "2026-05-01T12:00:00Z" -> time point. Errors: kParse.
Result<std::chrono::system_clock::time_point> ParseIso8601Utc(
    std::string_view text);

}  // namespace clearance::attest

#endif  // CLEARANCE_ENGINE_ATTEST_PROBE_REPORT_H_
