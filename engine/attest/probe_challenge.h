// The probe challenge: what the GPU probe (gpu_probe/) and the engine
// (probe_report.h) must compute identically, in one header-only file with no
// dependencies so that nvcc and the engine build compile the same code.
//
// The engine sends a fresh 32-byte nonce. The probe derives two integer
// matrices from it, multiplies them with BF16 tensor cores (FP32
// accumulation), and reports C[i][j] for entries selected from the nonce. The
// engine recomputes those entries on the CPU and requires bit equality.
//
// Exactness: every matrix entry is an integer in [-8, 8], exactly
// representable in BF16 and FP16 (8 and 11 significant bits). Each product
// is an integer of magnitude <= 64 and every partial sum of K <= 65536 terms
// has magnitude <= 64 * 65536 = 2^22 < 2^24, so FP32 accumulation is exact
// in any summation order: tensor-core results equal the CPU's integer sum.
//
// Seeds: matrix_seed = SHA-256(nonce || "clearance-probe/matrix"),
// select_seed = SHA-256(nonce || "select"); each read as four little-endian
// 64-bit words (SeedWords). Hashing is done by the caller (OpenSSL on both
// sides) so this header needs no crypto.
//
// Entries use a counter-based generator (SplitMix64 of seed ^ position)
// rather than a sequential xorshift stream so the GPU can fill any entry
// independently; the statistical quality needed here is only "unpredictable
// without the nonce".
#ifndef CLEARANCE_ENGINE_ATTEST_PROBE_CHALLENGE_H_
#define CLEARANCE_ENGINE_ATTEST_PROBE_CHALLENGE_H_

#include <cstdint>

#if defined(__CUDACC__)
#define CLEARANCE_HD __host__ __device__
#else
#define CLEARANCE_HD
#endif

namespace clearance::attest::probe {

// Format tag of the signed report; also the signature's domain separator.
inline constexpr const char* kReportFormat = "clearance-probe-report/1";
inline constexpr const char* kMatrixLabel = "clearance-probe/matrix";
inline constexpr const char* kSelectLabel = "select";
inline constexpr int kNonceBytes = 32;  // NVML's attestation nonce size too
inline constexpr int kSpotChecks = 16;  // entries reported per device
inline constexpr int kDefaultGemmSize = 8192;  // M = N = K
inline constexpr int kGemmTile = 128;          // sizes are multiples of it
inline constexpr int kMaxGemmK = 65536;        // keeps FP32 sums exact

CLEARANCE_HD inline std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Word `w` (0..3) of a 32-byte digest, little-endian.
inline std::uint64_t SeedWord(const unsigned char* digest32, int w) {
  std::uint64_t v = 0;
  for (int b = 7; b >= 0; --b) v = (v << 8) | digest32[w * 8 + b];
  return v;
}

// Entry (row, col) of matrix A (which = 0, M x K) or B (which = 1, K x N):
// an integer in [-8, 8]. `matrix_seed` holds the four seed words.
CLEARANCE_HD inline int MatrixEntry(const std::uint64_t* matrix_seed, int which,
                                    std::uint32_t row, std::uint32_t col) {
  const std::uint64_t position = (static_cast<std::uint64_t>(row) << 32) | col;
  const std::uint64_t h =
      SplitMix64(matrix_seed[which] ^ SplitMix64(position ^ matrix_seed[2]));
  return static_cast<int>(h % 17) - 8;
}

// The `n`-th selected entry (0 <= n < kSpotChecks) of an m x n_cols product:
// row and column drawn from the select seed.
inline void SelectedEntry(const std::uint64_t* select_seed, int n, int m,
                          int n_cols, int* row, int* col) {
  const std::uint64_t h =
      SplitMix64(select_seed[0] ^ SplitMix64(select_seed[1] + 2 * n));
  const std::uint64_t g =
      SplitMix64(select_seed[2] ^ SplitMix64(select_seed[3] + 2 * n + 1));
  *row = static_cast<int>(h % static_cast<std::uint64_t>(m));
  *col = static_cast<int>(g % static_cast<std::uint64_t>(n_cols));
}

// C[row][col] of the seeded product, computed exactly on the CPU.
inline std::int64_t ReferenceEntry(const std::uint64_t* matrix_seed, int k,
                                   int row, int col) {
  std::int64_t sum = 0;
  for (int i = 0; i < k; ++i) {
    sum += static_cast<std::int64_t>(MatrixEntry(matrix_seed, 0, row, i)) *
           MatrixEntry(matrix_seed, 1, i, col);
  }
  return sum;
}

}  // namespace clearance::attest::probe

#endif  // CLEARANCE_ENGINE_ATTEST_PROBE_CHALLENGE_H_
