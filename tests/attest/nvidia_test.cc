// NVIDIA attestation verification (docs/attestation.md) on NVIDIA's real
// Hopper sample evidence (shared data attestation/nvidia_nvtrust_samples):
// the sample verifies fully; any changed byte, a wrong nonce, another root,
// a re-ordered or short chain, an unknown product, or a tampered RIM fails
// with the failing check named.
#include "engine/attest/nvidia.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "engine/attest/rim.h"
#include "engine/attest/spdm.h"
#include "tests/test_support.h"

namespace clearance::attest {
namespace {

using std::chrono::sys_days;
using std::chrono::system_clock;

constexpr const char* kDir = "attestation/nvidia_nvtrust_samples/";

// The sample certificates are valid 2022..9999; the sample RIM signers
// 2023-06-23..2025-06-22. Tests pin the verification time inside both.
system_clock::time_point SampleTime() {
  return sys_days(std::chrono::year{2024} / 6 / 1);
}

struct Sample {
  std::vector<uint8_t> report;
  std::string chain;
  std::vector<uint8_t> nonce;  // from the sample's own request
};

// Loads the sample, or returns false (the caller skips).
bool LoadSample(Sample* s) {
  const std::string report = testing::SharedDataFile(
      std::string(kDir) + "hopperAttestationReport.txt");
  const std::string chain =
      testing::SharedDataFile(std::string(kDir) + "hopperCertChain.txt");
  if (report.empty() || chain.empty()) return false;
  auto bytes = ParseHex(testing::ReadFile(report));
  EXPECT_TRUE(bytes.has_value());
  if (!bytes) return false;
  s->report = std::move(*bytes);
  s->chain = testing::ReadFile(chain);
  // The verifier's nonce is request bytes 4..35 (SPDM GET_MEASUREMENTS).
  s->nonce.assign(s->report.begin() + 4, s->report.begin() + 36);
  return true;
}

#define LOAD_SAMPLE_OR_SKIP(s)                              \
  Sample s;                                                 \
  if (!LoadSample(&s)) {                                    \
    GTEST_SKIP() << "shared data " << kDir << " is absent"; \
  }

std::unique_ptr<NvidiaVerifier> Pinned() {
  auto v = NvidiaVerifier::Create({});
  EXPECT_TRUE(v.has_value()) << v.error().ToString();
  return std::move(*v);
}

NvidiaVerdict VerifySample(const NvidiaVerifier& verifier, const Sample& s,
                           std::vector<uint8_t> report = {}) {
  NvidiaEvidence e;
  e.report = report.empty() ? s.report : std::move(report);
  e.cert_chain_pem = s.chain;
  return verifier.Verify(e, {.expected_nonce = s.nonce, .at = SampleTime()});
}

std::string Describe(const NvidiaVerdict& v) {
  std::string out;
  for (const Check& c : v.checks) {
    out += (c.passed ? "  ok   " : "  FAIL ") + c.name + ": " + c.detail + "\n";
  }
  return out;
}

const Check* FindCheck(const NvidiaVerdict& v, const std::string& name) {
  for (const Check& c : v.checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// ---------------------------------------------------------------- parsing

TEST(SpdmReport, ParsesTheSample) {
  LOAD_SAMPLE_OR_SKIP(s);
  ASSERT_EQ(s.report.size(), 4117u);
  auto r = ParseSpdmReport(s.report);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->request_version, 0x11);
  EXPECT_EQ(r->request_code, 0xE0);
  EXPECT_EQ(r->request_param1, 0x01);
  EXPECT_EQ(r->request_param2, 0xFF);
  EXPECT_EQ(r->response_code, 0x60);
  ASSERT_EQ(r->measurements.size(), 64u);
  for (size_t i = 0; i < r->measurements.size(); ++i) {
    EXPECT_EQ(r->measurements[i].index, i + 1);
    EXPECT_EQ(r->measurements[i].value.size(), 48u);
  }
  EXPECT_EQ(r->Text(OpaqueType::kDriverVersion), "550.90.07");
  EXPECT_EQ(r->VbiosVersion(), "96.00.9F.00.01");
  EXPECT_EQ(r->Text(OpaqueType::kProject), "1010");
  EXPECT_EQ(r->Text(OpaqueType::kProjectSku), "0200");
  EXPECT_EQ(r->Text(OpaqueType::kChipSku), "882");
  ASSERT_NE(r->Find(OpaqueType::kFwid), nullptr);
  EXPECT_EQ(r->Find(OpaqueType::kFwid)->data.size(), 48u);
  EXPECT_EQ(r->signed_bytes.size(), 4117u - 96u);
  EXPECT_EQ(OpaqueTypeName(20), "FWID");
  EXPECT_EQ(OpaqueTypeName(999), "TYPE_999");
}

TEST(SpdmReport, EveryTruncationIsAnErrorNotACrash) {
  LOAD_SAMPLE_OR_SKIP(s);
  for (size_t n = 0; n < s.report.size(); n += 7) {
    auto r = ParseSpdmReport(std::span(s.report).first(n));
    EXPECT_FALSE(r.has_value()) << n;
  }
  std::vector<uint8_t> longer = s.report;
  longer.push_back(0);
  auto r = ParseSpdmReport(longer);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::kParse);
}

TEST(SpdmReport, HexText) {
  auto ok = ParseHex("0a Ff\n10");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, (std::vector<uint8_t>{0x0a, 0xff, 0x10}));
  EXPECT_FALSE(ParseHex("abc").has_value());
  auto bad = ParseHex("0g");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("offset 1"), std::string::npos);
  EXPECT_EQ(ToHex(*ok), "0aff10");
}

// ------------------------------------------------------- the full sample

TEST(NvidiaVerifier, SampleVerifiesFully) {
  LOAD_SAMPLE_OR_SKIP(s);
  auto verifier = Pinned();
  const NvidiaVerdict v = VerifySample(*verifier, s);
  EXPECT_TRUE(v.ok) << Describe(v);
  EXPECT_EQ(v.failed_check, "");
  for (const char* name : {kCheckReportParses, kCheckChainLength,
                           kCheckChainVerifies, kCheckLeafKey, kCheckFwid,
                           kCheckSignature, kCheckNonce, kCheckProduct}) {
    const Check* c = FindCheck(v, name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_TRUE(c->passed) << name << ": " << c->detail;
  }
  EXPECT_EQ(v.hwmodel, "GH100 A01 GSP BROM");
  EXPECT_FALSE(v.ueid.empty());
  EXPECT_EQ(v.driver_version, "550.90.07");
  EXPECT_EQ(v.vbios_version, "96.00.9F.00.01");
  EXPECT_EQ(v.project + "/" + v.project_sku + "/" + v.chip_sku,
            "1010/0200/882");
  EXPECT_FALSE(v.product.empty());
  EXPECT_FALSE(v.product_candidates.empty());
  EXPECT_FALSE(v.measurements_verified);  // no RIM given
  EXPECT_NE(v.Summary().find("verified: "), std::string::npos);
}

TEST(NvidiaVerifier, VerifiesAtTheCurrentTimeByDefault) {
  LOAD_SAMPLE_OR_SKIP(s);
  NvidiaEvidence e{s.report, s.chain, {}, {}};
  const NvidiaVerdict v = Pinned()->Verify(e, {.expected_nonce = s.nonce});
  EXPECT_TRUE(v.ok) << Describe(v);  // the device chain runs to 9999
}

// ------------------------------------------------ any changed byte fails

TEST(NvidiaVerifier, AnyChangedByteFails) {
  LOAD_SAMPLE_OR_SKIP(s);
  auto verifier = Pinned();
  auto parsed = ParseSpdmReport(s.report);
  ASSERT_TRUE(parsed.has_value());
  const size_t n = s.report.size();
  // Every request byte, the response header, then evenly spaced positions
  // over measurements, responder nonce, opaque data and the whole
  // signature: 200+ positions covering every region.
  std::set<size_t> positions;
  for (size_t i = 0; i < 45; ++i) positions.insert(i);
  for (size_t i = 45; i < n - 96; i += 31) positions.insert(i);
  for (size_t i = n - 96 - 430; i < n - 96; i += 9)
    positions.insert(i);                                       // opaque
  for (size_t i = n - 96; i < n; i += 3) positions.insert(i);  // signature
  positions.insert(n - 1);
  ASSERT_GE(positions.size(), 200u);
  const std::set<std::string> expected_names = {kCheckReportParses,
                                                kCheckSignature};
  for (size_t pos : positions) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}}) {
      std::vector<uint8_t> bad = s.report;
      bad[pos] ^= mask;
      const NvidiaVerdict v = VerifySample(*verifier, s, bad);
      ASSERT_FALSE(v.ok) << "byte " << pos << " ^ " << int{mask}
                         << " still verifies";
      EXPECT_FALSE(v.failed_check.empty());
      // Whatever else notices (nonce, FWID, product), either the structure
      // or the signature check must fail.
      bool named = false;
      for (const Check& c : v.checks) {
        named = named || (!c.passed && expected_names.count(c.name));
      }
      EXPECT_TRUE(named) << "byte " << pos << "\n" << Describe(v);
      EXPECT_NE(v.Summary().find("FAILED at " + v.failed_check),
                std::string::npos);
    }
  }
}

TEST(NvidiaVerifier, ChangedSignatureNamesTheSignatureCheck) {
  LOAD_SAMPLE_OR_SKIP(s);
  std::vector<uint8_t> bad = s.report;
  bad[bad.size() - 10] ^= 0x04;
  const NvidiaVerdict v = VerifySample(*Pinned(), s, bad);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.failed_check, kCheckSignature) << Describe(v);
}

TEST(NvidiaVerifier, ChangedFwidFailsFwidAndSignature) {
  LOAD_SAMPLE_OR_SKIP(s);
  auto r = ParseSpdmReport(s.report);
  ASSERT_TRUE(r.has_value());
  const std::vector<uint8_t>& fwid = r->Find(OpaqueType::kFwid)->data;
  auto it =
      std::search(s.report.begin(), s.report.end(), fwid.begin(), fwid.end());
  ASSERT_NE(it, s.report.end());
  std::vector<uint8_t> bad = s.report;
  bad[static_cast<size_t>(it - s.report.begin()) + 5] ^= 0x10;
  const NvidiaVerdict v = VerifySample(*Pinned(), s, bad);
  EXPECT_EQ(v.failed_check, kCheckFwid) << Describe(v);
  EXPECT_FALSE(FindCheck(v, kCheckSignature)->passed);
}

// ------------------------------------------------------------ freshness

TEST(NvidiaVerifier, WrongNonceFails) {
  LOAD_SAMPLE_OR_SKIP(s);
  auto verifier = Pinned();
  NvidiaEvidence e{s.report, s.chain, {}, {}};
  std::vector<uint8_t> other = s.nonce;
  other[31] ^= 1;
  NvidiaVerdict v =
      verifier->Verify(e, {.expected_nonce = other, .at = SampleTime()});
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.failed_check, kCheckNonce) << Describe(v);
  EXPECT_NE(FindCheck(v, kCheckNonce)->detail.find("replayed"),
            std::string::npos);
  // Everything else still holds: it is a genuine but stale report.
  EXPECT_TRUE(FindCheck(v, kCheckSignature)->passed);

  v = verifier->Verify(e, {.expected_nonce = {1, 2, 3}, .at = SampleTime()});
  EXPECT_EQ(v.failed_check, kCheckNonce);
}

// ----------------------------------------------------------------- chain

// A throwaway P-384 CA hierarchy made with OpenSSL, to play an attacker.
struct Key {
  EVP_PKEY* pkey = nullptr;
  Key() : pkey(EVP_EC_gen("secp384r1")) {}
  ~Key() { EVP_PKEY_free(pkey); }
};

X509* MakeCert(const std::string& cn, Key& key, X509* issuer, Key& issuer_key,
               bool ca, const X509_EXTENSION* extra = nullptr) {
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600L * 24 * 365 * 10);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 365 * 10);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()),
                             -1, -1, 0);
  X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(x, key.pkey);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : x, x, nullptr, nullptr, 0);
  auto add = [&](int nid, const char* value) {
    X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
  };
  add(NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add(NID_key_usage,
      ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  if (extra) X509_add_ext(x, const_cast<X509_EXTENSION*>(extra), -1);
  X509_sign(x, issuer_key.pkey, EVP_sha384());
  return x;
}

std::string Pem(X509* x) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string s(data, static_cast<size_t>(n));
  BIO_free(bio);
  return s;
}

std::vector<std::string> SplitPem(const std::string& pem) {
  std::vector<std::string> out;
  const std::string end = "-----END CERTIFICATE-----";
  size_t start = 0;
  while (true) {
    const size_t b = pem.find("-----BEGIN CERTIFICATE-----", start);
    if (b == std::string::npos) break;
    const size_t e = pem.find(end, b);
    out.push_back(pem.substr(b, e + end.size() - b) + "\n");
    start = e + end.size();
  }
  return out;
}

TEST(NvidiaVerifier, AnotherRootFails) {
  LOAD_SAMPLE_OR_SKIP(s);
  Key root_key;
  X509* root = MakeCert("Throwaway Device Identity CA", root_key, nullptr,
                        root_key, true);
  // The genuine evidence against a verifier pinned to another root.
  auto other = NvidiaVerifier::Create({.device_root_pem = Pem(root)});
  ASSERT_TRUE(other.has_value()) << other.error().ToString();
  NvidiaVerdict v = VerifySample(**other, s);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.failed_check, kCheckChainVerifies) << Describe(v);
  EXPECT_NE(FindCheck(v, kCheckChainVerifies)->detail.find("pinned"),
            std::string::npos);
  X509_free(root);
}

TEST(NvidiaVerifier, ForgedChainAndReportFailOnlyAtThePinnedRoot) {
  LOAD_SAMPLE_OR_SKIP(s);
  // An attacker builds a 5-certificate chain of its own, copies the
  // genuine leaf's FWID extension and re-signs the genuine report with its
  // leaf key. Everything is self-consistent; only the root differs.
  const std::vector<std::string> genuine = SplitPem(s.chain);
  ASSERT_EQ(genuine.size(), 5u);
  BIO* bio = BIO_new_mem_buf(genuine[0].data(), -1);
  X509* real_leaf = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(real_leaf, nullptr);
  ASN1_OBJECT* fwid_oid = OBJ_txt2obj("2.23.133.5.4.1", 1);
  const X509_EXTENSION* fwid_ext =
      X509_get_ext(real_leaf, X509_get_ext_by_OBJ(real_leaf, fwid_oid, -1));

  Key k_root, k_identity, k_ica, k_brom, k_leaf;
  X509* root =
      MakeCert("Fake Device Identity CA", k_root, nullptr, k_root, true);
  X509* identity =
      MakeCert("Fake GH100 Identity", k_identity, root, k_root, true);
  X509* ica =
      MakeCert("Fake Provisioner ICA", k_ica, identity, k_identity, true);
  X509* brom = MakeCert("GH100 A01 GSP BROM", k_brom, ica, k_ica, true);
  X509* leaf =
      MakeCert("GH100 A01 GSP FMC LF", k_leaf, brom, k_brom, false, fwid_ext);
  const std::string chain =
      Pem(leaf) + Pem(brom) + Pem(ica) + Pem(identity) + Pem(root);

  // Re-sign request || response with the fake leaf key, as r || s.
  std::vector<uint8_t> forged = s.report;
  const size_t body = forged.size() - 96;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  size_t der_len = 0;
  ASSERT_EQ(EVP_DigestSignInit(md, nullptr, EVP_sha384(), nullptr, k_leaf.pkey),
            1);
  ASSERT_EQ(EVP_DigestSign(md, nullptr, &der_len, forged.data(), body), 1);
  std::vector<uint8_t> der(der_len);
  ASSERT_EQ(EVP_DigestSign(md, der.data(), &der_len, forged.data(), body), 1);
  EVP_MD_CTX_free(md);
  const unsigned char* p = der.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len));
  ASSERT_NE(sig, nullptr);
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), forged.data() + body, 48);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), forged.data() + body + 48, 48);
  ECDSA_SIG_free(sig);

  NvidiaEvidence e{forged, chain, {}, {}};
  const NvidiaVerifyRequest req{.expected_nonce = s.nonce, .at = SampleTime()};
  NvidiaVerdict v = Pinned()->Verify(e, req);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.failed_check, kCheckChainVerifies) << Describe(v);
  EXPECT_TRUE(FindCheck(v, kCheckSignature)->passed) << Describe(v);
  EXPECT_TRUE(FindCheck(v, kCheckFwid)->passed) << Describe(v);

  // Pinned to the attacker's root, the same evidence verifies: the pinned
  // root is what rejects it above, and the test's forgery is well formed.
  auto fooled = NvidiaVerifier::Create({.device_root_pem = Pem(root)});
  ASSERT_TRUE(fooled.has_value());
  v = (*fooled)->Verify(e, req);
  EXPECT_TRUE(v.ok) << Describe(v);

  for (X509* x : {root, identity, ica, brom, leaf, real_leaf}) X509_free(x);
  ASN1_OBJECT_free(fwid_oid);
}

TEST(NvidiaVerifier, ChainMustBeFiveCertificatesInOrder) {
  LOAD_SAMPLE_OR_SKIP(s);
  auto verifier = Pinned();
  std::vector<std::string> certs = SplitPem(s.chain);
  ASSERT_EQ(certs.size(), 5u);
  auto verify = [&](const std::string& chain) {
    NvidiaEvidence e{s.report, chain, {}, {}};
    return verifier->Verify(e, {.expected_nonce = s.nonce, .at = SampleTime()});
  };
  NvidiaVerdict v = verify(certs[0] + certs[1] + certs[2] + certs[3]);
  EXPECT_EQ(v.failed_check, kCheckChainLength) << Describe(v);
  v = verify(certs[0] + certs[2] + certs[1] + certs[3] + certs[4]);
  EXPECT_EQ(v.failed_check, kCheckChainVerifies) << Describe(v);
  v = verify(certs[1] + certs[0] + certs[2] + certs[3] + certs[4]);
  EXPECT_FALSE(v.ok);
  v = verify(certs[0] + certs[1] + certs[2] + certs[3] + certs[3]);
  EXPECT_EQ(v.failed_check, kCheckChainVerifies) << Describe(v);
  v = verify("");
  EXPECT_EQ(v.failed_check, kCheckChainLength);
}

TEST(NvidiaVerifier, ChainIsCheckedAsOfTheVerificationTime) {
  LOAD_SAMPLE_OR_SKIP(s);
  NvidiaEvidence e{s.report, s.chain, {}, {}};
  // The GH100 Identity CA is valid from 2022-01-12.
  const NvidiaVerdict v =
      Pinned()->Verify(e, {.expected_nonce = s.nonce,
                           .at = sys_days(std::chrono::year{2021} / 12 / 1)});
  EXPECT_EQ(v.failed_check, kCheckChainVerifies) << Describe(v);
  EXPECT_NE(FindCheck(v, kCheckChainVerifies)->detail.find("not yet valid"),
            std::string::npos)
      << Describe(v);
}

// --------------------------------------------------------------- product

TEST(NvidiaVerifier, UnknownProductIsNotApproved) {
  LOAD_SAMPLE_OR_SKIP(s);
  auto verifier = NvidiaVerifier::Create(
      {.products_json = R"({"products": [{"project": "G520",
        "project_sku": "0200", "chip_sku": "885", "product": "HGX"}]})"});
  ASSERT_TRUE(verifier.has_value());
  const NvidiaVerdict v = VerifySample(**verifier, s);
  EXPECT_EQ(v.failed_check, kCheckProduct) << Describe(v);
  EXPECT_EQ(v.product, "");
  EXPECT_NE(FindCheck(v, kCheckProduct)->detail.find("1010/0200/882"),
            std::string::npos);

  EXPECT_FALSE(NvidiaVerifier::Create({.products_json = "{"}).has_value());
  EXPECT_FALSE(
      NvidiaVerifier::Create({.products_json = R"({"products": [{}]})"})
          .has_value());
  EXPECT_FALSE(NvidiaVerifier::Create({.device_root_pem = "nope"}).has_value());
}

// ------------------------------------------------------------------- RIM

std::string ReadRim(const std::string& name) {
  const std::string path = testing::SharedDataFile(std::string(kDir) + name);
  return path.empty() ? "" : testing::ReadFile(path);
}

constexpr const char* kVbiosRim = "1010_0200_882_96005E0001_PROD.swidtag";

TEST(Rim, SampleRimSignatureVerifiesToThePinnedRoot) {
  const std::string xml = ReadRim(kVbiosRim);
  if (xml.empty()) GTEST_SKIP() << "shared data absent";
  auto rim = VerifyRim(xml, PinnedRimRootPem(), SampleTime());
  ASSERT_TRUE(rim.has_value()) << rim.error().ToString();
  EXPECT_TRUE(rim->signature_verified);
  EXPECT_EQ(rim->colloquial_version, "96.00.5E.00.01");
  EXPECT_EQ(rim->product, "GH100");
  EXPECT_EQ(rim->signer, "HCC RIM L4 Signer");
  ASSERT_FALSE(rim->measurements.empty());
  EXPECT_EQ(rim->measurements[1].index, 1);
  EXPECT_EQ(rim->measurements[1].alternatives.at(0).size(), 48u);
}

TEST(Rim, ExpiredSignerFails) {
  const std::string xml = ReadRim(kVbiosRim);
  if (xml.empty()) GTEST_SKIP() << "shared data absent";
  // The L4 signer expired on 2025-06-22.
  auto rim = VerifyRim(xml, PinnedRimRootPem(),
                       sys_days(std::chrono::year{2026} / 1 / 1));
  ASSERT_FALSE(rim.has_value());
  EXPECT_EQ(rim.error().code(), ErrorCode::kIntegrity);
  EXPECT_NE(rim.error().message().find("pinned RIM root"), std::string::npos)
      << rim.error().message();
}

TEST(Rim, TamperedGoldenValueFails) {
  std::string xml = ReadRim(kVbiosRim);
  if (xml.empty()) GTEST_SKIP() << "shared data absent";
  const size_t at = xml.find("ns2:Hash0=\"c3f65ef7");
  ASSERT_NE(at, std::string::npos);
  xml[at + 11] = 'd';  // c3.. -> d3..
  auto parsed = ParseRim(xml);
  ASSERT_TRUE(parsed.has_value());  // still well-formed
  auto rim = VerifyRim(xml, PinnedRimRootPem(), SampleTime());
  ASSERT_FALSE(rim.has_value());
  EXPECT_NE(rim.error().message().find("content changed"), std::string::npos)
      << rim.error().message();
}

TEST(Rim, TamperedSignatureValueFails) {
  std::string xml = ReadRim(kVbiosRim);
  if (xml.empty()) GTEST_SKIP() << "shared data absent";
  const size_t at = xml.find("<ds:SignatureValue>");
  ASSERT_NE(at, std::string::npos);
  char& c = xml[at + 19 + 10];
  c = c == 'A' ? 'B' : 'A';
  auto rim = VerifyRim(xml, PinnedRimRootPem(), SampleTime());
  ASSERT_FALSE(rim.has_value());
  EXPECT_EQ(rim.error().code(), ErrorCode::kIntegrity);
}

TEST(Rim, AnotherRootFails) {
  const std::string xml = ReadRim(kVbiosRim);
  if (xml.empty()) GTEST_SKIP() << "shared data absent";
  Key key;
  X509* root = MakeCert("Throwaway RIM Root", key, nullptr, key, true);
  auto rim = VerifyRim(xml, Pem(root), SampleTime());
  X509_free(root);
  ASSERT_FALSE(rim.has_value());
  EXPECT_NE(rim.error().message().find("pinned RIM root"), std::string::npos);
}

TEST(Rim, GoldenComparison) {
  LOAD_SAMPLE_OR_SKIP(s);
  auto report = ParseSpdmReport(s.report);
  ASSERT_TRUE(report.has_value());
  // Golden values taken from the report itself match; one changed value,
  // an index in two RIMs, or a missing block do not.
  Rim vbios, driver;
  for (const MeasurementBlock& m : report->measurements) {
    GoldenMeasurement g{m.index - 1, true, "m", {m.value}};
    (m.index <= 16 ? vbios : driver).measurements.push_back(g);
  }
  GoldenComparison c = CompareGoldenMeasurements({vbios, driver}, *report);
  EXPECT_TRUE(c.ok);
  EXPECT_EQ(c.compared + c.skipped, 64);
  EXPECT_EQ(c.skipped, 1);  // index 35: NVDEC0 disabled in the sample

  Rim altered = vbios;
  altered.measurements[3].alternatives = {std::vector<uint8_t>(48, 0xAB),
                                          std::vector<uint8_t>(48, 0xCD)};
  c = CompareGoldenMeasurements({altered, driver}, *report);
  EXPECT_FALSE(c.ok);
  ASSERT_EQ(c.mismatches.size(), 1u);
  EXPECT_NE(c.mismatches[0].find("index 3"), std::string::npos);
  // An alternative that matches is enough.
  altered.measurements[3].alternatives.push_back(
      vbios.measurements[3].alternatives[0]);
  EXPECT_TRUE(CompareGoldenMeasurements({altered, driver}, *report).ok);

  c = CompareGoldenMeasurements({vbios, vbios}, *report);
  EXPECT_FALSE(c.ok);
  Rim missing;
  missing.measurements.push_back({99, true, "x", {std::vector<uint8_t>(48)}});
  EXPECT_FALSE(CompareGoldenMeasurements({missing}, *report).ok);
}

TEST(NvidiaVerifier, SampleRimsDoNotMatchTheSampleReport) {
  LOAD_SAMPLE_OR_SKIP(s);
  const std::string vbios = ReadRim(kVbiosRim);
  const std::string driver = ReadRim("Driver_RIM_test_no_gpu.swidtag");
  if (vbios.empty() || driver.empty()) GTEST_SKIP() << "shared data absent";
  // NVIDIA's sample RIMs are for VBIOS 96.00.5E.00.01 and driver 545.00;
  // the sample report is VBIOS 96.00.9F.00.01 with driver 550.90.07.
  NvidiaEvidence e{s.report, s.chain, {vbios, driver}, {kVbiosRim, "driver"}};
  const NvidiaVerdict v =
      Pinned()->Verify(e, {.expected_nonce = s.nonce, .at = SampleTime()});
  EXPECT_FALSE(v.ok);
  EXPECT_FALSE(v.measurements_verified);
  const Check* versions = FindCheck(v, kCheckRimVersions);
  ASSERT_NE(versions, nullptr);
  EXPECT_FALSE(versions->passed);
  EXPECT_NE(versions->detail.find("96.00.5E.00.01"), std::string::npos);
  const Check* measurements = FindCheck(v, kCheckMeasurements);
  ASSERT_NE(measurements, nullptr);
  EXPECT_FALSE(measurements->passed);
  // The hardware checks are unaffected.
  EXPECT_TRUE(FindCheck(v, kCheckSignature)->passed);
}

TEST(NvidiaVerifier, TamperedRimFailsTheRimSignatureCheck) {
  LOAD_SAMPLE_OR_SKIP(s);
  std::string vbios = ReadRim(kVbiosRim);
  if (vbios.empty()) GTEST_SKIP() << "shared data absent";
  vbios[vbios.find("ns2:Hash0=\"c3f65ef7") + 12] = '0';
  NvidiaEvidence e{s.report, s.chain, {vbios}, {kVbiosRim}};
  const NvidiaVerdict v =
      Pinned()->Verify(e, {.expected_nonce = s.nonce, .at = SampleTime()});
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.failed_check, kCheckRimSignature) << Describe(v);
  EXPECT_NE(FindCheck(v, kCheckRimSignature)->detail.find(kVbiosRim),
            std::string::npos);
}

}  // namespace
}  // namespace clearance::attest
