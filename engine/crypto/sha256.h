// SHA-256 digests (OpenSSL), used for list-file provenance and content hashes.
//
// Usage:
//   Sha256 hasher;
//   hasher.Update(chunk1); hasher.Update(chunk2);
//   std::string hex = hasher.FinishHex();   // 64 lower-case hex digits
//
// REQUIRES: Finish*() is called at most once. Not thread-safe per object.
#ifndef CLEARANCE_ENGINE_CRYPTO_SHA256_H_
#define CLEARANCE_ENGINE_CRYPTO_SHA256_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/common/error.h"

namespace clearance::crypto {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  std::array<std::uint8_t, 32> Finish();
  std::string FinishHex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Digest of `bytes` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view bytes);

// Digest of the file at `path` as hex; kIo error if it cannot be read.
Result<std::string> Sha256FileHex(const std::string& path);

// Lower-case hex of arbitrary bytes.
std::string ToHex(std::string_view bytes);

}  // namespace clearance::crypto

#endif  // CLEARANCE_ENGINE_CRYPTO_SHA256_H_
