// Challenge-response microbenchmarks of one CUDA device (benchmarks.cu).
//
// Every figure is a measurement the host cannot raise above the silicon's
// capability (it can only lower it by throttling), plus spot-check values of
// a nonce-seeded matrix product that the engine recomputes on the CPU
// (engine/attest/probe_challenge.h). The engine turns the figures into a
// model verdict (engine/attest/model_verdict.h).
//
// Thread safety: RunBenchmarks selects the device with cudaSetDevice; call it
// from one thread at a time.
#ifndef CLEARANCE_GPU_PROBE_BENCHMARKS_H_
#define CLEARANCE_GPU_PROBE_BENCHMARKS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace clearance::probe {

struct BenchmarkOptions {
  // The four little-endian words of SHA-256(nonce || "clearance-probe/matrix")
  // and of SHA-256(nonce || "select").
  std::uint64_t matrix_seed[4] = {};
  std::uint64_t select_seed[4] = {};
  int gemm_size = 8192;        // M = N = K; a multiple of 128, at most 65536
  bool measure_memory = true;  // the allocatable-memory search (~1 s)
};

struct SpotCheck {
  int i = 0;
  int j = 0;
  double value = 0;  // C[i][j] as computed by the tensor cores
};

struct BenchmarkResult {
  std::string error;          // non-empty: the CUDA call that failed and why
  int sm_count_measured = 0;  // distinct %smid values seen
  std::uint64_t allocatable_bytes = 0;  // sum of chunks cudaMalloc granted
  double memory_bandwidth_gbs = 0;      // device-to-device copy, 1e9 B/s
  double tensor_bf16_tflops = 0;        // dense BF16 GEMM, FP32 accumulate
  double fp64_tflops = 0;               // DFMA chains
  int gemm_m = 0, gemm_n = 0, gemm_k = 0;
  std::vector<SpotCheck> spot_checks;
  double elapsed_s = 0;  // wall time of all benchmarks on this device
};

// Runs all benchmarks on `device`. Never throws; failures are reported in
// `error` with the figures measured so far.
BenchmarkResult RunBenchmarks(int device, const BenchmarkOptions& options);

}  // namespace clearance::probe

#endif  // CLEARANCE_GPU_PROBE_BENCHMARKS_H_
