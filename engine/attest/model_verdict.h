// Model verdict: which GPU model is this, and does it match the claim?
//
// Inputs are a claimed model (a catalog id or alias, e.g. "H100 SXM"), the
// product named by a verified NVIDIA attestation report (nvidia.h), if any,
// and the profile measured by the probe (probe_report.h), if any. The
// catalog (data/attest/gpu_catalog.json, compiled in) holds each model's
// specs, TPP, performance density and ECCN.
//
//   const GpuCatalog& catalog = GpuCatalog::Builtin();
//   ModelEvidence evidence;
//   evidence.measured = report.devices[0].measured;
//   ModelVerdict v = DecideModel(catalog, "H100 SXM", evidence);
//   // v.level "measured", v.matches_claim false,
//   // v.reason "... memory size: 139.2 GiB allocatable, H100 SXM5 80GB ..."
//
// Levels: "attested" when a verified attestation names a catalog product,
// "measured" when only benchmarks fit a catalog model, else "unverified".
// Measurements are compared with bands around spec x probe efficiency
// (docs/attestation.md "Model verdict"): SM count exact, memory +-3%,
// bandwidth +-15%, tensor and FP64 +-20%, NVLink +-15%. A host can lower a
// figure by throttling but cannot raise it above the silicon, so every
// upper bound is sound; lower bounds reject throttled genuine hardware
// (fail closed).
//
// Thread safety: GpuCatalog is immutable after construction; the functions
// are pure.
#ifndef CLEARANCE_ENGINE_ATTEST_MODEL_VERDICT_H_
#define CLEARANCE_ENGINE_ATTEST_MODEL_VERDICT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/attest/verdict.h"
#include "engine/common/error.h"

namespace clearance::attest {

// What the probe measured on one device. A zero field was not measured
// and is not compared (SM count, memory, bandwidth, tensor and FP64 are
// always measured by clearance-probe; NVLink only on multi-GPU hosts).
struct MeasuredProfile {
  int sm_count = 0;                 // distinct %smid values
  double allocatable_gib = 0;       // memory cudaMalloc granted
  double memory_bandwidth_gbs = 0;  // device copy
  double tensor_bf16_tflops = 0;    // dense BF16, FP32 accumulate
  double fp64_tflops = 0;
  double nvlink_p2p_gbs = 0;  // 0: not measured
};

struct CatalogEntry {
  std::string id;  // "H100 SXM5 80GB"
  std::vector<std::string> aliases;
  std::string arch;  // "ampere", "ada", "hopper", "blackwell"
  std::string compute_capability;
  bool datacenter = true;
  bool cc_attestable = false;
  int sm_count = 0;
  double memory_gb = 0;           // nominal
  double visible_memory_gib = 0;  // what CUDA reports as total
  double memory_bandwidth_gbs = 0;
  double bf16_dense_tflops = 0;
  double probe_tensor_tflops = 0;  // BF16 with FP32 accumulate (probe's kernel)
  double fp64_tflops = 0;
  double nvlink_gbs = 0;  // 0: none
  double die_area_mm2 = 0;
  double tpp = 0;
  double performance_density = 0;
  std::string eccn;                     // "3A090.a", "3A090.b" or "not 3A090"
  std::vector<std::string> unverified;  // fields resting on weak sources
};

// Fraction of the spec the probe's kernels reach, per architecture.
struct ProbeEfficiency {
  double memory_bandwidth = 1, tensor = 1, fp64 = 1, nvlink = 1;
};

struct Tolerance {
  double memory = 0.03, memory_bandwidth = 0.15, tensor = 0.20, fp64 = 0.20,
         nvlink = 0.15;
};

// A closed interval a measurement must fall into.
struct Band {
  double low = 0, high = 0;
  bool Contains(double v) const { return v >= low && v <= high; }
};

class GpuCatalog {
 public:
  // Parses a catalog document (data/attest/gpu_catalog.json format).
  // Errors: kParse naming the model and field.
  static Result<GpuCatalog> Parse(std::string_view json);
  // The catalog compiled into the binary. Aborts if it does not parse (a
  // build defect caught by tests).
  static const GpuCatalog& Builtin();

  const std::vector<CatalogEntry>& entries() const { return entries_; }
  // By id or alias, case-insensitive; nullptr if unknown.
  const CatalogEntry* Find(std::string_view model) const;
  ProbeEfficiency EfficiencyFor(const CatalogEntry& entry) const;
  const Tolerance& tolerance() const { return tolerance_; }
  double allocatable_overhead_gib() const { return overhead_gib_; }

  // The measurement bands of `entry` (name -> band) for the axes compared.
  Band SmBand(const CatalogEntry& e) const;
  Band MemoryBand(const CatalogEntry& e) const;
  Band BandwidthBand(const CatalogEntry& e) const;
  Band TensorBand(const CatalogEntry& e) const;
  Band Fp64Band(const CatalogEntry& e) const;
  Band NvlinkBand(const CatalogEntry& e) const;

 private:
  std::vector<CatalogEntry> entries_;
  std::map<std::string, ProbeEfficiency> efficiency_;
  Tolerance tolerance_;
  double overhead_gib_ = 0.75;
};

// One measured axis compared with one model.
struct AxisComparison {
  std::string axis;  // "SM count", "memory size", "memory bandwidth",
                     // "tensor throughput", "FP64 throughput",
                     // "NVLink bandwidth"
  double measured = 0;
  Band expected;
  bool passed = false;
  std::string detail;  // "139.2 GiB allocatable; H100 SXM5 80GB: 76.5-81.8"
};

// Every measured axis of `profile` against `entry`, in the order above.
std::vector<AxisComparison> CompareProfile(const GpuCatalog& catalog,
                                           const CatalogEntry& entry,
                                           const MeasuredProfile& profile);

// Catalog entries every measured axis of `profile` fits, closest first.
std::vector<const CatalogEntry*> ConsistentModels(
    const GpuCatalog& catalog, const MeasuredProfile& profile);

struct ModelEvidence {
  std::optional<MeasuredProfile> measured;
  // The product a verified NVIDIA attestation report maps to (nvidia.h,
  // NvidiaVerdict::product); empty when there is no verified attestation.
  std::string attested_product;
  // The catalog models that product can be (NvidiaVerdict::catalog_models).
  // Empty: `attested_product` itself must name a catalog model.
  std::vector<std::string> attested_models;
};

// The verdict for `claimed_model` given the evidence. Never fails: an
// unknown claim or no evidence gives level "unverified" with the reason.
//
// With attestation, the attested models are narrowed by the measurements:
// level "attested" when some attested model fits every measured axis (or
// nothing was measured); the identified model is the claim when it is one
// of them, else the closest. When no attested model fits the measurements,
// the evidence disagrees (e.g. the report came from another GPU, or the
// allow-list is wrong): level "unverified", no identified model, and the
// reason names both sides.
ModelVerdict DecideModel(const GpuCatalog& catalog,
                         std::string_view claimed_model,
                         const ModelEvidence& evidence);

// ECCN 3A090 classification from TPP and performance density (thresholds in
// the catalog's "eccn_thresholds"): "3A090.a", "3A090.b" or "not 3A090".
std::string ClassifyEccn(double tpp, double performance_density,
                         bool datacenter);

}  // namespace clearance::attest

#endif  // CLEARANCE_ENGINE_ATTEST_MODEL_VERDICT_H_
