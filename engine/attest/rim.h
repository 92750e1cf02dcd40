// NVIDIA Reference Integrity Manifests (RIMs): TCG/SWID (ISO 19770-2) XML
// files, enveloped-signed with XML-DSig (ECDSA P-384, C14N 1.1), listing the
// golden measurements of one driver or VBIOS build. A VBIOS RIM is named
// PROJECT_PROJECTSKU_CHIPSKU_VBIOS; a driver RIM by the driver version.
//
//   auto rim = VerifyRim(xml, rim_root_pem, time);   // signature + parse
//   if (rim) CompareGoldenMeasurements({*rim, ...}, report);
//
// Thread safety: all functions may be called from any thread (xmlsec is
// initialised once, under std::call_once).
#ifndef CLEARANCE_ENGINE_ATTEST_RIM_H_
#define CLEARANCE_ENGINE_ATTEST_RIM_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "engine/attest/spdm.h"
#include "engine/common/error.h"

namespace clearance::attest {

struct GoldenMeasurement {
  int index = 0;        // RIM index; the report block index is index + 1
  bool active = false;  // inactive entries are not compared
  std::string name;     // "HashedMeasurement_1_FSP"
  std::vector<std::vector<uint8_t>> alternatives;  // any one may match
};

struct Rim {
  std::string tag_id;
  std::string product;             // Meta product, "GH100"
  std::string colloquial_version;  // "96.00.5E.00.01" or "545.00"
  std::vector<GoldenMeasurement> measurements;
  bool signature_verified = false;  // set by VerifyRim only
  std::string signer;               // subject CN of the signing cert
};

// Parses the RIM without checking its signature (for display and tests).
// kParse names what is missing ("Resource index=\"x\": not a number").
Result<Rim> ParseRim(std::string_view xml);

// Verifies the XML-DSig of `xml` and parses it. The signature must be the
// single enveloped ds:Signature (a child of the root), with one Reference
// URI="" (the whole document), signed by the certificate in its KeyInfo
// whose chain (the other KeyInfo certificates) verifies to
// `rim_root_pem` alone, with validity checked as of `at`. Errors
// (kIntegrity) say which step failed: "RIM signature: certificate chain
// does not verify to the pinned RIM root (certificate has expired)".
Result<Rim> VerifyRim(std::string_view xml, std::string_view rim_root_pem,
                      std::chrono::system_clock::time_point at);

// One golden comparison: passes when every active golden index of every
// RIM has its runtime measurement (block index + 1) equal to one of its
// alternatives. An index listed by two RIMs is an error (NVIDIA
// InvalidMeasurementIndexError). Index 35 is skipped when the report's
// NVDEC0_STATUS is 0x55 (NVDEC0 disabled), as NVIDIA's verifier does.
struct GoldenComparison {
  bool ok = false;
  int compared = 0;
  int skipped = 0;
  std::vector<std::string>
      mismatches;  // "index 1 (HashedMeasurement_1_FSP): ..."
};
GoldenComparison CompareGoldenMeasurements(const std::vector<Rim>& rims,
                                           const SpdmReport& report);

}  // namespace clearance::attest

#endif  // CLEARANCE_ENGINE_ATTEST_RIM_H_
