// The GPU verdicts that workload approval consumes (engine/screening turns
// them into `attestation.*` facts for the rules). Produced by the model
// verdict (model_verdict.h), the NVIDIA attestation verifier (nvidia.h) and
// the location verdict (location.h).
#ifndef CLEARANCE_ENGINE_ATTEST_VERDICT_H_
#define CLEARANCE_ENGINE_ATTEST_VERDICT_H_

#include <string>
#include <vector>

namespace clearance::attest {

// One check and its result, in the order performed, e.g.
// {"certificate chain verifies to the pinned NVIDIA root", true, ""}.
struct Check {
  std::string name;
  bool passed = false;
  std::string detail;  // why it failed, or what was found
};

struct ModelVerdict {
  // "attested": hardware evidence (a verified NVIDIA attestation report)
  // identifies the product; "measured": benchmarks only; "unverified".
  std::string level = "unverified";
  std::string claimed_model;     // e.g. "H100 SXM5 80GB"
  std::string identified_model;  // best catalog match, "" if none
  bool matches_claim = false;
  std::string eccn;  // of the identified model, e.g. "3A090.a"
  double tpp = 0;    // of the identified model
  std::vector<Check> checks;
  std::string reason;  // one sentence: why this verdict
};

struct LocationVerdict {
  bool claim_consistent =
      false;  // claimed data center inside the feasible region
  bool excludes_restricted = false;  // no restricted country can host the GPU
  std::vector<std::string> possible_countries;  // ISO alpha-2, feasible region
  std::vector<std::string>
      possible_restricted;        // of those, D:5/Macau/embargoed
  double feasible_radius_km = 0;  // of the tightest landmark disk
  std::vector<Check> checks;
  std::string reason;
};

// One input file a verdict was computed from, identified by its digest so
// that the decision record names exactly what was verified.
struct EvidenceDigest {
  std::string role;    // "probe_report", "challenge", "host_key",
                       // "nvidia_report", "nvidia_certs", "rim", "rtts",
                       // or "gpu_verdict" for a verdict supplied by a caller
  std::string name;    // file path or label, as given
  std::string sha256;  // 64 lower-case hex digits of the exact bytes
};

// Where a GpuVerdict came from.
inline constexpr const char* kVerdictFromEvidence = "evidence";
inline constexpr const char* kVerdictFromCaller = "caller";

// Everything workload approval needs about the GPU host.
struct GpuVerdict {
  ModelVerdict model;
  LocationVerdict location;
  // kVerdictFromEvidence when AssessGpu (gpu_assessment.h) computed it from
  // the inputs in `evidence`; kVerdictFromCaller (the default) when the
  // caller supplied it precomputed and nothing was verified by the engine.
  std::string source = kVerdictFromCaller;
  std::vector<EvidenceDigest> evidence;
};

}  // namespace clearance::attest

#endif  // CLEARANCE_ENGINE_ATTEST_VERDICT_H_
