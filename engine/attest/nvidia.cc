#include "engine/attest/nvidia.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "engine/attest/rim.h"
#include "engine/attest/spdm.h"
#include "engine/common/embedded.h"

namespace clearance {
// Compiled in from data/attest/ by clearance_embed (engine/CMakeLists.txt).
const std::vector<EmbeddedFile>& AttestDeviceRoot();
const std::vector<EmbeddedFile>& AttestRimRoot();
const std::vector<EmbeddedFile>& AttestGpuProducts();
}  // namespace clearance

namespace clearance::attest {

namespace {

constexpr size_t kChainLength = 5;  // NVIDIA MAX_CERT_CHAIN_LENGTH
constexpr size_t kFwidLength = 48;  // SHA-384
// DER tail of the TCG DICE TcbInfo FWID (2.23.133.5.4.1): the hashAlg OID
// sha384 followed by OCTET STRING (48) holding the digest, at the very end
// of the extension (NVIDIA: "FWID = last 48 bytes").
constexpr uint8_t kFwidPrefix[] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
                                   0x03, 0x04, 0x02, 0x02, 0x04, 0x30};

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
struct StoreDeleter {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct StoreCtxDeleter {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
struct StackDeleter {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::vector<X509Ptr> ReadPemCertificates(std::string_view pem) {
  std::vector<X509Ptr> out;
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) return out;
  while (X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    out.emplace_back(x);
  }
  BIO_free(bio);
  ERR_clear_error();  // the loop ends on a "no start line" error
  return out;
}

std::string NameCn(const X509_NAME* name) {
  char buf[256] = {0};
  X509_NAME_get_text_by_NID(const_cast<X509_NAME*>(name), NID_commonName, buf,
                            sizeof(buf));
  return buf;
}

std::string SubjectCn(X509* x) { return NameCn(X509_get_subject_name(x)); }

std::string SerialDecimal(X509* x) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr);
  if (!bn) return "";
  char* dec = BN_bn2dec(bn);
  std::string s = dec ? dec : "";
  OPENSSL_free(dec);
  BN_free(bn);
  return s;
}

std::string LastOpenSslError() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (!e) return "";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

struct Product {
  std::string project, project_sku, chip_sku, product;
  std::vector<std::string> candidates;
  std::vector<std::string> catalog_models;
  bool verified_on_hardware = false;
};

std::string Upper(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Result<std::vector<Product>> ParseProducts(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("products") ||
      !j["products"].is_array()) {
    return Fail(ErrorCode::kInvalidArgument,
                "gpu_products.json: not an object with a \"products\" array");
  }
  std::vector<Product> out;
  for (size_t i = 0; i < j["products"].size(); ++i) {
    const nlohmann::json& e = j["products"][i];
    const std::string where =
        "gpu_products.json products[" + std::to_string(i) + "]";
    auto str = [&](const char* key) -> std::string {
      return e.is_object() && e.contains(key) && e[key].is_string()
                 ? e[key].get<std::string>()
                 : "";
    };
    Product p{Upper(str("project")),
              str("project_sku"),
              str("chip_sku"),
              str("product"),
              {},
              {},
              false};
    if (p.project.empty() || p.project_sku.empty() || p.chip_sku.empty() ||
        p.product.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  where +
                      ": project, project_sku, chip_sku and product are "
                      "required strings");
    }
    if (e.contains("candidates") && e["candidates"].is_array()) {
      for (const auto& c : e["candidates"]) {
        if (c.is_string()) p.candidates.push_back(c.get<std::string>());
      }
    }
    if (e.contains("catalog_models")) {
      if (!e["catalog_models"].is_array()) {
        return Fail(ErrorCode::kInvalidArgument,
                    where + ": catalog_models must be an array of strings");
      }
      for (const auto& c : e["catalog_models"]) {
        if (!c.is_string()) {
          return Fail(ErrorCode::kInvalidArgument,
                      where + ": catalog_models must be an array of strings");
        }
        p.catalog_models.push_back(c.get<std::string>());
      }
    }
    p.verified_on_hardware = e.value("verified_on_hardware", false);
    out.push_back(std::move(p));
  }
  return out;
}

// r || s (48 + 48 bytes, big-endian) -> DER ECDSA-Sig-Value.
std::vector<uint8_t> RawSignatureToDer(std::span<const uint8_t> raw) {
  std::vector<uint8_t> der;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(raw.data(), static_cast<int>(raw.size() / 2), nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + raw.size() / 2,
                        static_cast<int>(raw.size() / 2), nullptr);
  if (sig && r && s && ECDSA_SIG_set0(sig, r, s) == 1) {
    r = s = nullptr;  // owned by sig
    unsigned char* p = nullptr;
    const int n = i2d_ECDSA_SIG(sig, &p);
    if (n > 0) der.assign(p, p + n);
    OPENSSL_free(p);
  }
  BN_free(r);
  BN_free(s);
  ECDSA_SIG_free(sig);
  return der;
}

bool IsP384(EVP_PKEY* key) {
  if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
  char group[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_group_name(key, group, sizeof(group), &len) != 1) {
    return false;
  }
  return std::strcmp(group, "secp384r1") == 0;
}

}  // namespace

std::string_view PinnedDeviceRootPem() {
  return AttestDeviceRoot().front().content;
}
std::string_view PinnedRimRootPem() { return AttestRimRoot().front().content; }

struct NvidiaVerifier::State {
  X509Ptr device_root;
  std::unique_ptr<X509_STORE, StoreDeleter> store;
  std::string rim_root_pem;
  std::vector<Product> products;
};

NvidiaVerifier::NvidiaVerifier(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
NvidiaVerifier::~NvidiaVerifier() = default;

Result<std::unique_ptr<NvidiaVerifier>> NvidiaVerifier::Create(
    const Options& options) {
  auto state = std::make_unique<State>();
  const std::string_view device_pem = options.device_root_pem.empty()
                                          ? PinnedDeviceRootPem()
                                          : options.device_root_pem;
  auto roots = ReadPemCertificates(device_pem);
  if (roots.size() != 1) {
    return Fail(ErrorCode::kInvalidArgument,
                "device root: expected one PEM certificate, found " +
                    std::to_string(roots.size()));
  }
  state->device_root = std::move(roots[0]);
  state->store.reset(X509_STORE_new());
  if (!state->store ||
      X509_STORE_add_cert(state->store.get(), state->device_root.get()) != 1) {
    return Fail(ErrorCode::kInternal, "X509_STORE: " + LastOpenSslError());
  }
  state->rim_root_pem = options.rim_root_pem.empty()
                            ? std::string(PinnedRimRootPem())
                            : options.rim_root_pem;
  if (ReadPemCertificates(state->rim_root_pem).size() != 1) {
    return Fail(ErrorCode::kInvalidArgument,
                "RIM root: expected one PEM certificate");
  }
  auto products = ParseProducts(options.products_json.empty()
                                    ? AttestGpuProducts().front().content
                                    : std::string_view(options.products_json));
  if (!products) return std::unexpected(products.error());
  state->products = std::move(*products);
  return std::unique_ptr<NvidiaVerifier>(new NvidiaVerifier(std::move(state)));
}

std::string NvidiaVerdict::Summary() const {
  if (!ok) {
    for (const Check& c : checks) {
      if (!c.passed) return "FAILED at " + c.name + ": " + c.detail;
    }
    return "FAILED";
  }
  std::string s = "verified: " + product + " (PROJECT " + project + " / SKU " +
                  project_sku + " / CHIP_SKU " + chip_sku + "), " + hwmodel +
                  ", driver " + driver_version + ", VBIOS " + vbios_version;
  s += measurements_verified ? ", measurements match the RIMs"
                             : ", measurements not compared (no RIM supplied)";
  return s;
}

NvidiaVerdict NvidiaVerifier::Verify(const NvidiaEvidence& evidence,
                                     const NvidiaVerifyRequest& request) const {
  NvidiaVerdict v;
  auto add = [&v](const char* name, bool passed, std::string detail) {
    v.checks.push_back({name, passed, std::move(detail)});
  };

  // 1. The report's structure.
  auto parsed = ParseSpdmReport(evidence.report);
  const SpdmReport* report = parsed ? &*parsed : nullptr;
  if (!report) {
    add(kCheckReportParses, false, parsed.error().message());
  } else if (report->request_version != kSpdmVersion11 ||
             report->response_version != kSpdmVersion11) {
    add(kCheckReportParses, false,
        "SPDM version " + ToHex(std::span(&report->request_version, 1)) + "/" +
            ToHex(std::span(&report->response_version, 1)) +
            " is not 1.1 (0x11)");
    report = nullptr;
  } else if ((report->request_param1 & 1) == 0) {
    add(kCheckReportParses, false,
        "the request did not ask for a signature (Param1 bit 0)");
    report = nullptr;
  } else {
    v.driver_version = report->Text(OpaqueType::kDriverVersion);
    v.vbios_version = report->VbiosVersion();
    v.project = report->Text(OpaqueType::kProject);
    v.project_sku = report->Text(OpaqueType::kProjectSku);
    v.chip_sku = report->Text(OpaqueType::kChipSku);
    if (const OpaqueField* f = report->Find(OpaqueType::kFwid)) {
      v.fwid_hex = ToHex(f->data);
    }
    add(kCheckReportParses, true,
        "SPDM 1.1, " + std::to_string(report->measurements.size()) +
            " measurement blocks, " + std::to_string(report->opaque.size()) +
            " opaque fields, driver " + v.driver_version + ", VBIOS " +
            v.vbios_version);
  }

  // 2. The chain: exactly 5 certificates, leaf first.
  std::vector<X509Ptr> chain = ReadPemCertificates(evidence.cert_chain_pem);
  if (chain.size() != kChainLength) {
    add(kCheckChainLength, false,
        "expected exactly 5 certificates, found " +
            std::to_string(chain.size()));
  } else {
    add(kCheckChainLength, true, "5 certificates");
  }
  X509* leaf = chain.empty() ? nullptr : chain[0].get();
  if (chain.size() >= 2) v.hwmodel = SubjectCn(chain[1].get());
  if (leaf) v.ueid = SerialDecimal(leaf);

  // 3. Chain to the pinned root. The device-supplied root (certificate 4)
  // is discarded, as NVIDIA's verifier does; the path must be exactly
  // certificates 0..3 in order, then the pinned root.
  bool chain_ok = false;
  if (chain.size() == kChainLength) {
    std::unique_ptr<STACK_OF(X509), StackDeleter> untrusted(sk_X509_new_null());
    for (size_t i = 1; i + 1 < chain.size(); ++i) {
      sk_X509_push(untrusted.get(), chain[i].get());
    }
    std::unique_ptr<X509_STORE_CTX, StoreCtxDeleter> ctx(X509_STORE_CTX_new());
    std::string detail;
    if (ctx && X509_STORE_CTX_init(ctx.get(), state_->store.get(), leaf,
                                   untrusted.get()) == 1) {
      X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
      X509_VERIFY_PARAM_set_time(
          param, std::chrono::system_clock::to_time_t(request.at));
      X509_VERIFY_PARAM_set_depth(param, static_cast<int>(kChainLength));
      if (X509_verify_cert(ctx.get()) == 1) {
        STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
        bool in_order = sk_X509_num(built) == static_cast<int>(kChainLength);
        for (size_t i = 0; in_order && i + 1 < kChainLength; ++i) {
          in_order = X509_cmp(sk_X509_value(built, static_cast<int>(i)),
                              chain[i].get()) == 0;
        }
        if (!in_order) {
          detail = "certificates are not in leaf-to-root order";
        } else if (X509_cmp(chain[4].get(), state_->device_root.get()) != 0) {
          detail = "certificate 4 (" + SubjectCn(chain[4].get()) +
                   ") is not the pinned root";
        } else {
          chain_ok = true;
          detail = SubjectCn(leaf) + " -> " + v.hwmodel + " -> " +
                   SubjectCn(chain[2].get()) + " -> " +
                   SubjectCn(chain[3].get()) + " -> pinned " +
                   SubjectCn(state_->device_root.get());
        }
      } else {
        const int err = X509_STORE_CTX_get_error(ctx.get());
        const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
        X509* at = X509_STORE_CTX_get_current_cert(ctx.get());
        detail = "does not verify to the pinned NVIDIA Device Identity root: " +
                 std::string(X509_verify_cert_error_string(err)) +
                 " at certificate " + std::to_string(depth) +
                 (at ? " (" + SubjectCn(at) + ")" : "");
      }
    } else {
      detail = "X509_STORE_CTX: " + LastOpenSslError();
    }
    ERR_clear_error();
    add(kCheckChainVerifies, chain_ok, detail);
  } else {
    add(kCheckChainVerifies, false, "not checked: the chain is incomplete");
  }

  // 4. Leaf key: P-384, usable for digital signatures.
  EVP_PKEY* leaf_key = leaf ? X509_get0_pubkey(leaf) : nullptr;
  bool leaf_ok = false;
  if (!leaf) {
    add(kCheckLeafKey, false, "no leaf certificate");
  } else if (!IsP384(leaf_key)) {
    add(kCheckLeafKey, false, "the leaf key is not ECDSA P-384");
  } else if ((X509_get_extension_flags(leaf) & EXFLAG_KUSAGE) &&
             !(X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE)) {
    add(kCheckLeafKey, false, "the leaf key usage excludes digitalSignature");
  } else {
    leaf_ok = true;
    add(kCheckLeafKey, true, "ECDSA P-384, digitalSignature; ueid " + v.ueid);
  }

  // 5. FWID: the leaf's TCG DICE FWID equals the signed opaque FWID.
  if (!leaf || !report) {
    add(kCheckFwid, false,
        "not checked: " +
            std::string(!report ? "no parsed report" : "no leaf certificate"));
  } else {
    std::string detail;
    bool ok = false;
    static const ASN1_OBJECT* const kFwidOid = OBJ_txt2obj("2.23.133.5.4.1", 1);
    const int pos = X509_get_ext_by_OBJ(leaf, kFwidOid, -1);
    const OpaqueField* opaque_fwid = report->Find(OpaqueType::kFwid);
    if (pos < 0) {
      detail = "the leaf has no FWID extension (2.23.133.5.4.1)";
    } else if (!opaque_fwid || opaque_fwid->data.size() != kFwidLength) {
      detail = "the report has no 48-byte opaque FWID";
    } else {
      const ASN1_OCTET_STRING* ext =
          X509_EXTENSION_get_data(X509_get_ext(leaf, pos));
      const uint8_t* d = ASN1_STRING_get0_data(ext);
      const size_t n = static_cast<size_t>(ASN1_STRING_length(ext));
      const size_t tail = kFwidLength + sizeof(kFwidPrefix);
      if (n < tail ||
          std::memcmp(d + n - tail, kFwidPrefix, sizeof(kFwidPrefix)) != 0) {
        detail = "the leaf FWID extension does not end in a SHA-384 FWID";
      } else if (std::memcmp(d + n - kFwidLength, opaque_fwid->data.data(),
                             kFwidLength) != 0) {
        detail = "leaf " + ToHex(std::span(d + n - kFwidLength, kFwidLength)) +
                 " != report " + v.fwid_hex;
      } else {
        ok = true;
        detail = v.fwid_hex;
      }
    }
    add(kCheckFwid, ok, detail);
  }

  // 6. Signature: ECDSA P-384 / SHA-384 over request || response[:-96].
  if (!report || !leaf_ok) {
    add(kCheckSignature, false,
        "not checked: " +
            std::string(!report ? "no parsed report" : "no usable leaf key"));
  } else {
    const std::vector<uint8_t> der = RawSignatureToDer(report->signature);
    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> md(EVP_MD_CTX_new());
    const bool ok = !der.empty() && md &&
                    EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha384(),
                                         nullptr, leaf_key) == 1 &&
                    EVP_DigestVerify(md.get(), der.data(), der.size(),
                                     report->signed_bytes.data(),
                                     report->signed_bytes.size()) == 1;
    ERR_clear_error();
    add(kCheckSignature, ok,
        ok ? "ECDSA P-384/SHA-384 over " +
                 std::to_string(report->signed_bytes.size()) +
                 " bytes verifies with the leaf key"
           : "ECDSA P-384/SHA-384 signature over the request and response "
             "does not verify with the leaf key (report altered or not "
             "signed by this GPU)");
  }

  // 7. Freshness: the request carries the nonce this verifier chose.
  if (request.expected_nonce.size() != kSpdmNonceLength) {
    add(kCheckNonce, false,
        "the expected nonce must be 32 bytes, got " +
            std::to_string(request.expected_nonce.size()));
  } else if (!report) {
    add(kCheckNonce, false, "not checked: no parsed report");
  } else if (!std::equal(report->nonce.begin(), report->nonce.end(),
                         request.expected_nonce.begin())) {
    add(kCheckNonce, false,
        "report nonce " + ToHex(report->nonce) + " != expected " +
            ToHex(request.expected_nonce) + " (stale or replayed report)");
  } else {
    add(kCheckNonce, true, ToHex(report->nonce));
  }

  // 8. Product: the signed identity codes must be on the allow-list.
  if (!report) {
    add(kCheckProduct, false, "not checked: no parsed report");
  } else {
    const std::string tuple =
        v.project + "/" + v.project_sku + "/" + v.chip_sku;
    const Product* found = nullptr;
    for (const Product& p : state_->products) {
      if (p.project == Upper(v.project) && p.project_sku == v.project_sku &&
          p.chip_sku == v.chip_sku) {
        found = &p;
        break;
      }
    }
    if (!found) {
      add(kCheckProduct, false,
          "PROJECT/PROJECT_SKU/CHIP_SKU " + tuple +
              " is not on the allow-list (unknown product: not approved)");
    } else {
      v.product = found->product;
      v.product_candidates = found->candidates;
      v.catalog_models = found->catalog_models;
      v.product_verified_on_hardware = found->verified_on_hardware;
      add(kCheckProduct, true,
          tuple + " -> " + found->product +
              (found->verified_on_hardware ? ""
                                           : " (mapping not yet verified on "
                                             "known-good hardware)"));
    }
  }

  // 9. RIMs (optional): signatures, versions, golden measurements.
  if (!evidence.rims.empty()) {
    std::vector<Rim> rims;
    bool rims_ok = true;
    for (size_t i = 0; i < evidence.rims.size(); ++i) {
      const std::string label = i < evidence.rim_names.size()
                                    ? evidence.rim_names[i]
                                    : "RIM " + std::to_string(i + 1);
      auto rim = VerifyRim(evidence.rims[i], state_->rim_root_pem, request.at);
      if (!rim) {
        rims_ok = false;
        add(kCheckRimSignature, false, label + ": " + rim.error().message());
      } else {
        add(kCheckRimSignature, true,
            label + ": signed by " + rim->signer + ", version " +
                rim->colloquial_version);
        rims.push_back(std::move(*rim));
      }
    }
    bool have_driver = false, have_vbios = false;
    std::string versions_detail;
    for (const Rim& rim : rims) {
      const std::string rv = Upper(rim.colloquial_version);
      if (report && !v.driver_version.empty() &&
          rv == Upper(v.driver_version)) {
        have_driver = true;
      } else if (report && !v.vbios_version.empty() &&
                 rv == Upper(v.vbios_version)) {
        have_vbios = true;
      } else {
        versions_detail +=
            (versions_detail.empty() ? "" : "; ") +
            std::string("RIM version ") + rim.colloquial_version +
            " is neither the report's driver (" + v.driver_version +
            ") nor VBIOS (" + v.vbios_version + ")";
      }
    }
    if (!have_driver) {
      versions_detail += (versions_detail.empty() ? "" : "; ") +
                         std::string("no verified driver RIM for ") +
                         v.driver_version;
    }
    if (!have_vbios) {
      versions_detail += (versions_detail.empty() ? "" : "; ") +
                         std::string("no verified VBIOS RIM for ") +
                         v.vbios_version;
    }
    const bool versions_ok = versions_detail.empty();
    add(kCheckRimVersions, versions_ok,
        versions_ok
            ? "driver " + v.driver_version + " and VBIOS " + v.vbios_version
            : versions_detail);
    if (!report || rims.empty()) {
      add(kCheckMeasurements, false, "not checked: no parsed report or RIM");
    } else {
      const GoldenComparison cmp = CompareGoldenMeasurements(rims, *report);
      std::string detail = std::to_string(cmp.compared) + " compared, " +
                           std::to_string(cmp.skipped) + " skipped";
      for (size_t i = 0; i < cmp.mismatches.size() && i < 5; ++i) {
        detail += "; " + cmp.mismatches[i];
      }
      if (cmp.mismatches.size() > 5) {
        detail +=
            "; and " + std::to_string(cmp.mismatches.size() - 5) + " more";
      }
      add(kCheckMeasurements, cmp.ok, detail);
      v.measurements_verified = cmp.ok && rims_ok && versions_ok;
    }
  }

  v.ok =
      !v.checks.empty() && std::all_of(v.checks.begin(), v.checks.end(),
                                       [](const Check& c) { return c.passed; });
  for (const Check& c : v.checks) {
    if (!c.passed) {
      v.failed_check = c.name;
      break;
    }
  }
  return v;
}

}  // namespace clearance::attest
