#include "engine/attest/gpu_assessment.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

#include "engine/attest/location.h"
#include "engine/attest/probe_report.h"
#include "engine/attest/spdm.h"
#include "engine/crypto/sha256.h"

namespace clearance::attest {
namespace {

struct Challenge {
  std::string nonce_hex;  // lower case
  std::string deadline;   // "" when the file has none
};

Result<Challenge> ParseChallenge(const EvidenceFile& file) {
  const nlohmann::json j = nlohmann::json::parse(file.content, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("nonce") ||
      !j["nonce"].is_string()) {
    return Fail(ErrorCode::kParse,
                file.name +
                    ": expected the JSON of `clearance probe challenge "
                    "--json`: {\"nonce\": \"<64 hex>\", \"deadline\": ...}");
  }
  Challenge c;
  c.nonce_hex = j["nonce"].get<std::string>();
  std::transform(c.nonce_hex.begin(), c.nonce_hex.end(), c.nonce_hex.begin(),
                 [](unsigned char ch) { return std::tolower(ch); });
  if (auto bytes = ParseHex(c.nonce_hex);
      !bytes || bytes->size() != kSpdmNonceLength ||
      c.nonce_hex.size() != 2 * kSpdmNonceLength) {
    return Fail(ErrorCode::kParse,
                file.name + ": nonce: expected 64 hex digits");
  }
  if (j.contains("deadline")) {
    if (!j["deadline"].is_string() ||
        !ParseIso8601Utc(j["deadline"].get<std::string>())) {
      return Fail(ErrorCode::kParse,
                  file.name + ": deadline: expected YYYY-MM-DDTHH:MM:SSZ");
    }
    c.deadline = j["deadline"].get<std::string>();
  }
  return c;
}

int Rank(const std::string& level) {
  if (level == "attested") return 2;
  if (level == "measured") return 1;
  return 0;
}

// A GPU to decide: one device of the probe report, or the explicit NVIDIA
// evidence alone.
struct Unit {
  std::string label;  // "device 0"; "" when there is only one unit
  std::optional<MeasuredProfile> measured;
  std::optional<NvidiaEvidence> nvidia;
  std::vector<uint8_t> nvidia_nonce;
  std::string probe_error;  // the probe's own failure message
};

void Prefixed(const std::string& prefix, const std::vector<Check>& from,
              std::vector<Check>* to) {
  for (const Check& c : from) {
    to->push_back({prefix + c.name, c.passed, c.detail});
  }
}

ModelVerdict Unverified(const std::string& claimed, std::vector<Check> checks,
                        std::string reason) {
  ModelVerdict m;
  m.level = "unverified";
  m.claimed_model = claimed;
  m.checks = std::move(checks);
  m.reason = std::move(reason);
  return m;
}

}  // namespace

Result<GpuVerdict> AssessGpu(const GpuEvidence& in,
                             const GpuAssessmentOptions& options) {
  // 0. The inputs belong together as documented.
  if (in.probe_report && (!in.challenge || !in.host_key)) {
    return Fail(ErrorCode::kInvalidArgument,
                "a probe report needs its challenge and the host's enrolled "
                "key");
  }
  if (in.rtts && !in.host_key) {
    return Fail(ErrorCode::kInvalidArgument,
                "an RTT set needs the host's enrolled key (the probe's)");
  }
  if (in.nvidia_report.has_value() != in.nvidia_certs.has_value()) {
    return Fail(ErrorCode::kInvalidArgument,
                "an NVIDIA attestation report and its certificate chain go "
                "together");
  }
  if (!in.rims.empty() && !in.nvidia_report) {
    return Fail(ErrorCode::kInvalidArgument,
                "RIMs need an NVIDIA attestation report");
  }

  GpuVerdict verdict;
  verdict.source = kVerdictFromEvidence;
  auto digest = [&](const char* role, const std::optional<EvidenceFile>& f) {
    if (f) {
      verdict.evidence.push_back(
          {role, f->name, crypto::Sha256Hex(f->content)});
    }
  };
  digest("probe_report", in.probe_report);
  digest("challenge", in.challenge);
  digest("host_key", in.host_key);
  digest("nvidia_report", in.nvidia_report);
  digest("nvidia_certs", in.nvidia_certs);
  for (const EvidenceFile& rim : in.rims) digest("rim", rim);
  digest("rtts", in.rtts);

  std::optional<Challenge> challenge;
  if (in.challenge) {
    auto parsed = ParseChallenge(*in.challenge);
    if (!parsed) return std::unexpected(parsed.error());
    challenge = std::move(*parsed);
  }
  std::optional<Ed25519PublicKey> host_key;
  if (in.host_key) {
    auto key = ParseKeyHex(in.host_key->content);
    if (!key) {
      return std::unexpected(
          key.error().WithContext(in.host_key->name + " (host key)"));
    }
    host_key = *key;
  }
  std::vector<uint8_t> explicit_nonce;
  if (in.nvidia_report) {
    const std::string hex = !in.nvidia_nonce_hex.empty()
                                ? in.nvidia_nonce_hex
                                : (challenge ? challenge->nonce_hex : "");
    if (hex.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "an NVIDIA attestation report needs the nonce sent to the "
                  "GPU (or the probe challenge it answered)");
    }
    auto bytes = ParseHex(hex);
    if (!bytes || bytes->size() != kSpdmNonceLength) {
      return Fail(ErrorCode::kParse,
                  "NVIDIA nonce: expected 64 hex digits (32 bytes)");
    }
    explicit_nonce = std::move(*bytes);
  }
  std::optional<NvidiaEvidence> explicit_nvidia;
  if (in.nvidia_report) {
    NvidiaEvidence e;
    // NVML's sample files hold hex text; raw binary reports are accepted.
    if (auto hex = ParseHex(in.nvidia_report->content)) {
      e.report = std::move(*hex);
    } else {
      e.report.assign(in.nvidia_report->content.begin(),
                      in.nvidia_report->content.end());
    }
    e.cert_chain_pem = in.nvidia_certs->content;
    for (const EvidenceFile& rim : in.rims) {
      e.rims.push_back(rim.content);
      e.rim_names.push_back(rim.name);
    }
    explicit_nvidia = std::move(e);
  }

  const GpuCatalog& catalog =
      options.catalog != nullptr ? *options.catalog : GpuCatalog::Builtin();
  std::unique_ptr<NvidiaVerifier> own_verifier;
  const NvidiaVerifier* nvidia = options.nvidia;

  // 1. The probe report: nothing in it is believed unless it verifies.
  std::vector<Check> model_checks;
  std::vector<Unit> units;
  std::string rejected;  // why the model evidence is not used at all
  if (in.probe_report) {
    const ProbeVerification probe = VerifyProbeReport(
        in.probe_report->content, *host_key, challenge->nonce_hex, options.now);
    Prefixed("probe: ", probe.checks, &model_checks);
    if (probe.ok && !challenge->deadline.empty()) {
      const bool same = probe.report->deadline == challenge->deadline;
      model_checks.push_back({"probe: deadline is the challenge's", same,
                              same ? challenge->deadline
                                   : "report says " + probe.report->deadline +
                                         ", the challenge was issued with " +
                                         challenge->deadline});
      if (!same) rejected = "probe: deadline is the challenge's";
    }
    if (!probe.ok) {
      rejected = "probe: " + probe.FailedCheck();
    } else if (probe.report->devices.empty()) {
      model_checks.push_back(
          {"probe: the report has a device", false, "no devices"});
      rejected = "probe: the report has a device";
    } else {
      bool explicit_used = false;
      for (const ProbeDevice& d : probe.report->devices) {
        Unit u;
        u.label = "device " + std::to_string(d.index);
        u.measured = d.measured;
        u.probe_error = d.error;
        if (!d.attestation_report_hex.empty()) {
          NvidiaEvidence e;
          if (auto hex = ParseHex(d.attestation_report_hex)) {
            e.report = std::move(*hex);
          }
          e.cert_chain_pem = d.attestation_cert_chain_pem;
          u.nvidia = std::move(e);
          u.nvidia_nonce = *ParseHex(challenge->nonce_hex);
        }
        const bool target = in.nvidia_device < 0
                                ? &d == &probe.report->devices.front()
                                : d.index == in.nvidia_device;
        if (explicit_nvidia && target) {
          u.nvidia = explicit_nvidia;
          u.nvidia_nonce = explicit_nonce;
          explicit_used = true;
        }
        units.push_back(std::move(u));
      }
      if (explicit_nvidia && !explicit_used) {
        return Fail(ErrorCode::kInvalidArgument,
                    "NVIDIA evidence for device " +
                        std::to_string(in.nvidia_device) +
                        ": no such device in the probe report");
      }
    }
  } else if (explicit_nvidia) {
    Unit u;
    u.nvidia = explicit_nvidia;
    u.nvidia_nonce = explicit_nonce;
    units.push_back(std::move(u));
  }

  // 2. NVIDIA attestation and the model verdict, per GPU.
  std::optional<ModelVerdict> model;
  if (!rejected.empty()) {
    model = Unverified(in.claimed_model, model_checks,
                       "the probe report was rejected (" + rejected +
                           "): its measurements are not used and the model "
                           "claim \"" +
                           in.claimed_model + "\" is unverified");
  } else if (units.empty()) {
    model = DecideModel(catalog, in.claimed_model, {});
    model->checks.insert(model->checks.begin(), model_checks.begin(),
                         model_checks.end());
  } else {
    const bool several = units.size() > 1;
    std::vector<ModelVerdict> decided;
    for (const Unit& u : units) {
      const std::string prefix = u.label.empty() ? "" : u.label + ": ";
      std::vector<Check> checks;
      ModelEvidence me;
      me.measured = u.measured;
      std::string failed;
      if (!u.probe_error.empty()) {
        checks.push_back(
            {prefix + "probe ran without error", false, u.probe_error});
        failed = "the probe reported an error (" + u.probe_error + ")";
      }
      if (u.nvidia && failed.empty()) {
        if (nvidia == nullptr) {
          auto created = NvidiaVerifier::Create({});
          if (!created) return std::unexpected(created.error());
          own_verifier = std::move(*created);
          nvidia = own_verifier.get();
        }
        const NvidiaVerdict nv = nvidia->Verify(
            *u.nvidia, {.expected_nonce = u.nvidia_nonce, .at = options.now});
        Prefixed(prefix + "NVIDIA: ", nv.checks, &checks);
        if (nv.ok) {
          me.attested_product = nv.product;
          me.attested_models = nv.catalog_models;
        } else {
          failed = "NVIDIA attestation failed at " + nv.failed_check;
        }
      }
      ModelVerdict m =
          failed.empty()
              ? DecideModel(catalog, in.claimed_model, me)
              : Unverified(in.claimed_model, {},
                           failed + ": the model claim \"" + in.claimed_model +
                               "\" is unverified");
      Prefixed(prefix, m.checks, &checks);
      m.checks = std::move(checks);
      if (several) m.reason = u.label + ": " + m.reason;
      decided.push_back(std::move(m));
    }
    // The weakest GPU decides: a rejected claim first, then the lowest level.
    size_t weakest = 0;
    for (size_t i = 1; i < decided.size(); ++i) {
      const ModelVerdict& a = decided[i];
      const ModelVerdict& w = decided[weakest];
      if ((w.matches_claim && !a.matches_claim) ||
          (w.matches_claim == a.matches_claim &&
           Rank(a.level) < Rank(w.level))) {
        weakest = i;
      }
    }
    model = decided[weakest];
    model->checks = model_checks;
    for (const ModelVerdict& m : decided) {
      model->checks.insert(model->checks.end(), m.checks.begin(),
                           m.checks.end());
    }
    if (several) {
      model->reason = std::to_string(units.size()) +
                      " GPUs, the weakest decides; " + model->reason;
    }
  }
  verdict.model = std::move(*model);

  // 3. Location, answered by the same enrolled key.
  if (in.rtts) {
    auto set = ParseRttSet(in.rtts->content, in.rtts->name);
    if (!set) return std::unexpected(set.error());
    LocationOptions lo;
    lo.as_of = options.as_of;
    lo.now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                    options.now.time_since_epoch())
                    .count();
    lo.max_age_us = options.location_max_age_us;
    lo.enrolled_host_key.assign(reinterpret_cast<const char*>(host_key->data()),
                                host_key->size());
    lo.boundaries = options.boundaries;
    const std::span<const Landmark> landmarks =
        options.landmarks.empty()
            ? std::span<const Landmark>(DefaultLandmarks())
            : options.landmarks;
    auto report = VerifyLocation(*set, landmarks,
                                 {in.claimed_country, in.claimed_position}, lo);
    if (!report) {
      return std::unexpected(report.error().WithContext(in.rtts->name));
    }
    verdict.location = std::move(report->verdict);
  } else {
    verdict.location.checks.push_back(
        {"landmark RTT evidence given", false,
         "no RTT set: nothing bounds the host's location"});
    verdict.location.reason =
        "No location evidence: restricted destinations are not excluded.";
  }
  return verdict;
}

}  // namespace clearance::attest
