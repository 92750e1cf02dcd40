// clearance-probe: runs on the GPU host, answers the engine's challenge.
//
//   clearance-probe --nonce HEX64 --deadline 2026-05-01T12:00:00Z
//                   --key host.key [--out report.json] [--device N]...
//
// Takes an inventory of every CUDA device, runs the nonce-seeded
// microbenchmarks, and writes one JSON envelope whose payload is signed with
// the host's enrolled Ed25519 key (OpenSSL libcrypto). `--no-sign` writes an
// unsigned envelope for trying the probe out; the engine rejects it.
// See docs/attestation.md "Probe" for the format and how the engine checks it.
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/attest/probe_challenge.h"
#include "gpu_probe/benchmarks.h"
#include "gpu_probe/inventory.h"

namespace {

namespace ch = clearance::attest::probe;
using clearance::probe::BenchmarkOptions;
using clearance::probe::BenchmarkResult;
using clearance::probe::DeviceInventory;
using clearance::probe::HostInventory;
using nlohmann::ordered_json;

constexpr const char* kProbeVersion = "0.1.0";

constexpr const char* kUsage =
    "usage: clearance-probe --nonce HEX --deadline ISO8601 (--key FILE | "
    "--no-sign)\n"
    "                       [--out FILE] [--device N]... [--gemm-size N]\n"
    "                       [--skip-memory]\n\n"
    "Answers an attestation challenge from `clearance`: inventories every\n"
    "CUDA device, runs the nonce-seeded microbenchmarks and writes a signed\n"
    "JSON report (stdout unless --out). --nonce is the engine's 32-byte\n"
    "challenge (64 hex digits); --deadline is copied into the signed report\n"
    "and the engine rejects reports verified after it. --key is the host's\n"
    "enrolled Ed25519 secret key (64 hex digits, from `clearance probe\n"
    "keygen`).\n";

int Usage(const char* message) {
  std::fprintf(stderr, "clearance-probe: %s\n\n%s", message, kUsage);
  return 2;
}

bool FromHex(const std::string& hex, std::vector<unsigned char>& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned int byte = 0;
    if (std::sscanf(hex.c_str() + i, "%2x", &byte) != 1) return false;
    out.push_back(static_cast<unsigned char>(byte));
  }
  return true;
}

std::string ToHex(const unsigned char* data, size_t size) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < size; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

// Four little-endian words of SHA-256(nonce || label).
void DeriveSeed(const std::vector<unsigned char>& nonce, const char* label,
                std::uint64_t words[4]) {
  std::vector<unsigned char> input(nonce);
  input.insert(input.end(), label, label + std::strlen(label));
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(input.data(), input.size(), digest);
  for (int w = 0; w < 4; ++w) words[w] = ch::SeedWord(digest, w);
}

std::string NowIso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Ed25519 signature (64 bytes, hex) of `message` with a raw 32-byte seed.
bool Sign(const std::vector<unsigned char>& seed, const std::string& message,
          std::string& signature_hex, std::string& public_hex) {
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                               seed.data(), seed.size());
  if (!key) return false;
  unsigned char sig[64], pub[32];
  size_t sig_len = sizeof sig, pub_len = sizeof pub;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
      EVP_DigestSign(ctx, sig, &sig_len,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) == 1 &&
      EVP_PKEY_get_raw_public_key(key, pub, &pub_len) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  if (ok) {
    signature_hex = ToHex(sig, sig_len);
    public_hex = ToHex(pub, pub_len);
  }
  return ok;
}

ordered_json DeviceJson(const DeviceInventory& d, const BenchmarkResult& b) {
  ordered_json j;
  j["index"] = d.index;
  j["name"] = d.name;
  j["uuid"] = d.uuid;
  j["compute_capability"] = d.compute_capability;
  j["sm_count_reported"] = d.sm_count;
  j["total_memory_bytes"] = d.total_memory_bytes;
  j["l2_bytes"] = d.l2_bytes;
  j["clock_mhz"] = d.clock_mhz;
  j["memory_clock_mhz"] = d.memory_clock_mhz;
  j["memory_bus_width"] = d.memory_bus_width;
  j["pci_bus_id"] = d.pci_bus_id;
  if (d.nvml) {
    char pci[16], sub[16];
    std::snprintf(pci, sizeof pci, "%08x", d.pci_device_id);
    std::snprintf(sub, sizeof sub, "%08x", d.pci_subsystem_id);
    j["nvml"] = {{"name", d.nvml_name},
                 {"serial", d.serial},
                 {"board_part_number", d.board_part_number},
                 {"vbios_version", d.vbios_version},
                 {"pci_device_id", pci},
                 {"pci_subsystem_id", sub},
                 {"max_sm_clock_mhz", d.max_sm_clock_mhz},
                 {"max_memory_clock_mhz", d.max_memory_clock_mhz},
                 {"memory_total_bytes", d.nvml_memory_total}};
  } else {
    j["nvml"] = nullptr;
  }
  j["cc_mode"] = d.cc_mode;
  if (!d.attestation_report_hex.empty()) {
    j["attestation"] = {{"report_hex", d.attestation_report_hex},
                        {"cert_chain_pem", d.attestation_cert_chain_pem}};
  } else {
    j["attestation"] = nullptr;
  }
  j["benchmarks"] = {{"sm_count", b.sm_count_measured},
                     {"allocatable_bytes", b.allocatable_bytes},
                     {"memory_bandwidth_gbs", b.memory_bandwidth_gbs},
                     {"tensor_bf16_tflops", b.tensor_bf16_tflops},
                     {"fp64_tflops", b.fp64_tflops},
                     {"elapsed_s", b.elapsed_s}};
  j["gemm"] = {{"m", b.gemm_m},
               {"n", b.gemm_n},
               {"k", b.gemm_k},
               {"dtype", "bf16"},
               {"accumulate", "fp32"}};
  j["spot_checks"] = ordered_json::array();
  for (const auto& s : b.spot_checks) {
    ordered_json v;
    // Exact products are integers; anything else is reported as it is.
    if (std::isfinite(s.value) && s.value == std::floor(s.value)) {
      v = static_cast<std::int64_t>(s.value);
    } else {
      v = s.value;
    }
    j["spot_checks"].push_back({{"i", s.i}, {"j", s.j}, {"value", v}});
  }
  j["error"] = b.error;
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  std::string nonce_hex, deadline, key_path, out_path;
  std::vector<int> only_devices;
  bool no_sign = false;
  BenchmarkOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= argc) return false;
      into = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--nonce") {
      if (!value(nonce_hex)) return Usage("--nonce needs a value");
    } else if (a == "--deadline") {
      if (!value(deadline)) return Usage("--deadline needs a value");
    } else if (a == "--key") {
      if (!value(key_path)) return Usage("--key needs a value");
    } else if (a == "--out") {
      if (!value(out_path)) return Usage("--out needs a value");
    } else if (a == "--device") {
      if (!value(v)) return Usage("--device needs a value");
      only_devices.push_back(std::atoi(v.c_str()));
    } else if (a == "--gemm-size") {
      if (!value(v)) return Usage("--gemm-size needs a value");
      options.gemm_size = std::atoi(v.c_str());
    } else if (a == "--skip-memory") {
      options.measure_memory = false;
    } else if (a == "--no-sign") {
      no_sign = true;
    } else {
      return Usage(("unknown argument " + a).c_str());
    }
  }
  std::vector<unsigned char> nonce;
  if (!FromHex(nonce_hex, nonce) || nonce.size() != ch::kNonceBytes) {
    return Usage("--nonce must be 64 hex digits (32 bytes)");
  }
  if (deadline.empty()) return Usage("--deadline is required");
  std::vector<unsigned char> seed;
  if (!no_sign) {
    if (key_path.empty()) return Usage("--key FILE or --no-sign is required");
    std::ifstream in(key_path);
    std::string hex;
    in >> hex;
    if (!in || !FromHex(hex, seed) || seed.size() != 32) {
      std::fprintf(stderr,
                   "clearance-probe: %s: expected 64 hex digits (an Ed25519 "
                   "secret key from `clearance probe keygen`)\n",
                   key_path.c_str());
      return 3;
    }
  }
  DeriveSeed(nonce, ch::kMatrixLabel, options.matrix_seed);
  DeriveSeed(nonce, ch::kSelectLabel, options.select_seed);

  const HostInventory host = clearance::probe::TakeInventory(nonce.data());
  if (!host.error.empty()) {
    std::fprintf(stderr, "clearance-probe: %s\n", host.error.c_str());
    return 4;
  }
  ordered_json payload;
  payload["format"] = ch::kReportFormat;
  payload["nonce"] = ToHex(nonce.data(), nonce.size());
  payload["deadline"] = deadline;
  payload["probe_version"] = kProbeVersion;
  payload["host"] = {{"hostname", host.hostname},
                     {"driver_version", host.driver_version},
                     {"cuda_driver_version", host.cuda_driver_version},
                     {"cuda_runtime_version", host.cuda_runtime_version},
                     {"nvml", host.nvml_loaded}};
  payload["devices"] = ordered_json::array();
  bool failed = false;
  for (const DeviceInventory& d : host.devices) {
    if (!only_devices.empty() &&
        std::find(only_devices.begin(), only_devices.end(), d.index) ==
            only_devices.end()) {
      continue;
    }
    const BenchmarkResult b = clearance::probe::RunBenchmarks(d.index, options);
    if (!b.error.empty()) {
      failed = true;
      std::fprintf(stderr, "clearance-probe: device %d: %s\n", d.index,
                   b.error.c_str());
    }
    std::fprintf(stderr,
                 "clearance-probe: device %d %s: %d SMs, %.1f GiB "
                 "allocatable, %.0f GB/s, %.1f BF16 TFLOPS, %.2f FP64 "
                 "TFLOPS in %.2f s\n",
                 d.index, d.name.c_str(), b.sm_count_measured,
                 b.allocatable_bytes / 1073741824.0, b.memory_bandwidth_gbs,
                 b.tensor_bf16_tflops, b.fp64_tflops, b.elapsed_s);
    payload["devices"].push_back(DeviceJson(d, b));
  }
  payload["generated_at"] = NowIso8601();

  const std::string payload_text = payload.dump();
  ordered_json envelope;
  envelope["format"] = ch::kReportFormat;
  envelope["payload"] = payload_text;
  if (no_sign) {
    envelope["signature"] = nullptr;
    envelope["public_key"] = nullptr;
  } else {
    std::string sig, pub;
    // Domain-separated: "<format>\n<payload>" (probe_report.h).
    if (!Sign(seed, std::string(ch::kReportFormat) + "\n" + payload_text, sig,
              pub)) {
      std::fprintf(stderr, "clearance-probe: Ed25519 signing failed\n");
      return 5;
    }
    envelope["signature"] = sig;
    envelope["public_key"] = pub;
  }
  const std::string text = envelope.dump(2) + "\n";
  if (out_path.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    std::ofstream out(out_path, std::ios::binary);
    out << text;
    if (!out) {
      std::fprintf(stderr, "clearance-probe: cannot write %s\n",
                   out_path.c_str());
      return 6;
    }
  }
  return failed ? 1 : 0;
}
