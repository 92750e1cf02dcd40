#include "engine/attest/spdm.h"

#include <cstdio>

namespace clearance::attest {

namespace {

// Bounds-checked little-endian reader over the response.
class Reader {
 public:
  Reader(std::span<const uint8_t> bytes, const char* what)
      : bytes_(bytes), what_(what) {}

  size_t offset() const { return offset_; }
  size_t left() const { return bytes_.size() - offset_; }

  Result<std::span<const uint8_t>> Take(size_t n, std::string_view field) {
    if (n > left()) {
      return Fail(ErrorCode::kParse, std::string(what_) + " offset " +
                                         std::to_string(offset_) + ": " +
                                         std::string(field) + " needs " +
                                         std::to_string(n) + " bytes, " +
                                         std::to_string(left()) + " left");
    }
    auto s = bytes_.subspan(offset_, n);
    offset_ += n;
    return s;
  }
  Result<uint32_t> Uint(size_t n, std::string_view field) {
    auto s = Take(n, field);
    if (!s) return std::unexpected(s.error());
    uint32_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint32_t{(*s)[i]} << (8 * i);
    return v;
  }

 private:
  std::span<const uint8_t> bytes_;
  const char* what_;
  size_t offset_ = 0;
};

std::unexpected<Error> ParseError(const char* what, size_t offset,
                                  const std::string& message) {
  return Fail(ErrorCode::kParse, std::string(what) + " offset " +
                                     std::to_string(offset) + ": " + message);
}

std::string HexByte(uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "0x%02X", b);
  return buf;
}

}  // namespace

std::string OpaqueTypeName(uint16_t type) {
  static constexpr const char* kNames[] = {
      nullptr,
      "CERT_ISSUER_NAME",
      "CERT_AUTHORITY_KEY_IDENTIFIER",
      "DRIVER_VERSION",
      "GPU_INFO",
      "SKU",
      "VBIOS_VERSION",
      "MANUFACTURER_ID",
      "TAMPER_DETECTION",
      "SMC",
      "VPR",
      "NVDEC0_STATUS",
      "MSRSCNT",
      "CPRINFO",
      "BOARD_ID",
      "CHIP_SKU",
      "CHIP_SKU_MOD",
      "PROJECT",
      "PROJECT_SKU",
      "PROJECT_SKU_MOD",
      "FWID",
      "PROTECTED_PCIE_STATUS",
      "SWITCH_PDI",
      "FLOORSWEPT_PORTS",
      "POSITION_ID",
      "LOCK_SWITCH_STATUS",
  };
  if (type < std::size(kNames) && kNames[type]) return kNames[type];
  switch (type) {
    case 32:
      return "GPU_LINK_CONN";
    case 33:
      return "SYS_ENABLE_STATUS";
    case 34:
      return "OPAQUE_DATA_VERSION";
    case 35:
      return "CHIP_INFO";
    case 36:
      return "FEATURE_FLAG";
    default:
      return "TYPE_" + std::to_string(type);
  }
}

const OpaqueField* SpdmReport::Find(OpaqueType type) const {
  for (const OpaqueField& f : opaque) {
    if (f.type == static_cast<uint16_t>(type)) return &f;
  }
  return nullptr;
}

std::string SpdmReport::Text(OpaqueType type) const {
  const OpaqueField* f = Find(type);
  if (!f) return "";
  std::string s(f->data.begin(), f->data.end());
  if (size_t nul = s.find('\0'); nul != std::string::npos) s.resize(nul);
  return s;
}

std::string SpdmReport::VbiosVersion() const {
  // 8 bytes, little-endian halves: 009f009601000000 -> 96.00.9F.00.01
  // (NVIDIA format_vbios_version: bytes [3][2][1][0] then [4]).
  const OpaqueField* f = Find(OpaqueType::kVbiosVersion);
  if (!f || f->data.size() < 5) return "";
  const std::vector<uint8_t>& d = f->data;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02X.%02X.%02X.%02X.%02X", d[3], d[2], d[1],
                d[0], d[4]);
  return buf;
}

const MeasurementBlock* SpdmReport::Measurement(int index) const {
  for (const MeasurementBlock& m : measurements) {
    if (m.index == index) return &m;
  }
  return nullptr;
}

Result<SpdmReport> ParseSpdmReport(std::span<const uint8_t> report) {
  SpdmReport r;
  if (report.size() < kSpdmRequestLength) {
    return Fail(ErrorCode::kParse,
                "report is " + std::to_string(report.size()) +
                    " bytes; the GET_MEASUREMENTS request alone is 37");
  }
  const std::span<const uint8_t> req = report.first(kSpdmRequestLength);
  r.request_version = req[0];
  r.request_code = req[1];
  r.request_param1 = req[2];
  r.request_param2 = req[3];
  std::copy(req.begin() + 4, req.begin() + 36, r.nonce.begin());
  r.slot_id = req[36];
  if (r.request_code != kSpdmGetMeasurements) {
    return ParseError(
        "request", 1,
        "code " + HexByte(r.request_code) + " is not GET_MEASUREMENTS (0xE0)");
  }

  const std::span<const uint8_t> resp = report.subspan(kSpdmRequestLength);
  constexpr const char* kResp = "response";
  Reader in(resp, kResp);
  auto header = in.Take(5, "header");
  if (!header) return std::unexpected(header.error());
  r.response_version = (*header)[0];
  r.response_code = (*header)[1];
  r.response_param1 = (*header)[2];
  r.response_param2 = (*header)[3];
  r.number_of_blocks = (*header)[4];
  if (r.response_code != kSpdmMeasurements) {
    return ParseError(
        kResp, 1,
        "code " + HexByte(r.response_code) + " is not MEASUREMENTS (0x60)");
  }
  const size_t record_length_offset = in.offset();
  auto record_length = in.Uint(3, "measurement record length");
  if (!record_length) return std::unexpected(record_length.error());
  if (*record_length > in.left()) {
    return ParseError(kResp, record_length_offset,
                      "measurement record length " +
                          std::to_string(*record_length) + " exceeds the " +
                          std::to_string(in.left()) + " bytes left");
  }
  const size_t record_start = in.offset();
  auto record = in.Take(*record_length, "measurement record");
  if (!record) return std::unexpected(record.error());

  // Measurement blocks: Index | Spec | Size(2) | ValueType | ValueSize(2) |
  // Value.
  Reader blocks(*record, kResp);
  while (blocks.left() > 0) {
    const size_t at = record_start + blocks.offset();
    auto head = blocks.Take(4, "measurement block header");
    if (!head) return ParseError(kResp, at, "truncated measurement block");
    MeasurementBlock m;
    m.index = (*head)[0];
    m.specification = (*head)[1];
    const size_t size = (*head)[2] | ((*head)[3] << 8);
    if (m.specification != 1) {
      return ParseError(
          kResp, at + 1,
          "measurement block " + std::to_string(m.index) + ": specification " +
              std::to_string(m.specification) + " is not DMTF (1)");
    }
    auto body = blocks.Take(size, "measurement");
    if (!body || size < 3) {
      return ParseError(kResp, at,
                        "measurement block " + std::to_string(m.index) +
                            " of size " + std::to_string(size) +
                            " does not fit the record");
    }
    m.value_type = (*body)[0];
    const size_t value_size = (*body)[1] | ((*body)[2] << 8);
    if (value_size != size - 3) {
      return ParseError(kResp, at + 5,
                        "measurement block " + std::to_string(m.index) +
                            ": value size " + std::to_string(value_size) +
                            " disagrees with block size " +
                            std::to_string(size));
    }
    m.value.assign(body->begin() + 3, body->end());
    for (const MeasurementBlock& seen : r.measurements) {
      if (seen.index == m.index) {
        return ParseError(
            kResp, at,
            "measurement index " + std::to_string(m.index) + " appears twice");
      }
    }
    r.measurements.push_back(std::move(m));
  }
  if (r.measurements.size() != r.number_of_blocks) {
    return ParseError(kResp, 4,
                      "header says " + std::to_string(r.number_of_blocks) +
                          " measurement blocks, the record holds " +
                          std::to_string(r.measurements.size()));
  }

  auto nonce = in.Take(kSpdmNonceLength, "responder nonce");
  if (!nonce) return std::unexpected(nonce.error());
  std::copy(nonce->begin(), nonce->end(), r.responder_nonce.begin());

  const size_t opaque_length_offset = in.offset();
  auto opaque_length = in.Uint(2, "opaque data length");
  if (!opaque_length) return std::unexpected(opaque_length.error());
  if (*opaque_length + kSpdmSignatureLength != in.left()) {
    return ParseError(kResp, opaque_length_offset,
                      "opaque data length " + std::to_string(*opaque_length) +
                          " + 96-byte signature != the " +
                          std::to_string(in.left()) + " bytes left");
  }
  const size_t opaque_start = in.offset();
  auto opaque = in.Take(*opaque_length, "opaque data");
  if (!opaque) return std::unexpected(opaque.error());
  Reader tlv(*opaque, kResp);
  while (tlv.left() > 0) {
    const size_t at = opaque_start + tlv.offset();
    auto type = tlv.Uint(2, "opaque type");
    auto size = type ? tlv.Uint(2, "opaque size") : type;
    if (!size) return ParseError(kResp, at, "truncated opaque data field");
    auto data = tlv.Take(*size, "opaque data");
    if (!data) {
      return ParseError(kResp, at,
                        "opaque field " + OpaqueTypeName(*type) + " of size " +
                            std::to_string(*size) +
                            " overruns the opaque data");
    }
    r.opaque.push_back({static_cast<uint16_t>(*type),
                        std::vector<uint8_t>(data->begin(), data->end())});
  }

  auto signature = in.Take(kSpdmSignatureLength, "signature");
  if (!signature) return std::unexpected(signature.error());
  std::copy(signature->begin(), signature->end(), r.signature.begin());
  r.signed_bytes.assign(
      report.begin(),
      report.end() - static_cast<ptrdiff_t>(kSpdmSignatureLength));
  return r;
}

Result<std::vector<uint8_t>> ParseHex(std::string_view text) {
  std::vector<uint8_t> out;
  out.reserve(text.size() / 2);
  int high = -1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      continue;
    } else {
      return Fail(ErrorCode::kParse, "hex text offset " + std::to_string(i) +
                                         ": '" + std::string(1, c) +
                                         "' is not a hex digit");
    }
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  if (high >= 0) {
    return Fail(ErrorCode::kParse, "hex text has an odd number of digits");
  }
  return out;
}

std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    s.push_back(kDigits[b >> 4]);
    s.push_back(kDigits[b & 15]);
  }
  return s;
}

}  // namespace clearance::attest
