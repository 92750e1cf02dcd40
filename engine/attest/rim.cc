#include "engine/attest/rim.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/x509.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/openssl/x509.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <set>

namespace clearance::attest {

namespace {

constexpr const char* kSha384Ns = "http://www.w3.org/2001/04/xmlenc#sha384";

// xmlsec reports errors through a global callback; keep the first error of
// the current verification (per thread) for the message instead of
// printing to stderr.
thread_local std::string* t_xmlsec_error = nullptr;

void XmlsecErrorCallback(const char* /*file*/, int /*line*/, const char* func,
                         const char* /*error_object*/,
                         const char* /*error_subject*/, int reason,
                         const char* msg) {
  if (!t_xmlsec_error || !t_xmlsec_error->empty()) return;
  (void)reason;
  *t_xmlsec_error =
      std::string(func ? func : "xmlsec") + ": " + (msg ? msg : "error");
}

void SilentXmlError(void*, const char*, ...) {}

// Initialises libxml2 and xmlsec (OpenSSL backend) once per process.
Result<void> InitXmlsec() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    xmlInitParser();
    if (xmlSecInit() < 0) return;
    if (xmlSecCheckVersion() != 1) return;
    if (xmlSecCryptoAppInit(nullptr) < 0) return;
    if (xmlSecCryptoInit() < 0) return;
    xmlSecErrorsSetCallback(XmlsecErrorCallback);
    ok = true;
  });
  if (!ok) return Fail(ErrorCode::kInternal, "xmlsec initialisation failed");
  return Ok();
}

struct DocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

Result<DocPtr> ParseXml(std::string_view xml) {
  xmlSetGenericErrorFunc(nullptr, SilentXmlError);
  if (xml.size() > (64u << 20)) {
    return Fail(ErrorCode::kParse, "RIM is larger than 64 MiB");
  }
  DocPtr doc(xmlReadMemory(
      xml.data(), static_cast<int>(xml.size()), "rim.xml", nullptr,
      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc || !xmlDocGetRootElement(doc.get())) {
    return Fail(ErrorCode::kParse, "RIM is not well-formed XML");
  }
  return doc;
}

std::string Prop(xmlNode* node, const char* name, const char* ns = nullptr) {
  xmlChar* v = ns ? xmlGetNsProp(node, BAD_CAST name, BAD_CAST ns)
                  : xmlGetNoNsProp(node, BAD_CAST name);
  if (!v) return "";
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

bool IsElement(xmlNode* n, const char* local) {
  return n->type == XML_ELEMENT_NODE &&
         std::strcmp(reinterpret_cast<const char*>(n->name), local) == 0;
}

Result<int> ParseInt(const std::string& s, const std::string& what) {
  if (s.empty() || s.size() > 6) {
    return Fail(ErrorCode::kParse, what + ": '" + s + "' is not a number");
  }
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return Fail(ErrorCode::kParse, what + ": '" + s + "' is not a number");
    }
    v = v * 10 + (c - '0');
  }
  return v;
}

Result<Rim> ExtractRim(xmlDoc* doc) {
  xmlNode* root = xmlDocGetRootElement(doc);
  if (!IsElement(root, "SoftwareIdentity")) {
    return Fail(ErrorCode::kParse,
                "RIM root element is not SoftwareIdentity (SWID tag)");
  }
  Rim rim;
  rim.tag_id = Prop(root, "tagId");
  bool have_meta = false;
  bool have_payload = false;
  for (xmlNode* n = root->children; n; n = n->next) {
    if (IsElement(n, "Meta") && !have_meta) {
      have_meta = true;
      rim.colloquial_version = Prop(n, "colloquialVersion");
      rim.product = Prop(n, "product");
    } else if (IsElement(n, "Payload")) {
      have_payload = true;
      for (xmlNode* r = n->children; r; r = r->next) {
        if (!IsElement(r, "Resource")) continue;
        if (Prop(r, "type") != "Measurement") continue;
        GoldenMeasurement g;
        auto index = ParseInt(Prop(r, "index"), "Resource index");
        if (!index) return std::unexpected(index.error());
        g.index = *index;
        g.name = Prop(r, "name");
        g.active = Prop(r, "active") == "True" || Prop(r, "active") == "true";
        auto count =
            ParseInt(Prop(r, "alternatives"),
                     "Resource " + std::to_string(g.index) + " alternatives");
        if (!count) return std::unexpected(count.error());
        for (int k = 0; k < *count; ++k) {
          const std::string attr = "Hash" + std::to_string(k);
          const std::string hex = Prop(r, attr.c_str(), kSha384Ns);
          auto bytes = ParseHex(hex);
          if (hex.empty() || !bytes) {
            return Fail(ErrorCode::kParse, "Resource " +
                                               std::to_string(g.index) + ": " +
                                               attr + " missing or not hex");
          }
          g.alternatives.push_back(std::move(*bytes));
        }
        rim.measurements.push_back(std::move(g));
      }
    }
  }
  if (!have_meta || rim.colloquial_version.empty()) {
    return Fail(ErrorCode::kParse, "RIM has no Meta colloquialVersion");
  }
  if (!have_payload) return Fail(ErrorCode::kParse, "RIM has no Payload");
  return rim;
}

int CountSignatures(xmlNode* node) {
  int n = 0;
  for (xmlNode* c = node; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (IsElement(c, "Signature") && c->ns &&
        xmlStrEqual(c->ns->href, xmlSecDSigNs)) {
      ++n;
    }
    n += CountSignatures(c->children);
  }
  return n;
}

std::string SubjectCn(X509* cert) {
  if (!cert) return "";
  char buf[256] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf,
                            sizeof(buf));
  return buf;
}

struct MngrDeleter {
  void operator()(xmlSecKeysMngr* m) const { xmlSecKeysMngrDestroy(m); }
};
struct DsigDeleter {
  void operator()(xmlSecDSigCtx* c) const { xmlSecDSigCtxDestroy(c); }
};

}  // namespace

Result<Rim> ParseRim(std::string_view xml) {
  auto doc = ParseXml(xml);
  if (!doc) return std::unexpected(doc.error());
  return ExtractRim(doc->get());
}

Result<Rim> VerifyRim(std::string_view xml, std::string_view rim_root_pem,
                      std::chrono::system_clock::time_point at) {
  if (auto init = InitXmlsec(); !init) return std::unexpected(init.error());
  auto doc = ParseXml(xml);
  if (!doc) return std::unexpected(doc.error());
  xmlNode* root = xmlDocGetRootElement(doc->get());

  auto integrity = [](const std::string& m) {
    return Fail(ErrorCode::kIntegrity, "RIM signature: " + m);
  };
  // Exactly one signature, enveloped directly under the root: a second or
  // nested one could sign some other part of the document (wrapping).
  if (CountSignatures(root) != 1) {
    return integrity("expected exactly one ds:Signature, found " +
                     std::to_string(CountSignatures(root)));
  }
  xmlNode* sig = xmlSecFindChild(root, xmlSecNodeSignature, xmlSecDSigNs);
  if (!sig) return integrity("ds:Signature is not a child of the root");

  std::unique_ptr<xmlSecKeysMngr, MngrDeleter> mngr(xmlSecKeysMngrCreate());
  if (!mngr || xmlSecCryptoAppDefaultKeysMngrInit(mngr.get()) < 0) {
    return Fail(ErrorCode::kInternal, "xmlsec keys manager");
  }
  if (xmlSecCryptoAppKeysMngrCertLoadMemory(
          mngr.get(), reinterpret_cast<const xmlSecByte*>(rim_root_pem.data()),
          static_cast<xmlSecSize>(rim_root_pem.size()), xmlSecKeyDataFormatPem,
          xmlSecKeyDataTypeTrusted) < 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "the RIM root is not a PEM certificate");
  }
  std::unique_ptr<xmlSecDSigCtx, DsigDeleter> ctx(
      xmlSecDSigCtxCreate(mngr.get()));
  if (!ctx) return Fail(ErrorCode::kInternal, "xmlsec signature context");
  ctx->keyInfoReadCtx.certsVerificationTime =
      std::chrono::system_clock::to_time_t(at);
  // The key must come from an X.509 certificate that chains to the pinned
  // root: no bare KeyValue, no KeyName lookups, no external references.
  if (xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData,
                       BAD_CAST xmlSecKeyDataX509Id) < 0) {
    return Fail(ErrorCode::kInternal, "xmlsec key data list");
  }
  ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;

  std::string error;
  t_xmlsec_error = &error;
  const int rc = xmlSecDSigCtxVerify(ctx.get(), sig);
  t_xmlsec_error = nullptr;
  if (rc < 0 || !ctx->signKey) {
    if (error.find("verify") != std::string::npos ||
        error.find("X509") != std::string::npos ||
        error.find("x509") != std::string::npos || !ctx->signKey) {
      return integrity(
          "no signing key: the KeyInfo certificate chain does not verify to "
          "the pinned RIM root as of the verification time" +
          (error.empty() ? std::string() : " (" + error + ")"));
    }
    return integrity("verification failed" +
                     (error.empty() ? std::string() : " (" + error + ")"));
  }
  if (ctx->status != xmlSecDSigStatusSucceeded) {
    // Either the SignatureValue does not verify over SignedInfo or a
    // Reference digest differs (the signed content was changed).
    std::string which = "signature value does not verify";
    for (xmlSecSize i = 0; i < xmlSecPtrListGetSize(&ctx->signedInfoReferences);
         ++i) {
      auto* ref = static_cast<xmlSecDSigReferenceCtx*>(
          xmlSecPtrListGetItem(&ctx->signedInfoReferences, i));
      if (ref && ref->status != xmlSecDSigStatusSucceeded) {
        which = "digest of the signed document differs (content changed)";
      }
    }
    return integrity(which);
  }
  if (xmlSecPtrListGetSize(&ctx->signedInfoReferences) != 1) {
    return integrity("expected one Reference");
  }
  auto* ref = static_cast<xmlSecDSigReferenceCtx*>(
      xmlSecPtrListGetItem(&ctx->signedInfoReferences, 0));
  if (!ref || !ref->uri || ref->uri[0] != 0) {
    return integrity("the Reference does not cover the whole document");
  }
  X509* signer = nullptr;
  if (xmlSecKeyDataPtr x509 =
          xmlSecKeyGetData(ctx->signKey, xmlSecOpenSSLKeyDataX509Id)) {
    signer = xmlSecOpenSSLKeyDataX509GetKeyCert(x509);
  }
  if (!signer) return integrity("signing key has no certificate");

  auto rim = ExtractRim(doc->get());
  if (!rim) return std::unexpected(rim.error());
  rim->signature_verified = true;
  rim->signer = SubjectCn(signer);
  return rim;
}

GoldenComparison CompareGoldenMeasurements(const std::vector<Rim>& rims,
                                           const SpdmReport& report) {
  GoldenComparison out;
  const OpaqueField* nvdec = report.Find(OpaqueType::kNvdec0Status);
  const bool nvdec_disabled =
      nvdec && nvdec->data.size() == 1 && nvdec->data[0] == 0x55;
  std::set<int> seen;
  for (const Rim& rim : rims) {
    for (const GoldenMeasurement& g : rim.measurements) {
      if (!g.active) continue;
      if (!seen.insert(g.index).second) {
        out.mismatches.push_back("index " + std::to_string(g.index) +
                                 " is listed by two RIMs");
        continue;
      }
      if (g.index == 35 && nvdec_disabled) {
        ++out.skipped;
        continue;
      }
      ++out.compared;
      const MeasurementBlock* m = report.Measurement(g.index + 1);
      if (!m) {
        out.mismatches.push_back("index " + std::to_string(g.index) + " (" +
                                 g.name + "): not in the report");
        continue;
      }
      bool match = false;
      for (const auto& alt : g.alternatives) match = match || alt == m->value;
      if (!match) {
        out.mismatches.push_back(
            "index " + std::to_string(g.index) + " (" + g.name + "): report " +
            ToHex(m->value).substr(0, 16) + "... matches none of " +
            std::to_string(g.alternatives.size()) + " golden value(s) of RIM " +
            rim.colloquial_version);
      }
    }
  }
  out.ok = out.mismatches.empty() && out.compared > 0;
  return out;
}

}  // namespace clearance::attest
