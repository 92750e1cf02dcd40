#include "engine/fetch/sources.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "engine/crypto/sha256.h"
#include "tests/test_support.h"

namespace clearance::fetch {
namespace {

using ::clearance::testing::TempDir;
using ::clearance::testing::WriteFile;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const ListSource* Find(const std::vector<ListSource>& sources,
                       const std::string& name) {
  for (const auto& source : sources) {
    if (source.name == name) return &source;
  }
  return nullptr;
}

TEST(DefaultSources, AreOfficialHttpsAddressesWithUniqueNamesAndFiles) {
  const auto sources = DefaultSources();
  std::set<std::string> names;
  std::set<std::string> files;
  for (const auto& source : sources) {
    EXPECT_TRUE(names.insert(source.name).second) << source.name;
    EXPECT_TRUE(files.insert(source.file_name).second) << source.file_name;
    EXPECT_THAT(source.url, StartsWith("https://")) << source.name;
  }
  const ListSource* sdn = Find(sources, "ofac-sdn-advanced");
  ASSERT_NE(sdn, nullptr);
  EXPECT_EQ(sdn->url,
            "https://sanctionslistservice.ofac.treas.gov/api/"
            "PublicationPreview/exports/SDN_ADVANCED.XML");
  EXPECT_TRUE(sdn->enabled);
  const ListSource* csl = Find(sources, "trade-gov-csl");
  ASSERT_NE(csl, nullptr);
  EXPECT_EQ(csl->url,
            "https://data.trade.gov/downloadable_consolidated_screening_list/"
            "v1/consolidated.csv");
  const ListSource* un = Find(sources, "un-consolidated");
  ASSERT_NE(un, nullptr);
  EXPECT_EQ(un->url,
            "https://scsanctions.un.org/resources/xml/en/consolidated.xml");
  // The legacy CSV set keeps the names the lists module groups by.
  const ListSource* sdn_csv = Find(sources, "ofac-sdn-csv");
  ASSERT_NE(sdn_csv, nullptr);
  EXPECT_EQ(sdn_csv->file_name, "sdn.csv");
  EXPECT_FALSE(sdn_csv->enabled);
  ASSERT_NE(Find(sources, "ofac-cons-enhanced"), nullptr);
  ASSERT_NE(Find(sources, "ofac-cons-prim-csv"), nullptr);
}

TEST(LoadSources, WithoutConfigGivesDefaults) {
  auto sources = LoadSources(std::nullopt);
  ASSERT_TRUE(sources.has_value());
  EXPECT_EQ(sources->size(), DefaultSources().size());
}

TEST(LoadSources, ConfigEditsDefaultsAndAddsSources) {
  TempDir dir;
  const std::string path = dir.File("sources.json");
  WriteFile(path, R"({
    "sources": [
      {"name": "ofac-sdn-csv", "enabled": true},
      {"name": "ofac-cons-enhanced", "enabled": false},
      {"name": "ofac-sdn-advanced",
       "checksum_url": "https://mirror.example/sdn_advanced_checksum.txt"},
      {"name": "mirror-un", "url": "http://mirror.example/un.xml",
       "file_name": "mirror_un.xml", "checksum_url": null}
    ]
  })");

  auto sources = LoadSources(path);

  ASSERT_TRUE(sources.has_value()) << sources.error().ToString();
  EXPECT_EQ(sources->size(), DefaultSources().size() + 1);
  EXPECT_TRUE(Find(*sources, "ofac-sdn-csv")->enabled);
  EXPECT_FALSE(Find(*sources, "ofac-cons-enhanced")->enabled);
  EXPECT_EQ(Find(*sources, "ofac-sdn-advanced")->checksum_url,
            "https://mirror.example/sdn_advanced_checksum.txt");
  EXPECT_EQ(Find(*sources, "ofac-sdn-advanced")->url, DefaultSources()[0].url);
  const ListSource& added = sources->back();
  EXPECT_EQ(added.name, "mirror-un");
  EXPECT_EQ(added.url, "http://mirror.example/un.xml");
  EXPECT_EQ(added.file_name, "mirror_un.xml");
  EXPECT_EQ(added.checksum_url, "");
  EXPECT_TRUE(added.enabled);
}

TEST(LoadSources, IncludeDefaultsFalseKeepsOnlyTheFilesSources) {
  auto sources = ParseSourcesConfig(R"({"include_defaults": false,
      "sources": [{"name": "local", "url": "https://lists.example/sdn.xml",
                   "file_name": "sdn_advanced.xml"}]})",
                                    "sources.json");
  ASSERT_TRUE(sources.has_value()) << sources.error().ToString();
  ASSERT_EQ(sources->size(), 1u);
  EXPECT_EQ((*sources)[0].name, "local");
}

TEST(LoadSources, MissingFileIsNotFound) {
  TempDir dir;
  auto sources = LoadSources(dir.File("absent.json"));
  ASSERT_FALSE(sources.has_value());
  EXPECT_EQ(sources.error().code(), ErrorCode::kNotFound);
}

TEST(LoadSources, InvalidJsonNamesFileAndPosition) {
  TempDir dir;
  const std::string path = dir.File("sources.json");
  WriteFile(path, "{\"sources\": [\n  {\"name\": \"x\",}\n]}");
  auto sources = LoadSources(path);
  ASSERT_FALSE(sources.has_value());
  EXPECT_EQ(sources.error().code(), ErrorCode::kParse);
  EXPECT_THAT(sources.error().message(), StartsWith("sources.json: "));
  EXPECT_THAT(sources.error().message(), HasSubstr("line 2"));
}

struct BadConfig {
  const char* json;
  const char* expected_message;
};

class BadConfigTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(BadConfigTest, IsInvalidArgumentNamingTheJsonPath) {
  auto sources = ParseSourcesConfig(GetParam().json, "sources.json");
  ASSERT_FALSE(sources.has_value()) << GetParam().json;
  EXPECT_EQ(sources.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(sources.error().message(), GetParam().expected_message);
}

INSTANTIATE_TEST_SUITE_P(
    Config, BadConfigTest,
    ::testing::Values(
        BadConfig{"[]",
                  "sources.json: (root): expected an object with "
                  "\"sources\", got array"},
        BadConfig{"{}",
                  "sources.json: sources: missing (expected an array "
                  "of sources)"},
        BadConfig{R"({"sources": {}})",
                  "sources.json: sources: expected an array, got object"},
        BadConfig{R"({"source": []})",
                  "sources.json: source: unknown key (expected \"sources\" "
                  "or \"include_defaults\")"},
        BadConfig{R"({"sources": [], "include_defaults": "no"})",
                  "sources.json: include_defaults: expected true or false, "
                  "got string"},
        BadConfig{R"({"sources": [1]})",
                  "sources.json: sources[0]: expected an object, got number"},
        BadConfig{R"({"sources": [{"url": "https://a.example/x"}]})",
                  "sources.json: sources[0].name: missing"},
        BadConfig{R"({"sources": [{"name": "Bad Name"}]})",
                  "sources.json: sources[0].name: \"Bad Name\" is not a valid "
                  "name (use a-z, 0-9, '-', '_', '.')"},
        BadConfig{R"({"sources": [{"name": "ofac-sdn-csv"},
                                  {"name": "ofac-sdn-csv"}]})",
                  "sources.json: sources[1].name: \"ofac-sdn-csv\" appears "
                  "twice"},
        BadConfig{R"({"sources": [{"name": "ofac-sdn-csv", "url": 5}]})",
                  "sources.json: sources[0].url: expected a string, got "
                  "number"},
        BadConfig{R"({"sources": [{"name": "x", "url": "file:///etc/x",
                                   "file_name": "x.csv"}]})",
                  "sources.json: sources[0].url: expected an http:// or "
                  "https:// URL, got \"file:///etc/x\""},
        BadConfig{R"({"sources": [{"name": "ofac-sdn-csv",
                                   "checksum_url": "ftp://a/b"}]})",
                  "sources.json: sources[0].checksum_url: expected an "
                  "http:// or https:// URL, null or \"\", got \"ftp://a/b\""},
        BadConfig{R"({"sources": [{"name": "x", "url": "https://a.example/x",
                                   "file_name": "../../etc/passwd"}]})",
                  "sources.json: sources[0].file_name: expected a plain file "
                  "name (no '/', not starting with '.'), got "
                  "\"../../etc/passwd\""},
        BadConfig{R"({"sources": [{"name": "ofac-sdn-csv", "enabled": 1}]})",
                  "sources.json: sources[0].enabled: expected true or false, "
                  "got number"},
        BadConfig{R"({"sources": [{"name": "ofac-sdn-csv", "enable": true}]})",
                  "sources.json: sources[0].enable: unknown key (expected "
                  "name, url, checksum_url, file_name, enabled)"},
        BadConfig{R"({"sources": [{"name": "new", "file_name": "n.csv"}]})",
                  "sources.json: sources[0].url: missing (\"new\" is not a "
                  "default source, so it needs url and file_name)"},
        BadConfig{R"({"sources": [{"name": "new",
                                   "url": "https://a.example/sdn.csv",
                                   "file_name": "sdn_advanced.xml"}]})",
                  "sources.json: sources \"ofac-sdn-advanced\" and \"new\" "
                  "are both enabled and both save to file_name "
                  "\"sdn_advanced.xml\""}));

constexpr char kDigest[] =
    "36c517bd264d8d97eff353eadd8d84427d5eb293505a8ce07271a5bc258c3117";

TEST(ParseChecksumFile, ReadsOfacsPublishedFile) {
  const std::string path = testing::SharedDataFile(
      "lists/ofac_sdn_advanced_2025-11-19/sdn_advanced_checksum.txt");
  if (path.empty()) GTEST_SKIP() << "shared data absent: OFAC checksum file";
  auto digest = ParseChecksumFile(testing::ReadFile(path),
                                  {"sdn_advanced.xml", "SDN_ADVANCED.XML"});
  ASSERT_TRUE(digest.has_value()) << digest.error().ToString();
  EXPECT_EQ(*digest, kDigest);
}

TEST(ParseChecksumFile, AcceptsCommonLayouts) {
  const std::string upper = [] {
    std::string text = kDigest;
    for (char& c : text) c = static_cast<char>(std::toupper(c));
    return text;
  }();
  const std::vector<std::string> files = {"sdn_advanced.xml"};
  for (const std::string& content :
       {std::string("SHA256(sdn_advanced.xml) = ") + kDigest + "\n",
        std::string("SHA256(sdn_advanced.xml)= ") + upper + "\r\n",
        std::string("SHA-256: ") + kDigest, std::string("sha256 ") + kDigest,
        std::string(kDigest) + "  sdn_advanced.xml\n",
        std::string(kDigest) + " *sdn_advanced.xml\n",
        std::string("\xEF\xBB\xBF") + kDigest + "\n",
        std::string("# checksums\n\n") + upper + "\n"}) {
    auto digest = ParseChecksumFile(content, files);
    ASSERT_TRUE(digest.has_value())
        << content << ": " << digest.error().ToString();
    EXPECT_EQ(*digest, kDigest) << content;
  }
}

TEST(ParseChecksumFile, AcceptsBase64Digest) {
  // base64 of the 32 bytes of sha256("abc").
  const std::string base64 = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
  auto digest = ParseChecksumFile("SHA-256: " + base64, {"x"});
  ASSERT_TRUE(digest.has_value()) << digest.error().ToString();
  EXPECT_EQ(*digest, crypto::Sha256Hex("abc"));
}

TEST(ParseChecksumFile, PicksTheLineForTheFile) {
  const std::string other = crypto::Sha256Hex("other");
  const std::string content = other + "  sdn.csv\n" + kDigest +
                              "  SDN_ADVANCED.XML\n" + other + "  add.csv\n";
  auto digest =
      ParseChecksumFile(content, {"sdn_advanced.xml", "SDN_ADVANCED.XML"});
  ASSERT_TRUE(digest.has_value()) << digest.error().ToString();
  EXPECT_EQ(*digest, kDigest);
}

TEST(ParseChecksumFile, RejectsFilesWithoutAUsableDigest) {
  for (const std::string content :
       {"", "no digest here", "SHA256(sdn_advanced.xml) = 1234",
        "<html><body>Service unavailable</body></html>"}) {
    auto digest = ParseChecksumFile(content, {"sdn_advanced.xml"});
    ASSERT_FALSE(digest.has_value()) << content;
    EXPECT_EQ(digest.error().code(), ErrorCode::kParse);
  }
  const std::string ambiguous = crypto::Sha256Hex("a") + "  a.csv\n" +
                                crypto::Sha256Hex("b") + "  b.csv\n";
  auto digest = ParseChecksumFile(ambiguous, {"sdn_advanced.xml"});
  ASSERT_FALSE(digest.has_value());
  EXPECT_THAT(digest.error().message(), HasSubstr("none for sdn_advanced.xml"));
}

}  // namespace
}  // namespace clearance::fetch
