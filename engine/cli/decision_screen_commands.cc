// `clearance screen account FILE.json` and `clearance screen workload
// FILE.json`: one screening decision through the facade (engine/screening),
// recorded in the audit trail; text for people, --json for machines
// (Decision::ToJson, docs/cli.md).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "engine/attest/gpu_assessment.h"
#include "engine/attest/probe_report.h"
#include "engine/attest/verdict.h"
#include "engine/cli/cli.h"
#include "engine/cli/output.h"
#include "engine/crypto/sha256.h"
#include "engine/screening/replay.h"
#include "engine/screening/screening.h"

#ifndef CLEARANCE_SOURCE_DIR
#define CLEARANCE_SOURCE_DIR "."
#endif

namespace clearance::cli {
namespace {

using nlohmann::json;

const FlagSpec kDb{"db", "FILE",
                   "database file (default $CLEARANCE_DB or ./clearance.db)"};
const FlagSpec kAsOf{"as-of", "DATE",
                     "decision date YYYY-MM-DD (default: today, UTC)"};
const FlagSpec kJson{"json", "", "print the decision as JSON"};
const FlagSpec kRules{
    "rules", "DIR",
    "rule set (default $CLEARANCE_RULES or the built-in rules/)"};
const FlagSpec kGeoIp{
    "geoip", "FILE",
    "IP geolocation database: MMDB, or a legacy .dat (default: a .mmdb "
    "under /usr/share/GeoIP, else Debian's GeoIP.dat, country only; off = "
    "none)"};
const FlagSpec kAccount{
    "account", "FILE",
    "the account record the workload is for (default: the account record "
    "of the newest decision about the workload's account_id)"};
const FlagSpec kVerdict{
    "gpu-verdict", "FILE",
    "a precomputed GPU verdict JSON (recorded as supplied by the caller)"};
const FlagSpec kProbeReport{"probe-report", "FILE",
                            "signed clearance-probe report from the GPU host"};
const FlagSpec kChallenge{
    "challenge", "FILE",
    "the challenge the probe answered (`probe challenge --json`)"};
const FlagSpec kHostKey{
    "host-key", "FILE",
    "the GPU host's enrolled Ed25519 public key (hex, `probe keygen`)"};
const FlagSpec kNvidiaReport{
    "nvidia-report", "FILE",
    "NVIDIA attestation report (hex text or binary; CC mode)"};
const FlagSpec kNvidiaCerts{"nvidia-certs", "FILE",
                            "its certificate chain (PEM, leaf first)"};
const FlagSpec kRim{"rim", "FILE", "driver or VBIOS RIM (.swidtag)", true};
const FlagSpec kNonce{
    "nonce", "HEX",
    "nonce sent to the GPU for --nvidia-report (default: the challenge's)"};
const FlagSpec kNvidiaDevice{
    "nvidia-device", "N",
    "probe device the --nvidia-report belongs to (default: the first)"};
const FlagSpec kRtts{"rtts", "FILE",
                     "signed landmark RTT set for the location verdict"};
const char* const kEvidenceFlags[] = {
    "probe-report",  "challenge",     "host-key",
    "nvidia-report", "nvidia-certs",  "rim",
    "nonce",         "nvidia-device", "rtts"};

constexpr const char* kExitHelp =
    "Exit codes: 0 ALLOW or REPORT, 10 ESCALATE, LICENSE_REQUIRED or DENY,\n"
    "3 malformed record (nothing stored), 4 database error, 6 file not found.";

std::string Today() {
  const std::time_t t =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kNotFound, path + ": cannot read");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string RulesDir(const Args& args) {
  if (auto dir = args.Get("rules")) return *dir;
  if (const char* env = std::getenv("CLEARANCE_RULES"); env && *env) return env;
  return std::string(CLEARANCE_SOURCE_DIR) + "/rules";
}

Result<std::unique_ptr<screening::Screener>> OpenScreener(const Args& args) {
  screening::ScreenerOptions options;
  options.db_path = DatabasePath(args);
  options.rules_dir = RulesDir(args);
  options.geoip_path = args.GetOr("geoip", "");
  const char* user = std::getenv("USER");
  options.actor = std::string("cli:") + (user != nullptr ? user : "unknown");
  options.now = [] { return NowIso8601(); };  // honours $CLEARANCE_NOW
  return screening::Screener::Open(options);
}

// The GPU verdict file: {"model": {...}, "location": {...}} with the field
// names of engine/attest/verdict.h.
Result<attest::GpuVerdict> ParseVerdict(const std::string& text,
                                        const std::string& origin) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Fail(ErrorCode::kParse, origin + ": not a JSON object");
  attest::GpuVerdict v;
  try {
    if (j.contains("model")) {
      const json& m = j.at("model");
      v.model.level = m.value("level", "unverified");
      v.model.claimed_model = m.value("claimed_model", "");
      v.model.identified_model = m.value("identified_model", "");
      v.model.matches_claim = m.value("matches_claim", false);
      v.model.eccn = m.value("eccn", "");
      v.model.tpp = m.value("tpp", 0.0);
      v.model.reason = m.value("reason", "");
    }
    if (j.contains("location")) {
      const json& l = j.at("location");
      v.location.claim_consistent = l.value("claim_consistent", false);
      v.location.excludes_restricted = l.value("excludes_restricted", false);
      v.location.possible_countries =
          l.value("possible_countries", std::vector<std::string>{});
      v.location.possible_restricted =
          l.value("possible_restricted", std::vector<std::string>{});
      v.location.reason = l.value("reason", "");
    }
  } catch (const json::exception& e) {
    return Fail(ErrorCode::kParse, origin + ": " + e.what());
  }
  if (v.model.level != "attested" && v.model.level != "measured" &&
      v.model.level != "unverified") {
    return Fail(
        ErrorCode::kParse,
        origin + ": model.level: expected attested, measured or unverified");
  }
  return v;
}

// The GPU verdict from the evidence flags (engine/attest/gpu_assessment.h),
// claimed model and data-centre country from the request; the clock is
// $CLEARANCE_NOW or now.
Result<attest::GpuVerdict> AssessFromFlags(
    const Args& args, const screening::WorkloadRequest& request,
    const std::string& as_of) {
  attest::GpuEvidence e;
  e.claimed_model = request.gpu_model;
  e.claimed_country = request.datacenter_country;
  auto load = [&](const char* flag,
                  std::optional<attest::EvidenceFile>* out) -> Result<void> {
    auto path = args.Get(flag);
    if (!path) return {};
    auto text = ReadText(*path);
    if (!text) return std::unexpected(text.error());
    *out = attest::EvidenceFile{*path, std::move(*text)};
    return {};
  };
  for (const auto& [flag, slot] : std::initializer_list<
           std::pair<const char*, std::optional<attest::EvidenceFile>*>>{
           {"probe-report", &e.probe_report},
           {"challenge", &e.challenge},
           {"host-key", &e.host_key},
           {"nvidia-report", &e.nvidia_report},
           {"nvidia-certs", &e.nvidia_certs},
           {"rtts", &e.rtts}}) {
    if (auto loaded = load(flag, slot); !loaded)
      return std::unexpected(loaded.error());
  }
  for (const std::string& path : args.GetAll("rim")) {
    auto text = ReadText(path);
    if (!text) return std::unexpected(text.error());
    e.rims.push_back({path, std::move(*text)});
  }
  e.nvidia_nonce_hex = args.GetOr("nonce", "");
  if (auto device = args.Get("nvidia-device")) {
    char* end = nullptr;
    const long n = std::strtol(device->c_str(), &end, 10);
    if (device->empty() || *end != '\0' || n < 0 || n > 1024) {
      return Fail(ErrorCode::kInvalidArgument,
                  "--nvidia-device: expected a CUDA device index");
    }
    e.nvidia_device = static_cast<int>(n);
  }
  auto now = attest::ParseIso8601Utc(NowIso8601());
  if (!now) return std::unexpected(now.error().WithContext("$CLEARANCE_NOW"));
  attest::GpuAssessmentOptions options;
  options.now = *now;
  options.as_of = as_of;
  return attest::AssessGpu(e, options);
}

int Print(const screening::Decision& d, bool as_json) {
  if (as_json) {
    std::printf("%s\n", json::parse(d.ToJson()).dump(2).c_str());
  } else {
    std::printf("decision %s  %s %s as of %s: %s\n", d.decision_id.c_str(),
                d.kind.c_str(), d.account_id.c_str(), d.as_of.c_str(),
                d.outcome.c_str());
    if (d.fired.empty()) std::printf("\nno rule fired\n");
    for (const auto& f : d.fired) {
      std::printf("\n  %-16s %s%s\n    %s\n    cites: %s\n", f.outcome.c_str(),
                  f.id.c_str(), f.uncertain ? " [U]" : "",
                  f.explanation.c_str(), f.citation.c_str());
    }
    if (!d.evidence.empty()) {
      Table table({"evidence", "subject", "finding"});
      for (const auto& e : d.evidence)
        table.AddRow({e.kind, e.subject, e.summary});
      std::printf("\n%s", table.Render().c_str());
    }
    std::string versions;
    for (auto id : d.versions.list_versions)
      versions += (versions.empty() ? "" : ",") + std::to_string(id);
    std::printf("\nlists %s; rules %s; geoip %s; engine %s\n", versions.c_str(),
                d.versions.ruleset_hash.substr(0, 12).c_str(),
                d.versions.geoip_database.c_str(),
                d.versions.engine_version.c_str());
  }
  return d.outcome == "ALLOW" || d.outcome == "REPORT" ? kExitOk : kExitHits;
}

int RunAccount(const Args& args) {
  const std::string path = args.positionals().front();
  auto text = ReadText(path);
  if (!text) return ReportError(text.error());
  auto account = screening::ParseAccountRecord(*text, path);
  if (!account) return ReportError(account.error());
  auto screener = OpenScreener(args);
  if (!screener) return ReportError(screener.error());
  auto decision = (*screener)->Screen(*account, args.GetOr("as-of", Today()));
  if (!decision) return ReportError(decision.error());
  return Print(*decision, args.Has("json"));
}

int RunWorkload(const Args& args) {
  const std::string path = args.positionals().front();
  auto text = ReadText(path);
  if (!text) return ReportError(text.error());
  auto request = screening::ParseWorkloadRequest(*text, path);
  if (!request) return ReportError(request.error());
  // The account: --account FILE, else the record of the newest decision
  // about the workload's account_id (screened at sign-up, say).
  Result<screening::AccountRecord> account;
  if (auto account_path = args.Get("account")) {
    auto account_text = ReadText(*account_path);
    if (!account_text) return ReportError(account_text.error());
    account = screening::ParseAccountRecord(*account_text, *account_path);
    if (!account) return ReportError(account.error());
    if (!request->account_id.empty() &&
        request->account_id != account->account_id) {
      return ReportError(Error(
          ErrorCode::kInvalidArgument,
          path + " is for account '" + request->account_id + "' but " +
              *account_path + " is account '" + account->account_id + "'"));
    }
  } else if (request->account_id.empty()) {
    return ReportError(Error(ErrorCode::kInvalidArgument,
                             "give --account FILE, or an account_id in " +
                                 path + " of an account screened before"));
  } else {
    account =
        screening::LatestAccountRecord(DatabasePath(args), request->account_id);
    if (!account) return ReportError(account.error());
  }
  const std::string as_of = args.GetOr("as-of", Today());
  bool has_evidence = false;
  for (const char* flag : kEvidenceFlags) has_evidence |= args.Has(flag);
  std::optional<attest::GpuVerdict> verdict;
  if (auto verdict_path = args.Get("gpu-verdict")) {
    if (has_evidence) {
      return ReportError(Error(ErrorCode::kInvalidArgument,
                               "--gpu-verdict and GPU evidence flags "
                               "(--probe-report, --nvidia-report, --rtts, ...) "
                               "exclude each other"));
    }
    auto verdict_text = ReadText(*verdict_path);
    if (!verdict_text) return ReportError(verdict_text.error());
    auto parsed = ParseVerdict(*verdict_text, *verdict_path);
    if (!parsed) return ReportError(parsed.error());
    verdict = *parsed;
    verdict->source = attest::kVerdictFromCaller;
    verdict->evidence.push_back(
        {"gpu_verdict", *verdict_path, crypto::Sha256Hex(*verdict_text)});
  } else if (has_evidence) {
    auto assessed = AssessFromFlags(args, *request, as_of);
    if (!assessed) return ReportError(assessed.error());
    verdict = std::move(*assessed);
  }
  auto screener = OpenScreener(args);
  if (!screener) return ReportError(screener.error());
  auto decision =
      (*screener)->ApproveWorkload(*account, *request, verdict, as_of);
  if (!decision) return ReportError(decision.error());
  return Print(*decision, args.Has("json"));
}

}  // namespace

std::vector<Command> DecisionScreenCommands() {
  return {
      {{"screen account",
        "[--db FILE] [--as-of DATE] [--json] [--rules DIR] [--geoip FILE] "
        "FILE.json",
        "Screen an account record: every fact, the rules in force, a cited "
        "decision (recorded)",
        "FILE.json is an account record (docs/records.md, schema "
        "docs/schemas/account.schema.json).\n"
        "Screens the legal and trade names, people, addresses, related "
        "entities, payments\n"
        "(payer names, crypto addresses) and IP events; looks through declared "
        "ownership;\n"
        "evaluates the rules as of DATE for a remote service and appends the "
        "decision to\n"
        "the audit trail. A malformed record is refused with the JSON path at "
        "fault and\n"
        "nothing is stored.\n\n" +
            std::string(kExitHelp),
        {kDb, kAsOf, kJson, kRules, kGeoIp},
        1,
        1},
       RunAccount},
      {{"screen workload",
        "[--account FILE] [--probe-report FILE --challenge FILE --host-key "
        "FILE] [--nvidia-report FILE --nvidia-certs FILE [--rim FILE...] "
        "[--nonce HEX]] [--rtts FILE] [--gpu-verdict FILE] [--db FILE] "
        "[--as-of DATE] [--json] FILE.json",
        "Approve or refuse a GPU workload request for an account (recorded)",
        "FILE.json is a workload request (docs/records.md, schema "
        "docs/schemas/workload.schema.json);\n"
        "--account names the account record it is for; without it, the "
        "request's account_id\n"
        "names an account screened before, and the account record of its "
        "newest decision\n"
        "is used. A deployment other than REMOTE_SERVICE is a hardware "
        "transfer for the rules.\n\n"
        "GPU evidence (docs/attestation.md): the engine verifies the signed "
        "probe report\n"
        "against the challenge and the host key, the NVIDIA attestation "
        "(nonce: the\n"
        "challenge's unless --nonce), the model against the claimed "
        "gpu_model, and the\n"
        "landmark RTTs (answered by the same host key) against "
        "datacenter_country;\n"
        "the verdict becomes attestation.* facts and the SHA-256 of every "
        "file is\n"
        "recorded with the decision. Without evidence a controlled GPU is "
        "held\n"
        "(GPU-VERIFICATION-REQUIRED). --gpu-verdict takes a precomputed "
        "verdict instead,\n"
        "recorded as supplied by the caller. The clock is $CLEARANCE_NOW or "
        "now.\n\n" +
            std::string(kExitHelp),
        {kAccount, kProbeReport, kChallenge, kHostKey, kNvidiaReport,
         kNvidiaCerts, kRim, kNonce, kNvidiaDevice, kRtts, kVerdict, kDb, kAsOf,
         kJson, kRules, kGeoIp},
        1,
        1},
       RunWorkload},
  };
}

}  // namespace clearance::cli
