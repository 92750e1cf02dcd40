// Local verification of NVIDIA GPU hardware attestation (Hopper, CC mode):
// the evidence a confidential-computing GPU returns from
// nvmlDeviceGetConfComputeGpuAttestationReport (an SPDM report) and
// nvmlDeviceGetConfComputeGpuCertificate (its 5-certificate chain), plus
// optionally the driver and VBIOS RIMs. See docs/attestation.md for the
// steps, what each proves, and the failure messages.
//
//   auto verifier = NvidiaVerifier::Create({});        // pinned roots
//   if (!verifier) ...;                                // config error
//   NvidiaVerdict v = (*verifier)->Verify(evidence, {.expected_nonce = n});
//   if (v.ok) ... v.product ...;  else ... v.failed_check ...;
//
// The verdict lists every check, in order, with a detail. It is ok only
// when every check passed; a malformed input is a failed check, not an
// error. The trust anchors (NVIDIA Device Identity CA, NVIDIA CoRIM signing
// Root CA) and the product allow-list are compiled in from data/attest/.
// Not done here: OCSP/CRL revocation (needs the network), and the NVML
// driver/VBIOS version cross-check (the caller has NVML, we do not).
//
// Thread safety: a NvidiaVerifier is immutable after Create; Verify may be
// called concurrently.
#ifndef CLEARANCE_ENGINE_ATTEST_NVIDIA_H_
#define CLEARANCE_ENGINE_ATTEST_NVIDIA_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/attest/verdict.h"
#include "engine/common/error.h"

namespace clearance::attest {

// Check names (stable: tests, the CLI and docs/attestation.md use them).
inline constexpr const char* kCheckReportParses = "report parses";
inline constexpr const char* kCheckChainLength = "certificate chain length";
inline constexpr const char* kCheckChainVerifies = "certificate chain";
inline constexpr const char* kCheckLeafKey = "leaf certificate key";
inline constexpr const char* kCheckFwid = "FWID";
inline constexpr const char* kCheckSignature = "report signature";
inline constexpr const char* kCheckNonce = "nonce";
inline constexpr const char* kCheckProduct = "product allow-list";
inline constexpr const char* kCheckRimSignature = "RIM signature";
inline constexpr const char* kCheckRimVersions = "RIM versions";
inline constexpr const char* kCheckMeasurements = "measurements";

struct NvidiaEvidence {
  std::vector<uint8_t> report;  // SPDM request || response (raw bytes)
  std::string cert_chain_pem;   // 5 PEM certificates, leaf first
  std::vector<std::string>
      rims;  // RIM XML texts (driver and VBIOS); may be empty
  std::vector<std::string> rim_names;  // optional labels for messages
};

struct NvidiaVerifyRequest {
  // The 32-byte nonce this verifier sent to the GPU. REQUIRED.
  std::vector<uint8_t> expected_nonce;
  // Certificate validity is checked as of this time. Default: now.
  std::chrono::system_clock::time_point at = std::chrono::system_clock::now();
};

struct NvidiaVerdict {
  bool ok = false;
  std::vector<Check> checks;  // every check performed, in order
  std::string failed_check;   // name of the first failed check; "" if ok

  // Read from the report and chain (trustworthy only if ok).
  std::string hwmodel;         // CN of certificate 1, "GH100 A01 GSP BROM"
  std::string ueid;            // leaf serial number, decimal
  std::string driver_version;  // "550.90.07"
  std::string vbios_version;   // "96.00.9F.00.01"
  std::string project, project_sku, chip_sku;  // "1010", "0200", "882"
  std::string fwid_hex;
  // From the allow-list: "" when the tuple is not listed (not approved).
  std::string product;
  std::vector<std::string> product_candidates;
  // The GPU catalog ids (data/attest/gpu_catalog.json) the listed product
  // can be, from the allow-list's "catalog_models"; the model verdict
  // (model_verdict.h, ModelEvidence::attested_models) narrows them with
  // the probe's measurements.
  std::vector<std::string> catalog_models;
  bool product_verified_on_hardware = false;
  // True when RIMs were supplied, verified, and every golden value matched.
  bool measurements_verified = false;

  // "verified: H100 PCIe/NVL (board P1010) ..." or "FAILED at <check>: ...".
  std::string Summary() const;
};

class NvidiaVerifier {
 public:
  struct Options {
    // PEM trust anchors; empty = the pinned roots in data/attest/nvidia_roots.
    std::string device_root_pem{};
    std::string rim_root_pem{};
    // Allow-list JSON (format of data/attest/gpu_products.json); empty =
    // the compiled-in list.
    std::string products_json{};
  };

  // kInvalidArgument when a root is not a PEM certificate or the allow-list
  // is malformed (names the entry).
  static Result<std::unique_ptr<NvidiaVerifier>> Create(const Options& options);

  ~NvidiaVerifier();
  NvidiaVerifier(const NvidiaVerifier&) = delete;
  NvidiaVerifier& operator=(const NvidiaVerifier&) = delete;

  NvidiaVerdict Verify(const NvidiaEvidence& evidence,
                       const NvidiaVerifyRequest& request) const;

 private:
  struct State;
  explicit NvidiaVerifier(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// The pinned PEM trust anchors (data/attest/nvidia_roots/).
std::string_view PinnedDeviceRootPem();
std::string_view PinnedRimRootPem();

}  // namespace clearance::attest

#endif  // CLEARANCE_ENGINE_ATTEST_NVIDIA_H_
