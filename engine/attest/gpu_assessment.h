// GPU assessment: the GpuVerdict (verdict.h) that workload approval uses,
// computed from the evidence files rather than taken from the caller.
//
// It composes the module's verifiers, in this order:
//   1. the probe report (probe_report.h) against the challenge the engine
//      issued (its nonce and deadline) and the host's enrolled key;
//   2. NVIDIA attestation (nvidia.h) for each device: the report and chain
//      the probe collected in CC mode, or the files given explicitly; the
//      nonce is the challenge's unless one is given;
//   3. the model verdict (model_verdict.h) for every device of the report
//      against the claimed model: the weakest device decides;
//   4. the location verdict (location.h) from the signed landmark RTTs,
//      answered by the same enrolled host key, against the claimed data
//      centre country.
// Every input's SHA-256 is recorded in GpuVerdict::evidence, so a decision
// names exactly what was verified; GpuVerdict::source is "evidence".
//
//   GpuEvidence e;
//   e.claimed_model = request.gpu_model;
//   e.claimed_country = request.datacenter_country;
//   e.probe_report = EvidenceFile{"report.json", text};  // + challenge, key
//   e.rtts = EvidenceFile{"rtts.json", rtts_text};
//   auto verdict = AssessGpu(e, {.now = now, .as_of = "2026-03-02"});
//
// Errors are about the inputs the operator controls, not the evidence: a
// probe report without its challenge or host key, an NVIDIA report without
// its chain or a nonce, an RTT set without the host key (kInvalidArgument);
// a challenge, key, nonce or RTT file that does not parse (kParse); no
// country boundaries (kNotFound). Evidence that fails verification is a
// verdict (level "unverified", location not consistent, the failed check
// named), never an error.
//
// Thread safety: AssessGpu is reentrant; the first location assessment in
// a process loads the country boundaries (CountryBoundaries::Default).
#ifndef CLEARANCE_ENGINE_ATTEST_GPU_ASSESSMENT_H_
#define CLEARANCE_ENGINE_ATTEST_GPU_ASSESSMENT_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/attest/country_boundaries.h"
#include "engine/attest/landmarks.h"
#include "engine/attest/model_verdict.h"
#include "engine/attest/nvidia.h"
#include "engine/attest/verdict.h"
#include "engine/common/error.h"

namespace clearance::attest {

// One evidence file: its name (path or label) and exact bytes.
struct EvidenceFile {
  std::string name;
  std::string content;
};

struct GpuEvidence {
  // The claim, from the workload request.
  std::string claimed_model;    // e.g. "H100 SXM5 80GB"
  std::string claimed_country;  // the data centre, ISO alpha-2
  std::optional<GeoPoint> claimed_position;

  // Probe: the signed report (clearance-probe --out), the challenge
  // (`clearance probe challenge --json`: {"nonce", "deadline"}) and the
  // host's enrolled Ed25519 public key (64 hex digits, `probe keygen`).
  // The report needs the other two.
  std::optional<EvidenceFile> probe_report;
  std::optional<EvidenceFile> challenge;
  std::optional<EvidenceFile> host_key;

  // NVIDIA attestation given explicitly (report as hex text or binary,
  // PEM chain, optional RIMs); it applies to `nvidia_device` of the probe
  // report (default: the first device), or stands alone without one.
  std::optional<EvidenceFile> nvidia_report;
  std::optional<EvidenceFile> nvidia_certs;
  std::vector<EvidenceFile> rims;
  std::string nvidia_nonce_hex;  // "" = the challenge's nonce
  int nvidia_device = -1;        // CUDA index; -1 = the first device

  // Location: the signed landmark RTT set (location.h, ParseRttSet); needs
  // `host_key`, which must have answered every challenge.
  std::optional<EvidenceFile> rtts;
};

struct GpuAssessmentOptions {
  // The verifier's clock (deadlines, certificate validity, RTT freshness).
  std::chrono::system_clock::time_point now{};
  // Date of the restricted-destination lists, YYYY-MM-DD. REQUIRED with
  // `rtts`.
  std::string as_of;
  // Oldest acceptable landmark answer (default 1 hour).
  std::int64_t location_max_age_us = 3600LL * 1000000;
  // nullptr / empty = the built-in ones.
  const GpuCatalog* catalog = nullptr;
  const NvidiaVerifier* nvidia = nullptr;
  const CountryBoundaries* boundaries = nullptr;
  std::span<const Landmark> landmarks{};
};

Result<GpuVerdict> AssessGpu(const GpuEvidence& evidence,
                             const GpuAssessmentOptions& options);

}  // namespace clearance::attest

#endif  // CLEARANCE_ENGINE_ATTEST_GPU_ASSESSMENT_H_
