// Microbenchmarks (benchmarks.h). Kernels are deliberately plain: the
// engine compares their figures with catalog specs scaled by a per-
// architecture efficiency (data/attest/gpu_catalog.json "probe_efficiency"),
// so what matters is that they are stable, not that they reach peak.
#include <cuda_bf16.h>
#include <cuda_runtime.h>
#include <mma.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/attest/probe_challenge.h"
#include "gpu_probe/benchmarks.h"

namespace clearance::probe {
namespace {

namespace ch = clearance::attest::probe;

constexpr int kMaxSmid = 1024;

struct Seed {
  std::uint64_t w[4];
};

// ---- SM census -------------------------------------------------------------

__global__ void SmidKernel(unsigned int* seen, long long spin_cycles) {
  unsigned int smid;
  asm volatile("mov.u32 %0, %%smid;" : "=r"(smid));
  if (threadIdx.x == 0 && smid < kMaxSmid) atomicOr(&seen[smid], 1u);
  // Stay resident a while so that the scheduler spreads blocks over all SMs.
  const long long start = clock64();
  while (clock64() - start < spin_cycles) {
  }
}

// ---- memory bandwidth ------------------------------------------------------

__global__ void CopyKernel(const int4* __restrict__ in, int4* __restrict__ out,
                           size_t n) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
       i < n; i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    out[i] = in[i];
  }
}

// ---- FP64
// --------------------------------------------------------------------

constexpr int kFp64Chains = 8;
constexpr int kFp64Iterations = 4096;

__global__ void DfmaKernel(double* out, double a, double b) {
  double x[kFp64Chains];
  for (int c = 0; c < kFp64Chains; ++c) x[c] = threadIdx.x + c;
#pragma unroll 16
  for (int i = 0; i < kFp64Iterations; ++i) {
#pragma unroll
    for (int c = 0; c < kFp64Chains; ++c) x[c] = fma(x[c], a, b);
  }
  double s = 0;
  for (int c = 0; c < kFp64Chains; ++c) s += x[c];
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}

// ---- seeded BF16 GEMM
// --------------------------------------------------------

// A is M x K row-major; B is stored transposed (N x K row-major, i.e. K x N
// column-major), both filled from the challenge generator.
__global__ void FillKernel(__nv_bfloat16* m, Seed seed, int which, int rows,
                           int cols) {
  const size_t total = static_cast<size_t>(rows) * cols;
  for (size_t idx = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
       idx < total; idx += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const auto r = static_cast<std::uint32_t>(idx / cols);
    const auto c = static_cast<std::uint32_t>(idx % cols);
    // For B (which = 1) the stored row is the column n, the column is k.
    const int v = which == 0 ? ch::MatrixEntry(seed.w, 0, r, c)
                             : ch::MatrixEntry(seed.w, 1, c, r);
    m[idx] = __float2bfloat16(static_cast<float>(v));
  }
}

constexpr int kBm = 128, kBn = 128, kBk = 32, kPad = 8;
constexpr int kLd = kBk + kPad;  // 40 bf16 = 80 bytes per shared row

// 256 threads = 8 warps in a 2 (M) x 4 (N) grid; each warp owns 64 x 32 of
// the block's 128 x 128 tile as 4 x 2 WMMA 16x16x16 fragments.
__global__ void __launch_bounds__(256)
    GemmKernel(const __nv_bfloat16* __restrict__ a,
               const __nv_bfloat16* __restrict__ bt, float* __restrict__ c,
               int m, int n, int k) {
  using namespace nvcuda;
  __shared__ __align__(128) __nv_bfloat16 as[kBm * kLd];
  __shared__ __align__(128) __nv_bfloat16 bs[kBn * kLd];
  const int warp = threadIdx.x / 32;
  const int warp_m = warp / 4, warp_n = warp % 4;
  const int block_row = blockIdx.y * kBm, block_col = blockIdx.x * kBn;

  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[4][2];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 2; ++j) wmma::fill_fragment(acc[i][j], 0.0f);

  for (int k0 = 0; k0 < k; k0 += kBk) {
    // 128 rows x 32 bf16 = 512 16-byte vectors per operand; 2 per thread.
    for (int v = threadIdx.x; v < kBm * kBk / 8; v += blockDim.x) {
      const int row = v / (kBk / 8), col = (v % (kBk / 8)) * 8;
      *reinterpret_cast<int4*>(&as[row * kLd + col]) =
          *reinterpret_cast<const int4*>(
              &a[static_cast<size_t>(block_row + row) * k + k0 + col]);
      *reinterpret_cast<int4*>(&bs[row * kLd + col]) =
          *reinterpret_cast<const int4*>(
              &bt[static_cast<size_t>(block_col + row) * k + k0 + col]);
    }
    __syncthreads();
    for (int kk = 0; kk < kBk; kk += 16) {
      wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major>
          fa[4];
      wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::col_major>
          fb[2];
      for (int i = 0; i < 4; ++i) {
        wmma::load_matrix_sync(fa[i], &as[(warp_m * 64 + i * 16) * kLd + kk],
                               kLd);
      }
      for (int j = 0; j < 2; ++j) {
        wmma::load_matrix_sync(fb[j], &bs[(warp_n * 32 + j * 16) * kLd + kk],
                               kLd);
      }
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 2; ++j)
          wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
    }
    __syncthreads();
  }
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 2; ++j) {
      const int row = block_row + warp_m * 64 + i * 16;
      const int col = block_col + warp_n * 32 + j * 16;
      wmma::store_matrix_sync(&c[static_cast<size_t>(row) * n + col], acc[i][j],
                              n, wmma::mem_row_major);
    }
  }
}

// ---- helpers
// -------------------------------------------------------------------

// Records the first failing CUDA call in `error`; returns false on failure.
bool Check(cudaError_t status, const char* what, std::string& error) {
  if (status == cudaSuccess) return true;
  if (error.empty()) {
    error = std::string(what) + ": " + cudaGetErrorString(status);
  }
  return false;
}

// Best (shortest) time in ms of `runs` launches of `launch`.
template <typename Launch>
float BestMs(int runs, Launch launch, std::string& error) {
  cudaEvent_t start, stop;
  if (!Check(cudaEventCreate(&start), "cudaEventCreate", error)) return 0;
  if (!Check(cudaEventCreate(&stop), "cudaEventCreate", error)) return 0;
  float best = 0;
  launch();  // warm-up
  for (int r = 0; r < runs && error.empty(); ++r) {
    cudaEventRecord(start);
    launch();
    cudaEventRecord(stop);
    if (!Check(cudaEventSynchronize(stop), "kernel", error)) break;
    float ms = 0;
    cudaEventElapsedTime(&ms, start, stop);
    if (r == 0 || ms < best) best = ms;
  }
  Check(cudaGetLastError(), "kernel launch", error);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return best;
}

int MeasureSmCount(std::string& error) {
  unsigned int* seen = nullptr;
  if (!Check(cudaMalloc(&seen, kMaxSmid * sizeof(unsigned int)), "cudaMalloc",
             error)) {
    return 0;
  }
  cudaMemset(seen, 0, kMaxSmid * sizeof(unsigned int));
  // 8192 blocks spinning ~50 µs each cover every SM many times over.
  SmidKernel<<<8192, 64>>>(seen, 100000);
  std::vector<unsigned int> host(kMaxSmid);
  if (Check(cudaMemcpy(host.data(), seen, kMaxSmid * sizeof(unsigned int),
                       cudaMemcpyDeviceToHost),
            "SM census", error)) {
    cudaFree(seen);
    return static_cast<int>(std::count(host.begin(), host.end(), 1u));
  }
  cudaFree(seen);
  return 0;
}

// Sum of the chunks cudaMalloc grants: binary-search the largest chunk (to
// 2 MiB), keep it, repeat until chunks fall under 64 MiB; each chunk is
// touched with cudaMemset so it is physically backed. Frees everything.
std::uint64_t MeasureAllocatable(std::string& error) {
  constexpr std::uint64_t kGranule = 2ull << 20, kMinChunk = 64ull << 20;
  size_t free_bytes = 0, total_bytes = 0;
  if (!Check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo",
             error)) {
    return 0;
  }
  std::vector<void*> chunks;
  std::uint64_t sum = 0;
  // The driver's total is only an upper bound for the search: a spoofed
  // total cannot make cudaMalloc grant memory that is not there.
  std::uint64_t hi = total_bytes;
  while (true) {
    std::uint64_t lo = 0, high = hi / kGranule;  // in granules
    void* best = nullptr;
    std::uint64_t best_size = 0;
    while (lo < high) {
      const std::uint64_t mid = (lo + high + 1) / 2;
      void* p = nullptr;
      if (cudaMalloc(&p, mid * kGranule) == cudaSuccess) {
        if (best) cudaFree(best);
        best = p;
        best_size = mid * kGranule;
        lo = mid;
      } else {
        cudaGetLastError();  // clear the allocation failure
        high = mid - 1;
      }
    }
    if (!best || best_size < kMinChunk) {
      if (best) cudaFree(best);
      break;
    }
    cudaMemset(best, 0xA5, best_size);
    chunks.push_back(best);
    sum += best_size;
    hi = best_size;
  }
  Check(cudaDeviceSynchronize(), "memory touch", error);
  for (void* p : chunks) cudaFree(p);
  return sum;
}

double MeasureBandwidth(std::uint64_t total_bytes, int sms,
                        std::string& error) {
  // Two buffers of 1/8 of memory each, capped at 2 GiB: far beyond any L2.
  const size_t bytes = std::min<std::uint64_t>(total_bytes / 8, 2ull << 30) &
                       ~static_cast<std::uint64_t>(0xFFFF);
  int4 *in = nullptr, *out = nullptr;
  if (!Check(cudaMalloc(&in, bytes), "cudaMalloc (bandwidth)", error) ||
      !Check(cudaMalloc(&out, bytes), "cudaMalloc (bandwidth)", error)) {
    cudaFree(in);
    return 0;
  }
  cudaMemset(in, 1, bytes);
  const size_t n = bytes / sizeof(int4);
  const float ms = BestMs(
      10, [&] { CopyKernel<<<sms * 8, 512>>>(in, out, n); }, error);
  cudaFree(in);
  cudaFree(out);
  return ms > 0 ? 2.0 * bytes / (ms * 1e-3) / 1e9 : 0;  // read + write
}

double MeasureFp64(int sms, std::string& error) {
  const int blocks = sms * 16, threads = 256;
  double* out = nullptr;
  if (!Check(cudaMalloc(&out, sizeof(double) * blocks * threads),
             "cudaMalloc (fp64)", error)) {
    return 0;
  }
  const float ms = BestMs(
      5, [&] { DfmaKernel<<<blocks, threads>>>(out, 0.9999999, 1e-7); }, error);
  cudaFree(out);
  const double flops = 2.0 * kFp64Chains * kFp64Iterations *
                       static_cast<double>(blocks) * threads;
  return ms > 0 ? flops / (ms * 1e-3) / 1e12 : 0;
}

double MeasureGemm(const BenchmarkOptions& options, BenchmarkResult& result,
                   std::string& error) {
  const int s = options.gemm_size;
  result.gemm_m = result.gemm_n = result.gemm_k = s;
  const size_t elems = static_cast<size_t>(s) * s;
  __nv_bfloat16 *a = nullptr, *bt = nullptr;
  float* c = nullptr;
  if (!Check(cudaMalloc(&a, elems * sizeof(__nv_bfloat16)), "cudaMalloc (A)",
             error) ||
      !Check(cudaMalloc(&bt, elems * sizeof(__nv_bfloat16)), "cudaMalloc (B)",
             error) ||
      !Check(cudaMalloc(&c, elems * sizeof(float)), "cudaMalloc (C)", error)) {
    cudaFree(a);
    cudaFree(bt);
    return 0;
  }
  Seed seed;
  for (int w = 0; w < 4; ++w) seed.w[w] = options.matrix_seed[w];
  FillKernel<<<4096, 256>>>(a, seed, 0, s, s);
  FillKernel<<<4096, 256>>>(bt, seed, 1, s, s);
  const dim3 grid(s / kBn, s / kBm);
  const float ms = BestMs(
      3, [&] { GemmKernel<<<grid, 256>>>(a, bt, c, s, s, s); }, error);
  // The entries to report are chosen only now, after the product exists.
  for (int n = 0; n < ch::kSpotChecks && error.empty(); ++n) {
    int i = 0, j = 0;
    ch::SelectedEntry(options.select_seed, n, s, s, &i, &j);
    float v = 0;
    if (!Check(cudaMemcpy(&v, &c[static_cast<size_t>(i) * s + j], sizeof(v),
                          cudaMemcpyDeviceToHost),
               "cudaMemcpy (spot check)", error)) {
      break;
    }
    result.spot_checks.push_back({i, j, static_cast<double>(v)});
  }
  cudaFree(a);
  cudaFree(bt);
  cudaFree(c);
  const double flops = 2.0 * s * static_cast<double>(s) * s;
  return ms > 0 ? flops / (ms * 1e-3) / 1e12 : 0;
}

}  // namespace

BenchmarkResult RunBenchmarks(int device, const BenchmarkOptions& options) {
  BenchmarkResult result;
  const auto start = std::chrono::steady_clock::now();
  std::string& error = result.error;
  if (options.gemm_size <= 0 || options.gemm_size % kBm != 0 ||
      options.gemm_size > ch::kMaxGemmK) {
    error = "gemm size must be a positive multiple of 128, at most 65536";
    return result;
  }
  if (!Check(cudaSetDevice(device), "cudaSetDevice", error)) return result;
  int reported_sms = 0;
  cudaDeviceGetAttribute(&reported_sms, cudaDevAttrMultiProcessorCount, device);
  size_t free_bytes = 0, total_bytes = 0;
  if (!Check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo",
             error)) {
    return result;
  }
  result.sm_count_measured = MeasureSmCount(error);
  // Launch sizes use the larger of the reported and measured SM counts; a
  // wrong value only changes occupancy, never correctness.
  const int sms = std::max({reported_sms, result.sm_count_measured, 1});
  if (error.empty()) {
    result.memory_bandwidth_gbs = MeasureBandwidth(free_bytes, sms, error);
  }
  if (error.empty()) result.fp64_tflops = MeasureFp64(sms, error);
  if (error.empty())
    result.tensor_bf16_tflops = MeasureGemm(options, result, error);
  if (error.empty() && options.measure_memory) {
    result.allocatable_bytes = MeasureAllocatable(error);
  }
  result.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

}  // namespace clearance::probe
