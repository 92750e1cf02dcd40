// `clearance probe challenge|verify|keygen`: issue a challenge for
// clearance-probe, verify its signed report and decide the GPU model
// (engine/attest/probe_report.h, model_verdict.h; docs/attestation.md).
#include <openssl/rand.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "engine/attest/model_verdict.h"
#include "engine/attest/probe_report.h"
#include "engine/cli/cli.h"
#include "engine/cli/output.h"
#include "engine/crypto/sha256.h"

namespace clearance::cli {
namespace {

using nlohmann::ordered_json;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kNotFound, path + ": cannot open");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Hex(const std::array<std::uint8_t, 32>& bytes) {
  return crypto::ToHex(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), 32));
}

std::string Iso(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

ordered_json ChecksJson(const std::vector<attest::Check>& checks) {
  ordered_json out = ordered_json::array();
  for (const attest::Check& c : checks) {
    out.push_back(
        {{"name", c.name}, {"passed", c.passed}, {"detail", c.detail}});
  }
  return out;
}

void PrintChecks(const std::vector<attest::Check>& checks) {
  for (const attest::Check& c : checks) {
    std::printf("  [%s] %s%s%s\n", c.passed ? "ok" : "FAIL", c.name.c_str(),
                c.detail.empty() ? "" : ": ", c.detail.c_str());
  }
}

int RunChallenge(const Args& args) {
  std::array<std::uint8_t, 32> nonce{};
  if (RAND_bytes(nonce.data(), 32) != 1) {
    return ReportError(
        Error(ErrorCode::kInternal, "no randomness for a nonce"));
  }
  const int ttl = std::stoi(args.GetOr("ttl", "120"));
  const auto now = attest::ParseIso8601Utc(NowIso8601());
  if (!now) return ReportError(now.error());
  const std::string deadline = Iso(*now + std::chrono::seconds(ttl));
  if (args.Has("json")) {
    ordered_json j{{"nonce", Hex(nonce)}, {"deadline", deadline}};
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf(
        "nonce    %s\ndeadline %s\n\nrun on the GPU host:\n"
        "  clearance-probe --nonce %s --deadline %s --key HOST.key "
        "--out report.json\n",
        Hex(nonce).c_str(), deadline.c_str(), Hex(nonce).c_str(),
        deadline.c_str());
  }
  return kExitOk;
}

int RunKeygen(const Args& args) {
  const auto pair = attest::GenerateProbeKey();
  if (!pair) return ReportError(pair.error());
  const std::string prefix = args.GetOr("out", "");
  if (prefix.empty()) {
    std::printf("secret %s\npublic %s\n", Hex(pair->secret).c_str(),
                Hex(pair->public_key).c_str());
    return kExitOk;
  }
  const std::string key_path = prefix + ".key", pub_path = prefix + ".pub";
  {
    std::ofstream key(key_path, std::ios::trunc);
    key << Hex(pair->secret) << "\n";
    if (!key) {
      return ReportError(Error(ErrorCode::kIo, key_path + ": cannot write"));
    }
  }
  chmod(key_path.c_str(), 0600);
  std::ofstream pub(pub_path, std::ios::trunc);
  pub << Hex(pair->public_key) << "\n";
  if (!pub)
    return ReportError(Error(ErrorCode::kIo, pub_path + ": cannot write"));
  std::printf(
      "wrote %s (secret: copy to the GPU host only) and %s (enroll "
      "with the engine)\n",
      key_path.c_str(), pub_path.c_str());
  return kExitOk;
}

int RunVerify(const Args& args) {
  const auto report = ReadFile(*args.Get("report"));
  if (!report) return ReportError(report.error());
  const auto pub_text = ReadFile(*args.Get("pubkey"));
  if (!pub_text) return ReportError(pub_text.error());
  const auto pub = attest::ParseKeyHex(*pub_text);
  if (!pub) return ReportError(pub.error().WithContext(*args.Get("pubkey")));
  const auto now = attest::ParseIso8601Utc(NowIso8601());
  if (!now) return ReportError(now.error());
  const int device = std::stoi(args.GetOr("device", "0"));

  const attest::ProbeVerification v =
      attest::VerifyProbeReport(*report, *pub, *args.Get("nonce"), *now);
  attest::ModelEvidence evidence;
  const attest::ProbeDevice* dev = nullptr;
  if (v.ok) {
    for (const attest::ProbeDevice& d : v.report->devices) {
      if (d.index == device) dev = &d;
    }
    if (dev) evidence.measured = dev->measured;
  }
  const attest::ModelVerdict verdict = attest::DecideModel(
      attest::GpuCatalog::Builtin(), *args.Get("claim"), evidence);

  if (args.Has("json")) {
    ordered_json j;
    j["report_verified"] = v.ok;
    j["failed_check"] = v.FailedCheck();
    j["report_checks"] = ChecksJson(v.checks);
    if (dev) {
      j["device"] = {
          {"index", dev->index},
          {"reported_name", dev->name},
          {"uuid", dev->uuid},
          {"sm_count", dev->measured.sm_count},
          {"allocatable_gib", dev->measured.allocatable_gib},
          {"memory_bandwidth_gbs", dev->measured.memory_bandwidth_gbs},
          {"tensor_bf16_tflops", dev->measured.tensor_bf16_tflops},
          {"fp64_tflops", dev->measured.fp64_tflops},
          {"benchmark_seconds", dev->benchmark_seconds}};
    }
    j["model"] = {{"level", verdict.level},
                  {"claimed_model", verdict.claimed_model},
                  {"identified_model", verdict.identified_model},
                  {"matches_claim", verdict.matches_claim},
                  {"eccn", verdict.eccn},
                  {"tpp", verdict.tpp},
                  {"reason", verdict.reason},
                  {"checks", ChecksJson(verdict.checks)}};
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf(
        "probe report: %s\n",
        v.ok ? "verified" : ("REJECTED (" + v.FailedCheck() + ")").c_str());
    PrintChecks(v.checks);
    if (v.ok && !dev) {
      std::printf("  no device %d in the report\n", device);
    }
    std::printf("model: %s, claim %s\n  %s\n", verdict.level.c_str(),
                verdict.matches_claim ? "accepted" : "REJECTED",
                verdict.reason.c_str());
    if (!verdict.identified_model.empty()) {
      std::printf("  identified %s: ECCN %s, TPP %.0f\n",
                  verdict.identified_model.c_str(), verdict.eccn.c_str(),
                  verdict.tpp);
    }
    PrintChecks(verdict.checks);
  }
  if (!v.ok) return kExitIntegrity;
  return verdict.matches_claim ? kExitOk : kExitFailure;
}

}  // namespace

std::vector<Command> ProbeCommands() {
  std::vector<Command> out;
  out.push_back(
      {{"probe challenge",
        "[--ttl SECONDS] [--json]",
        "Issue a fresh nonce and deadline for clearance-probe",
        "Prints a 32-byte random nonce (hex) and a deadline --ttl seconds "
        "(default 120) from now ($CLEARANCE_NOW honoured), and the probe "
        "command line to run on the GPU host.",
        {{"ttl", "SECONDS", "validity of the challenge (default 120)"},
         {"json", "", "print JSON"}},
        0,
        0},
       RunChallenge});
  out.push_back(
      {{"probe verify",
        "--report FILE --pubkey FILE --nonce HEX --claim MODEL [--device N] "
        "[--json]",
        "Verify a signed clearance-probe report and decide the GPU model",
        "Checks, in order: the envelope, the Ed25519 signature with the "
        "host's enrolled public key, the payload, the nonce, the deadline "
        "(against now, or $CLEARANCE_NOW), and the spot checks of the "
        "nonce-seeded matrix product recomputed on the CPU. Then compares "
        "device N's measurements with the claimed model and the GPU catalog "
        "(docs/attestation.md \"Model verdict\").\n\nExit status: 0 claim "
        "accepted, 1 claim rejected, 7 report failed verification.",
        {{"report", "FILE", "the probe's JSON report"},
         {"pubkey", "FILE", "the host's enrolled Ed25519 public key (hex)"},
         {"nonce", "HEX", "the challenge nonce (64 hex digits)"},
         {"claim", "MODEL", "the claimed GPU model, e.g. \"H100 SXM\""},
         {"device", "N", "CUDA device index in the report (default 0)"},
         {"json", "", "print JSON"}},
        0,
        0},
       [](const Args& args) {
         for (const char* f : {"report", "pubkey", "nonce", "claim"}) {
           if (!args.Has(f)) {
             return ReportError(Error(ErrorCode::kInvalidArgument,
                                      std::string("--") + f + " is required"));
           }
         }
         return RunVerify(args);
       }});
  out.push_back(
      {{"probe keygen",
        "[--out PREFIX]",
        "Create an Ed25519 key pair for a GPU host",
        "Writes PREFIX.key (secret, mode 0600, for the GPU host's "
        "clearance-probe --key) and PREFIX.pub (to enroll with "
        "`probe verify --pubkey`); without --out prints both.",
        {{"out", "PREFIX", "file prefix for PREFIX.key and PREFIX.pub"}},
        0,
        0},
       RunKeygen});
  return out;
}

}  // namespace clearance::cli
