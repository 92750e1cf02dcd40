// Model verdict on synthetic profiles: for every catalog entry, noisy
// measurements generated from its specs must fit its own claim and reject
// every model the benchmarks can tell apart, naming the axis.
#include "engine/attest/model_verdict.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>

namespace clearance::attest {
namespace {

const GpuCatalog& Catalog() { return GpuCatalog::Builtin(); }

// A profile as the probe would measure it on a genuine `e`, with noise
// typical of repeated runs: bandwidth +-5%, tensor and FP64 +-8% (clocks,
// thermals), allocatable memory +-0.5% (driver reservations).
MeasuredProfile Synthetic(const CatalogEntry& e, std::mt19937_64& rng,
                          bool with_nvlink = false) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const ProbeEfficiency eff = Catalog().EfficiencyFor(e);
  MeasuredProfile p;
  p.sm_count = e.sm_count;
  p.allocatable_gib =
      (e.visible_memory_gib - Catalog().allocatable_overhead_gib()) *
      (1 + 0.005 * u(rng));
  p.memory_bandwidth_gbs =
      e.memory_bandwidth_gbs * eff.memory_bandwidth * (1 + 0.05 * u(rng));
  p.tensor_bf16_tflops =
      e.probe_tensor_tflops * eff.tensor * (1 + 0.08 * u(rng));
  p.fp64_tflops = e.fp64_tflops * eff.fp64 * (1 + 0.08 * u(rng));
  if (with_nvlink && e.nvlink_gbs > 0) {
    p.nvlink_p2p_gbs = e.nvlink_gbs * eff.nvlink * (1 + 0.05 * u(rng));
  }
  return p;
}

// Pairs single-GPU benchmarks cannot separate (every axis within the bands
// of both). Each pair must share an ECCN, so that the export-control
// classification is unambiguous even when the SKU is not. Listed both ways
// by the helper below.
const std::set<std::pair<std::string, std::string>>& LookAlikes() {
  static const auto* pairs = new std::set<std::pair<std::string, std::string>>{
      {"H100 NVL 94GB", "GH200 96GB"},
      {"H200 SXM 141GB", "H200 NVL 141GB"},
      {"A100 SXM4 80GB", "A100 PCIe 80GB"},
      {"A100 SXM4 80GB", "A800 SXM4 80GB"},
      {"A100 SXM4 80GB", "A800 PCIe 80GB"},
      {"A100 PCIe 80GB", "A800 SXM4 80GB"},
      {"A100 PCIe 80GB", "A800 PCIe 80GB"},
      {"A800 SXM4 80GB", "A800 PCIe 80GB"},
      {"A100 SXM4 40GB", "A100 PCIe 40GB"},
      {"B200", "GB200 (per GPU)"},
  };
  return *pairs;
}

bool IsLookAlike(const std::string& a, const std::string& b) {
  return LookAlikes().contains({a, b}) || LookAlikes().contains({b, a});
}

bool Mentions(const ModelVerdict& v, const std::string& axis) {
  return v.reason.find(axis) != std::string::npos;
}

TEST(GpuCatalog, BuiltinParsesWithEveryRequiredModel) {
  for (const char* model : {"H100 SXM5 80GB",
                            "H100 PCIe 80GB",
                            "H100 NVL 94GB",
                            "H800 SXM5 80GB",
                            "H800 PCIe 80GB",
                            "H20 96GB",
                            "H200 SXM 141GB",
                            "H200 NVL 141GB",
                            "A100 SXM4 40GB",
                            "A100 SXM4 80GB",
                            "A100 PCIe 40GB",
                            "A100 PCIe 80GB",
                            "A800 SXM4 80GB",
                            "L40S",
                            "L40",
                            "RTX 4090",
                            "RTX 4090 D",
                            "B200",
                            "B100",
                            "GB200 (per GPU)",
                            "GH200 96GB",
                            "RTX 6000 Ada"}) {
    EXPECT_NE(Catalog().Find(model), nullptr) << model;
  }
  EXPECT_EQ(Catalog().Find("h100 sxm")->id, "H100 SXM5 80GB");
  EXPECT_EQ(Catalog().Find("NVIDIA H200")->id, "H200 SXM 141GB");
  EXPECT_EQ(Catalog().Find("Ascend 910B"), nullptr);
}

TEST(GpuCatalog, EccnFollowsTheThresholdsFromTppAndDensity) {
  for (const CatalogEntry& e : Catalog().entries()) {
    EXPECT_NEAR(e.performance_density, e.tpp / e.die_area_mm2, 0.01) << e.id;
    EXPECT_GE(e.tpp, e.bf16_dense_tflops * 16 - 1) << e.id;
    EXPECT_EQ(e.eccn, ClassifyEccn(e.tpp, e.performance_density, e.datacenter))
        << e.id;
  }
  EXPECT_EQ(Catalog().Find("H100 SXM")->eccn, "3A090.a");
  EXPECT_EQ(Catalog().Find("H20")->eccn, "not 3A090");  // TPP 2368, PD 2.9
  EXPECT_EQ(Catalog().Find("L40")->eccn, "3A090.b");
  EXPECT_EQ(ClassifyEccn(4800, 1.0, true), "3A090.a");
  EXPECT_EQ(ClassifyEccn(1600, 5.92, true), "3A090.a");
  EXPECT_EQ(ClassifyEccn(2400, 1.6, true), "3A090.b");
  EXPECT_EQ(ClassifyEccn(1600, 3.2, true), "3A090.b");
  EXPECT_EQ(ClassifyEccn(1599, 10, true), "not 3A090");
  EXPECT_EQ(ClassifyEccn(4706, 7.7, false), "not 3A090");
}

TEST(GpuCatalog, LookAlikesShareTheirEccn) {
  for (const auto& [a, b] : LookAlikes()) {
    ASSERT_NE(Catalog().Find(a), nullptr) << a;
    ASSERT_NE(Catalog().Find(b), nullptr) << b;
    EXPECT_EQ(Catalog().Find(a)->eccn, Catalog().Find(b)->eccn)
        << a << " / " << b;
  }
}

// The target: every catalog entry, 20 noisy profiles each.
TEST(ModelVerdict, EveryCatalogEntryClassifiesOnSyntheticProfiles) {
  std::mt19937_64 rng(20260501);
  for (const CatalogEntry& truth : Catalog().entries()) {
    for (int run = 0; run < 20; ++run) {
      const MeasuredProfile p = Synthetic(truth, rng);
      ModelEvidence evidence;
      evidence.measured = p;
      const ModelVerdict own = DecideModel(Catalog(), truth.id, evidence);
      ASSERT_TRUE(own.matches_claim) << truth.id << ": " << own.reason;
      EXPECT_EQ(own.level, "measured");
      EXPECT_EQ(own.identified_model, truth.id);
      EXPECT_EQ(own.eccn, truth.eccn);
      EXPECT_EQ(own.tpp, truth.tpp);
      for (const CatalogEntry& other : Catalog().entries()) {
        if (&other == &truth || IsLookAlike(truth.id, other.id)) continue;
        const ModelVerdict v = DecideModel(Catalog(), other.id, evidence);
        ASSERT_FALSE(v.matches_claim) << truth.id << " measured, claim "
                                      << other.id << " accepted: " << v.reason;
        EXPECT_NE(v.identified_model, other.id);
        // The truth always fits, so the verdict names a model of its ECCN.
        EXPECT_EQ(v.level, "measured") << v.reason;
      }
    }
  }
}

// Guard the look-alike list itself: each listed pair really is inseparable
// (so the list cannot hide a classifier regression), checked at the specs.
TEST(ModelVerdict, LookAlikePairsAreReallyInseparable) {
  for (const auto& [a, b] : LookAlikes()) {
    const CatalogEntry& ea = *Catalog().Find(a);
    const CatalogEntry& eb = *Catalog().Find(b);
    std::mt19937_64 rng(1);
    // A genuine a fits b's bands, or a genuine b fits a's.
    const MeasuredProfile pa = Synthetic(ea, rng);
    const MeasuredProfile pb = Synthetic(eb, rng);
    bool inseparable = false;
    for (const CatalogEntry* e : ConsistentModels(Catalog(), pa)) {
      inseparable |= e == &eb;
    }
    for (const CatalogEntry* e : ConsistentModels(Catalog(), pb)) {
      inseparable |= e == &ea;
    }
    EXPECT_TRUE(inseparable) << a << " / " << b;
  }
}

ModelVerdict Claim(const std::string& truth, const std::string& claim,
                   bool with_nvlink = false) {
  std::mt19937_64 rng(7);
  ModelEvidence evidence;
  evidence.measured = Synthetic(*Catalog().Find(truth), rng, with_nvlink);
  return DecideModel(Catalog(), claim, evidence);
}

TEST(ModelVerdict, H200ClaimedAsH100SxmIsRejectedForMemorySize) {
  const ModelVerdict v = Claim("H200 SXM 141GB", "H100 SXM");
  EXPECT_FALSE(v.matches_claim);
  EXPECT_EQ(v.level, "measured");
  EXPECT_TRUE(Mentions(v, "memory size")) << v.reason;
  EXPECT_EQ(v.identified_model, "H200 SXM 141GB");
  EXPECT_EQ(v.eccn, "3A090.a");
  EXPECT_NEAR(v.tpp, 15832, 1);
}

TEST(ModelVerdict, H100ClaimedAsH800IsRejectedForFp64AndNvlink) {
  const ModelVerdict v = Claim("H100 SXM5 80GB", "H800 SXM5 80GB", true);
  EXPECT_FALSE(v.matches_claim);
  EXPECT_TRUE(Mentions(v, "FP64 throughput")) << v.reason;
  EXPECT_TRUE(Mentions(v, "NVLink bandwidth")) << v.reason;
  EXPECT_EQ(v.identified_model, "H100 SXM5 80GB");
  // And the other way round.
  const ModelVerdict w = Claim("H800 SXM5 80GB", "H100 SXM");
  EXPECT_FALSE(w.matches_claim);
  EXPECT_TRUE(Mentions(w, "FP64 throughput")) << w.reason;
  EXPECT_EQ(w.identified_model, "H800 SXM5 80GB");
}

TEST(ModelVerdict, H20AndH100AreToldApartByTensorThroughput) {
  const ModelVerdict v = Claim("H20 96GB", "H100 SXM");
  EXPECT_FALSE(v.matches_claim);
  EXPECT_TRUE(Mentions(v, "tensor throughput")) << v.reason;
  EXPECT_EQ(v.identified_model, "H20 96GB");
  EXPECT_EQ(v.eccn, "not 3A090");
  // An H100 passed off as the less controlled H20: the upper bound catches it.
  const ModelVerdict w = Claim("H100 SXM5 80GB", "H20");
  EXPECT_FALSE(w.matches_claim);
  EXPECT_TRUE(Mentions(w, "tensor throughput")) << w.reason;
  EXPECT_EQ(w.eccn, "3A090.a");
}

TEST(ModelVerdict, A100AndA800SeparateOnlyWithNvlink) {
  const ModelVerdict without = Claim("A100 SXM4 80GB", "A800 SXM4 80GB");
  EXPECT_TRUE(without.matches_claim) << without.reason;
  EXPECT_NE(without.reason.find("cannot tell it from"), std::string::npos);
  const ModelVerdict with = Claim("A100 SXM4 80GB", "A800 SXM4 80GB", true);
  EXPECT_FALSE(with.matches_claim);
  EXPECT_TRUE(Mentions(with, "NVLink bandwidth")) << with.reason;
}

TEST(ModelVerdict, ThrottledOrFakeProfileFitsNothing) {
  MeasuredProfile fake;  // an emulator: plausible names, no silicon behind
  fake.sm_count = 132;
  fake.allocatable_gib = 78.9;
  fake.memory_bandwidth_gbs = 40;
  fake.tensor_bf16_tflops = 0.5;
  fake.fp64_tflops = 0.1;
  ModelEvidence evidence;
  evidence.measured = fake;
  const ModelVerdict v = DecideModel(Catalog(), "H100 SXM", evidence);
  EXPECT_FALSE(v.matches_claim);
  EXPECT_EQ(v.level, "unverified");
  EXPECT_EQ(v.identified_model, "");
  EXPECT_TRUE(Mentions(v, "memory bandwidth")) << v.reason;
}

TEST(ModelVerdict, AttestationIdentifiesTheProduct) {
  ModelEvidence evidence;
  evidence.attested_product = "NVIDIA H100 80GB HBM3";
  ModelVerdict v = DecideModel(Catalog(), "H100 SXM", evidence);
  EXPECT_EQ(v.level, "attested");
  EXPECT_TRUE(v.matches_claim);
  EXPECT_EQ(v.identified_model, "H100 SXM5 80GB");

  v = DecideModel(Catalog(), "H20", evidence);
  EXPECT_EQ(v.level, "attested");
  EXPECT_FALSE(v.matches_claim);
  EXPECT_EQ(v.eccn, "3A090.a");

  // The attested product and the measured profile disagree: not attested.
  std::mt19937_64 rng(3);
  evidence.measured = Synthetic(*Catalog().Find("H200 SXM"), rng);
  v = DecideModel(Catalog(), "H100 SXM", evidence);
  EXPECT_EQ(v.level, "unverified");
  EXPECT_FALSE(v.matches_claim);
  EXPECT_EQ(v.identified_model, "");
  EXPECT_TRUE(Mentions(v, "disagree")) << v.reason;
  EXPECT_TRUE(Mentions(v, "H200 SXM 141GB")) << v.reason;
}

// The allow-list names a board family (PG520: H100 SXM, H200 SXM, H800
// SXM); the probe's measurements pick the model within it.
TEST(ModelVerdict, MeasurementsNarrowTheAttestedFamily) {
  ModelEvidence evidence;
  evidence.attested_product = "HGX H100/H200 SXM (board PG520)";
  evidence.attested_models = {"H100 SXM5 80GB", "H200 SXM 141GB",
                              "H800 SXM5 80GB"};
  std::mt19937_64 rng(11);
  evidence.measured = Synthetic(*Catalog().Find("H100 SXM"), rng);
  ModelVerdict v = DecideModel(Catalog(), "H100 SXM", evidence);
  EXPECT_EQ(v.level, "attested");
  EXPECT_TRUE(v.matches_claim) << v.reason;
  EXPECT_EQ(v.identified_model, "H100 SXM5 80GB");
  EXPECT_EQ(v.eccn, "3A090.a");
  EXPECT_TRUE(Mentions(v, "measurements agree")) << v.reason;

  // An H200 on the same board claimed as an H100: attested, identified as
  // the H200, the claim rejected for its memory size.
  evidence.measured = Synthetic(*Catalog().Find("H200 SXM"), rng);
  v = DecideModel(Catalog(), "H100 SXM", evidence);
  EXPECT_EQ(v.level, "attested");
  EXPECT_FALSE(v.matches_claim);
  EXPECT_EQ(v.identified_model, "H200 SXM 141GB");
  EXPECT_TRUE(Mentions(v, "memory size")) << v.reason;

  // An H20 profile behind a PG520 attestation: the evidence disagrees.
  evidence.measured = Synthetic(*Catalog().Find("H20"), rng);
  v = DecideModel(Catalog(), "H100 SXM", evidence);
  EXPECT_EQ(v.level, "unverified");
  EXPECT_FALSE(v.matches_claim);
  EXPECT_TRUE(Mentions(v, "disagree")) << v.reason;

  // Not measured: the family is attested; a claim inside it is accepted
  // (the family shares its ECCN), a claim outside it is not.
  evidence.measured.reset();
  v = DecideModel(Catalog(), "H800 SXM", evidence);
  EXPECT_EQ(v.level, "attested");
  EXPECT_TRUE(v.matches_claim);
  EXPECT_EQ(v.identified_model, "H800 SXM5 80GB");
  v = DecideModel(Catalog(), "H100 PCIe", evidence);
  EXPECT_EQ(v.level, "attested");
  EXPECT_FALSE(v.matches_claim);

  // A mapping naming a model the catalog lacks is not used.
  evidence.attested_models = {"H100 SXM5 80GB", "H999"};
  v = DecideModel(Catalog(), "H100 SXM", evidence);
  EXPECT_EQ(v.level, "unverified");
  const auto bad =
      std::find_if(v.checks.begin(), v.checks.end(), [](const Check& c) {
        return c.name ==
               "attested product is in the GPU "
               "catalog";
      });
  ASSERT_NE(bad, v.checks.end());
  EXPECT_FALSE(bad->passed);
  EXPECT_NE(bad->detail.find("H999"), std::string::npos) << bad->detail;
}

// Every allow-list entry (data/attest/gpu_products.json) names exact
// catalog ids in catalog_models, and they share one ECCN, so an attested
// board family is classified without ambiguity.
TEST(GpuCatalog, AllowListNamesCatalogModelsOfOneEccn) {
  std::ifstream in(std::string(CLEARANCE_SOURCE_DIR) +
                   "/data/attest/gpu_products.json");
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json doc = nlohmann::json::parse(text.str());
  ASSERT_FALSE(doc["products"].empty());
  for (const nlohmann::json& p : doc["products"]) {
    SCOPED_TRACE(p["project"].get<std::string>() + "/" +
                 p["project_sku"].get<std::string>());
    ASSERT_TRUE(p.contains("catalog_models"));
    ASSERT_FALSE(p["catalog_models"].empty());
    std::set<std::string> eccns;
    for (const nlohmann::json& m : p["catalog_models"]) {
      const std::string id = m.get<std::string>();
      const CatalogEntry* e = Catalog().Find(id);
      ASSERT_NE(e, nullptr) << id;
      EXPECT_EQ(e->id, id) << "use the catalog id, not an alias";
      EXPECT_EQ(e->arch, "hopper") << id;
      eccns.insert(e->eccn);
    }
    EXPECT_EQ(eccns.size(), 1u);
  }
}

TEST(ModelVerdict, NoEvidenceOrUnknownClaimIsUnverified) {
  ModelVerdict v = DecideModel(Catalog(), "H100 SXM", {});
  EXPECT_EQ(v.level, "unverified");
  EXPECT_FALSE(v.matches_claim);
  std::mt19937_64 rng(5);
  ModelEvidence evidence;
  evidence.measured = Synthetic(*Catalog().Find("L40S"), rng);
  v = DecideModel(Catalog(), "Ascend 910B", evidence);
  EXPECT_FALSE(v.matches_claim);
  EXPECT_FALSE(v.checks.front().passed);
  EXPECT_NE(v.reason.find("not in the catalog"), std::string::npos);
  EXPECT_EQ(v.identified_model, "L40S");
}

TEST(GpuCatalog, ParseNamesTheBrokenModel) {
  const auto bad = GpuCatalog::Parse(
      R"({"probe_efficiency": {"hopper": {"memory_bandwidth": 1, "tensor": 1,
          "fp64": 1, "nvlink": 1}}, "models": [{"id": "X", "arch": "hopper"}]})");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kParse);
  EXPECT_NE(bad.error().message().find("\"X\""), std::string::npos);
}

}  // namespace
}  // namespace clearance::attest
