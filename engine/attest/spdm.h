// Parser for an NVIDIA GPU attestation report: an SPDM 1.1 GET_MEASUREMENTS
// request (37 bytes, carrying the verifier's 32-byte nonce) followed by the
// signed MEASUREMENTS response (measurement blocks, responder nonce, opaque
// data TLVs, 96-byte ECDSA P-384 signature). Layout:
// /work/shared/docs/gpu-attestation.md §1.3 and docs/attestation.md.
//
// Parsing checks structure only (lengths, codes, field sizes); it proves
// nothing. nvidia.h verifies the signature, chain and contents.
//
// Thread safety: plain value types and pure functions.
#ifndef CLEARANCE_ENGINE_ATTEST_SPDM_H_
#define CLEARANCE_ENGINE_ATTEST_SPDM_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"

namespace clearance::attest {

inline constexpr size_t kSpdmRequestLength = 37;
inline constexpr size_t kSpdmNonceLength = 32;
inline constexpr size_t kSpdmSignatureLength = 96;  // P-384 r||s (Hopper+)
inline constexpr uint8_t kSpdmVersion11 = 0x11;
inline constexpr uint8_t kSpdmGetMeasurements = 0xE0;
inline constexpr uint8_t kSpdmMeasurements = 0x60;

// Opaque data TLV type codes (NVIDIA gpu_opaque_data_parser.hpp).
enum class OpaqueType : uint16_t {
  kCertIssuerName = 1,
  kCertAuthorityKeyIdentifier = 2,
  kDriverVersion = 3,
  kGpuInfo = 4,
  kSku = 5,
  kVbiosVersion = 6,
  kManufacturerId = 7,
  kTamperDetection = 8,
  kSmc = 9,
  kVpr = 10,
  kNvdec0Status = 11,
  kMsrsCnt = 12,
  kCprInfo = 13,
  kBoardId = 14,
  kChipSku = 15,
  kChipSkuMod = 16,
  kProject = 17,
  kProjectSku = 18,
  kProjectSkuMod = 19,
  kFwid = 20,
  kProtectedPcieStatus = 21,
  kSwitchPdi = 22,
  kFloorsweptPorts = 23,
  kPositionId = 24,
  kLockSwitchStatus = 25,
  kGpuLinkConn = 32,
  kSysEnableStatus = 33,
  kOpaqueDataVersion = 34,
  kChipInfo = 35,
  kFeatureFlag = 36,
};

// "DRIVER_VERSION" for kDriverVersion; "TYPE_<n>" for unknown codes.
std::string OpaqueTypeName(uint16_t type);

// One measurement block (DMTF measurement specification).
struct MeasurementBlock {
  uint8_t index = 0;           // 1-based in the report; RIM index = index - 1
  uint8_t specification = 0;   // 1 = DMTF
  uint8_t value_type = 0;      // DMTFSpecMeasurementValueType
  std::vector<uint8_t> value;  // e.g. 48 bytes of SHA-384
};

struct OpaqueField {
  uint16_t type = 0;
  std::vector<uint8_t> data;
};

struct SpdmReport {
  // Request (GET_MEASUREMENTS).
  uint8_t request_version = 0;
  uint8_t request_code = 0;
  uint8_t request_param1 = 0;                     // bit 0: signature requested
  uint8_t request_param2 = 0;                     // 0xFF: all measurements
  std::array<uint8_t, kSpdmNonceLength> nonce{};  // the verifier's nonce
  uint8_t slot_id = 0;

  // Response (MEASUREMENTS).
  uint8_t response_version = 0;
  uint8_t response_code = 0;
  uint8_t response_param1 = 0;
  uint8_t response_param2 = 0;
  uint8_t number_of_blocks = 0;
  std::vector<MeasurementBlock> measurements;  // in report order
  std::array<uint8_t, kSpdmNonceLength> responder_nonce{};
  std::vector<OpaqueField> opaque;                        // in report order
  std::array<uint8_t, kSpdmSignatureLength> signature{};  // r || s

  // request || response without the signature: the signed bytes.
  std::vector<uint8_t> signed_bytes;

  // The first opaque field of `type`, or nullptr.
  const OpaqueField* Find(OpaqueType type) const;
  // The field as text up to its first NUL ("550.90.07", "1010"); "" if
  // absent.
  std::string Text(OpaqueType type) const;
  // VBIOS version formatted as NVIDIA does ("96.00.9F.00.01"); "" if absent.
  std::string VbiosVersion() const;
  // The block with report index `index`, or nullptr.
  const MeasurementBlock* Measurement(int index) const;
};

// Parses `report` (request || response). Errors (kParse) name the field and
// byte offset: "response offset 5: measurement record length 3520 exceeds
// the 4080 bytes left". Trailing bytes after the signature are an error.
Result<SpdmReport> ParseSpdmReport(std::span<const uint8_t> report);

// Hex text to bytes; ASCII whitespace is ignored anywhere. kParse on an odd
// digit count or a non-hex character (with its offset).
Result<std::vector<uint8_t>> ParseHex(std::string_view text);

// Lower-case hex.
std::string ToHex(std::span<const uint8_t> bytes);

}  // namespace clearance::attest

#endif  // CLEARANCE_ENGINE_ATTEST_SPDM_H_
