// TLS verification cannot be switched off: a server whose certificate is not
// trusted is refused, and trusting it explicitly (ca_file) makes the same
// download work. The certificate is made here, for 127.0.0.1, per test run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/fetch/downloader.h"
#include "tests/fetch/local_server.h"
#include "tests/test_support.h"

namespace clearance::fetch {
namespace {

namespace fs = std::filesystem;
using ::clearance::testing::LocalServer;
using ::clearance::testing::ReadFile;
using ::clearance::testing::TempDir;
using ::clearance::testing::TestOptions;
using ::testing::HasSubstr;

struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};

// Writes a self-signed certificate for IP 127.0.0.1 and its key as PEM.
bool WriteSelfSignedCertificate(const std::string& cert_path,
                                const std::string& key_path) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"),
                                                          &EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
  if (!key || !cert) return false;
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(
      name, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] :
       {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
        std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) return false;
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return false;
  std::unique_ptr<FILE, FileCloser> cert_file(
      std::fopen(cert_path.c_str(), "w"));
  std::unique_ptr<FILE, FileCloser> key_file(std::fopen(key_path.c_str(), "w"));
  return cert_file && key_file &&
         PEM_write_X509(cert_file.get(), cert.get()) == 1 &&
         PEM_write_PrivateKey(key_file.get(), key.get(), nullptr, nullptr, 0,
                              nullptr, nullptr) == 1;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = certs_.File("cert.pem");
    ASSERT_TRUE(WriteSelfSignedCertificate(cert_, certs_.File("key.pem")));
    server_ = std::make_unique<LocalServer>(cert_, certs_.File("key.pem"));
    server_->http().Get(
        "/sdn.csv", [this](const httplib::Request&, httplib::Response& res) {
          ++hits_;
          res.set_content("listed", "text/csv");
        });
    ASSERT_TRUE(server_->Start());
  }

  TempDir certs_;
  TempDir dir_;
  std::string cert_;
  std::atomic<int> hits_ = 0;
  std::unique_ptr<LocalServer> server_;
};

TEST_F(TlsTest, UntrustedCertificateIsRefusedWithoutRetry) {
  const std::string dest = dir_.File("sdn.csv");
  auto file = Download(server_->Url("/sdn.csv"), dest, TestOptions());
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), ErrorCode::kNetwork);
  EXPECT_THAT(file.error().message(), HasSubstr("after 1 attempt"));
  EXPECT_EQ(hits_, 0);
  EXPECT_FALSE(fs::exists(dest));
  EXPECT_FALSE(fs::exists(dest + ".part"));
}

TEST_F(TlsTest, CertificateTrustedThroughCaFileIsAccepted) {
  DownloadOptions options = TestOptions();
  options.ca_file = cert_;
  auto file = Download(server_->Url("/sdn.csv"), dir_.File("sdn.csv"), options);
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_EQ(ReadFile(dir_.File("sdn.csv")), "listed");
  EXPECT_EQ(hits_, 1);
}

}  // namespace
}  // namespace clearance::fetch
