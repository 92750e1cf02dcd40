// `clearance attest verify`: verify NVIDIA GPU attestation evidence (SPDM
// report + certificate chain [+ RIMs]) against the pinned NVIDIA roots and
// print the verdict and every check (docs/attestation.md, docs/cli.md).
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "engine/attest/nvidia.h"
#include "engine/attest/spdm.h"
#include "engine/cli/cli.h"
#include "engine/cli/output.h"

namespace clearance::cli {

namespace {

using nlohmann::ordered_json;

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kNotFound, "cannot open " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC).
Result<std::chrono::system_clock::time_point> ParseTime(
    const std::string& text) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year,
                  &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
                  &consumed) != 6 ||
      static_cast<size_t>(consumed) != text.size()) {
    tm = {};
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon,
                    &tm.tm_mday, &consumed) != 3 ||
        static_cast<size_t>(consumed) != text.size()) {
      return Fail(
          ErrorCode::kInvalidArgument,
          "--at: '" + text + "' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    }
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

int RunVerify(const Args& args) {
  const auto report_path = args.Get("report");
  const auto certs_path = args.Get("certs");
  const auto nonce_hex = args.Get("nonce");
  if (!report_path || !certs_path || !nonce_hex) {
    std::fprintf(stderr,
                 "clearance: error: attest verify needs --report FILE "
                 "--certs FILE --nonce HEX\n");
    return kExitUsage;
  }
  auto nonce = attest::ParseHex(*nonce_hex);
  if (!nonce || nonce->size() != attest::kSpdmNonceLength) {
    std::fprintf(stderr,
                 "clearance: error: --nonce must be 64 hex digits (the "
                 "32-byte nonce sent to the GPU)\n");
    return kExitUsage;
  }
  const std::string at_text = args.GetOr("at", NowIso8601());
  auto at = ParseTime(at_text);
  if (!at) {
    std::fprintf(stderr, "clearance: error: %s\n",
                 at.error().message().c_str());
    return kExitUsage;
  }

  attest::NvidiaEvidence evidence;
  auto report_text = ReadWholeFile(*report_path);
  if (!report_text) return ReportError(report_text.error());
  // NVML's sample files hold hex text; raw binary reports are accepted too.
  auto hex = attest::ParseHex(*report_text);
  if (hex) {
    evidence.report = std::move(*hex);
  } else {
    evidence.report.assign(report_text->begin(), report_text->end());
  }
  auto chain = ReadWholeFile(*certs_path);
  if (!chain) return ReportError(chain.error());
  evidence.cert_chain_pem = std::move(*chain);
  for (const std::string& rim_path : args.GetAll("rim")) {
    auto rim = ReadWholeFile(rim_path);
    if (!rim) return ReportError(rim.error());
    evidence.rims.push_back(std::move(*rim));
    evidence.rim_names.push_back(rim_path);
  }

  auto verifier = attest::NvidiaVerifier::Create({});
  if (!verifier) return ReportError(verifier.error());
  const attest::NvidiaVerdict v =
      (*verifier)->Verify(evidence, {.expected_nonce = *nonce, .at = *at});

  if (args.Has("json")) {
    ordered_json j;
    j["ok"] = v.ok;
    j["summary"] = v.Summary();
    j["failed_check"] = v.failed_check;
    j["verified_at"] = at_text;
    j["product"] = v.product;
    j["product_candidates"] = v.product_candidates;
    j["product_verified_on_hardware"] = v.product_verified_on_hardware;
    j["hwmodel"] = v.hwmodel;
    j["ueid"] = v.ueid;
    j["project"] = v.project;
    j["project_sku"] = v.project_sku;
    j["chip_sku"] = v.chip_sku;
    j["driver_version"] = v.driver_version;
    j["vbios_version"] = v.vbios_version;
    j["fwid"] = v.fwid_hex;
    j["measurements_verified"] = v.measurements_verified;
    j["checks"] = ordered_json::array();
    for (const attest::Check& c : v.checks) {
      j["checks"].push_back(
          {{"name", c.name}, {"passed", c.passed}, {"detail", c.detail}});
    }
    std::printf(
        "%s\n",
        j.dump(2, ' ', false, ordered_json::error_handler_t::replace).c_str());
  } else {
    std::printf("%s\n\n", v.Summary().c_str());
    for (const attest::Check& c : v.checks) {
      std::printf("  %s  %-24s %s\n", c.passed ? "ok  " : "FAIL",
                  c.name.c_str(), c.detail.c_str());
    }
    if (evidence.rims.empty()) {
      std::printf(
          "\n  note: measurements were not compared (no --rim given)\n");
    }
  }
  return v.ok ? kExitOk : kExitIntegrity;
}

}  // namespace

std::vector<Command> AttestCommands() {
  std::vector<Command> commands;
  commands.push_back(
      {{"attest verify",
        "--report FILE --certs FILE --nonce HEX [--rim FILE...] [--at TIME] "
        "[--json]",
        "verify NVIDIA GPU attestation evidence against the pinned roots",
        "Verifies an NVIDIA Hopper attestation report (SPDM GET_MEASUREMENTS\n"
        "request + signed response, hex text or binary) with its "
        "5-certificate\n"
        "PEM chain: chain to the pinned NVIDIA Device Identity root, FWID,\n"
        "ECDSA P-384 signature, the nonce you sent, and the PROJECT/SKU\n"
        "allow-list. With --rim (driver and VBIOS RIMs), also verifies each\n"
        "RIM's XML signature to the pinned RIM root and compares the golden\n"
        "measurements. Certificates are checked as of --at (default now,\n"
        "or $CLEARANCE_NOW). Prints the verdict and every check; exit 0 when\n"
        "verified, 7 when any check fails. See docs/attestation.md.",
        {{"report", "FILE", "attestation report (hex text or binary)"},
         {"certs", "FILE", "certificate chain (PEM, leaf first)"},
         {"nonce", "HEX", "the 32-byte nonce sent to the GPU (64 hex digits)"},
         {"rim", "FILE", "driver or VBIOS RIM (.swidtag)", true},
         {"at", "TIME", "verification time YYYY-MM-DD[THH:MM:SSZ]"},
         {"json", "", "print JSON instead of text"}},
        0,
        0},
       RunVerify});
  return commands;
}

}  // namespace clearance::cli
