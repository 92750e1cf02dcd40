// IP geolocation (engine/screening/geoip.h) against real databases read by
// the real libraries: MMDB files written by tests/screening/mmdb_writer.h
// and read back by libmaxminddb, Debian's legacy GeoIP.dat read by libGeoIP,
// and a Screener whose only evidence of Crimea is a login IP.
#include "engine/screening/geoip.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/audit/audit_trail.h"
#include "engine/lists/lists.h"
#include "engine/screening/replay.h"
#include "engine/screening/screening.h"
#include "engine/store/list_store.h"
#include "tests/screening/mmdb_writer.h"
#include "tests/test_support.h"

namespace clearance::screening {
namespace {

using internal::GeoIp;
using internal::GeoResult;
using testing::MmdbCity;
using testing::MmdbWriter;

// ISO 3166-2:UA-40 is the city of Sevastopol, UA-43 the Autonomous Republic
// of Crimea, UA-14 Donetsk oblast (reference::FindSanctionedRegion maps
// them to CRIMEA, CRIMEA and DNR).
constexpr const char* kSevastopol = "198.51.100.0/24";
constexpr const char* kSimferopol = "203.0.113.0/25";
constexpr const char* kDonetsk = "203.0.113.128/25";
constexpr const char* kFrankfurt = "192.0.2.0/24";
constexpr const char* kKyiv = "100.64.0.0/10";        // contains...
constexpr const char* kBalaklava = "100.64.40.0/24";  // ...this, in UA-40
constexpr const char* kSingapore6 = "2001:db8:5600::/40";
constexpr const char* kDonetsk6 = "2001:db8:1400::/40";

// The test City database, in the given tree shape.
std::string CityDatabase(int ip_version, int record_size) {
  MmdbWriter writer({.ip_version = ip_version, .record_size = record_size});
  EXPECT_TRUE(writer.Insert(kSevastopol, MmdbCity("UA", "40", "Sevastopol")));
  EXPECT_TRUE(writer.Insert(kSimferopol, MmdbCity("UA", "43", "Simferopol")));
  EXPECT_TRUE(writer.Insert(kDonetsk, MmdbCity("UA", "14", "Donetsk")));
  EXPECT_TRUE(
      writer.Insert(kFrankfurt, MmdbCity("DE", "HE", "Frankfurt am Main")));
  EXPECT_TRUE(writer.Insert(kKyiv, MmdbCity("UA", "30", "Kyiv")));
  EXPECT_TRUE(writer.Insert(kBalaklava, MmdbCity("UA", "40", "Balaklava")));
  if (ip_version == 6) {
    EXPECT_TRUE(writer.Insert(kSingapore6, MmdbCity("SG", "", "Singapore")));
    EXPECT_TRUE(writer.Insert(kDonetsk6, MmdbCity("UA", "14", "")));
  } else {
    EXPECT_FALSE(writer.Insert(kSingapore6, MmdbCity("SG", "", "Singapore")));
  }
  // Country-only record (a GeoLite2-Country style entry).
  EXPECT_TRUE(writer.Insert("192.0.2.128/25", MmdbCity("DE", "", "")));
  return writer.Build();
}

struct Shape {
  int ip_version, record_size;
};

class MmdbLookup : public ::testing::TestWithParam<Shape> {
 protected:
  void SetUp() override {
    path_ = dir_.File("test-city.mmdb");
    testing::WriteFile(
        path_, CityDatabase(GetParam().ip_version, GetParam().record_size));
    auto geo = GeoIp::Open(path_);
    ASSERT_TRUE(geo.has_value()) << geo.error().ToString();
    geo_ = std::move(*geo);
  }

  void ExpectAt(const std::string& address, const std::string& country,
                const std::string& region, const std::string& city) {
    SCOPED_TRACE(address);
    const std::optional<GeoResult> r = geo_->Lookup(address);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->country, country);
    EXPECT_EQ(r->region, region);
    EXPECT_EQ(r->city, city);
  }

  testing::TempDir dir_;
  std::string path_;
  std::unique_ptr<GeoIp> geo_;
};

TEST_P(MmdbLookup, CityRecordsGiveCountryRegionAndCity) {
  EXPECT_TRUE(geo_->loaded());
  ExpectAt("198.51.100.0", "UA", "UA-40", "Sevastopol");
  ExpectAt("198.51.100.77", "UA", "UA-40", "Sevastopol");
  ExpectAt("198.51.100.255", "UA", "UA-40", "Sevastopol");
  ExpectAt("203.0.113.5", "UA", "UA-43", "Simferopol");
  ExpectAt("203.0.113.127", "UA", "UA-43", "Simferopol");
  ExpectAt("203.0.113.128", "UA", "UA-14", "Donetsk");
  ExpectAt("192.0.2.10", "DE", "DE-HE", "Frankfurt am Main");
  ExpectAt("192.0.2.200", "DE", "", "");  // country-only record
  // The most specific network wins: a /24 inside a /10.
  ExpectAt("100.64.0.1", "UA", "UA-30", "Kyiv");
  ExpectAt("100.127.255.255", "UA", "UA-30", "Kyiv");
  ExpectAt("100.64.40.9", "UA", "UA-40", "Balaklava");
  ExpectAt("100.64.41.0", "UA", "UA-30", "Kyiv");
}

TEST_P(MmdbLookup, IPv6NetworksInAnIPv6Tree) {
  if (GetParam().ip_version == 4) {
    // libmaxminddb refuses an IPv6 lookup in an IPv4 tree: nullopt.
    EXPECT_FALSE(geo_->Lookup("2001:db8:5600::1").has_value());
    return;
  }
  ExpectAt("2001:db8:5600::1", "SG", "", "Singapore");
  ExpectAt("2001:db8:56ff:ffff:ffff:ffff:ffff:ffff", "SG", "", "Singapore");
  ExpectAt("2001:db8:1400:abcd::1", "UA", "UA-14", "");
  EXPECT_FALSE(geo_->Lookup("2001:db8:5700::1").has_value());
  // IPv4 networks are at ::/96 (what libmaxminddb searches for IPv4).
  ExpectAt("::198.51.100.77", "UA", "UA-40", "Sevastopol");
}

TEST_P(MmdbLookup, AddressesOutsideEveryNetworkAreNotFound) {
  for (const char* address :
       {"8.8.8.8", "0.0.0.0", "255.255.255.255", "198.51.101.0",
        "198.51.99.255", "100.128.0.0", "192.0.3.1", "::1", "2001:db9::1"}) {
    EXPECT_FALSE(geo_->Lookup(address).has_value()) << address;
  }
}

TEST_P(MmdbLookup, MalformedAddressesAreNotFoundWithoutCrashing) {
  for (const char* address :
       {"", "not-an-ip", "198.51.100", "198.51.100.77.1", "999.1.1.1",
        "198.51.100.77/24", " 198.51.100.77", "::zz", "localhost",
        "example.com", "198.51.100.-1", "\xff\xfe"}) {
    EXPECT_FALSE(geo_->Lookup(address).has_value()) << address;
  }
}

TEST_P(MmdbLookup, DescriptionNamesTypeBuildDateAndFile) {
  EXPECT_EQ(geo_->description(),
            "Clearance-Test-City built 2026-01-01 (" + path_ + ")");
}

TEST_P(MmdbLookup, ConcurrentLookupsAgree) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        const std::string address = "198.51.100." + std::to_string(i % 256);
        auto r = geo_->Lookup(address);
        if (!r || r->region != "UA-40") ++wrong;
        if (geo_->Lookup("8.8.8.8").has_value()) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(TreeShapes, MmdbLookup,
                         ::testing::Values(Shape{6, 28}, Shape{6, 24},
                                           Shape{6, 32}, Shape{4, 24},
                                           Shape{4, 28}),
                         [](const ::testing::TestParamInfo<Shape>& info) {
                           return "IPv" +
                                  std::to_string(info.param.ip_version) + "_" +
                                  std::to_string(info.param.record_size) +
                                  "bit";
                         });

// Record values at or above 2^24 use the 28-bit layout's shared middle
// nibbles and the 32-bit records' top byte: a 16 MiB value pushes the next
// record's data offset past 2^24.
TEST(MmdbLargeDataSection, HighRecordBitsAreReadBack) {
  testing::TempDir dir;
  for (int record_size : {24, 28, 32}) {
    SCOPED_TRACE(record_size);
    MmdbWriter writer({.ip_version = 6, .record_size = record_size});
    testing::MmdbValue padded = MmdbCity("UA", "40", "Sevastopol");
    padded.map.emplace_back(
        "padding", testing::MmdbValue::String(std::string(1 << 24, 'p')));
    ASSERT_TRUE(writer.Insert(kSevastopol, padded));
    ASSERT_TRUE(
        writer.Insert(kFrankfurt, MmdbCity("DE", "HE", "Frankfurt am Main")));
    ASSERT_TRUE(writer.Insert(kSingapore6, MmdbCity("SG", "", "Singapore")));
    const std::string bytes = writer.Build();
    if (record_size == 24) {
      EXPECT_TRUE(bytes.empty());  // does not fit: the writer refuses
      continue;
    }
    const std::string path =
        dir.File("large" + std::to_string(record_size) + ".mmdb");
    testing::WriteFile(path, bytes);
    auto geo = GeoIp::Open(path);
    ASSERT_TRUE(geo.has_value()) << geo.error().ToString();
    auto frankfurt = (*geo)->Lookup("192.0.2.1");
    ASSERT_TRUE(frankfurt.has_value());
    EXPECT_EQ(frankfurt->city, "Frankfurt am Main");
    auto singapore = (*geo)->Lookup("2001:db8:5600::1");
    ASSERT_TRUE(singapore.has_value());
    EXPECT_EQ(singapore->country, "SG");
    auto sevastopol = (*geo)->Lookup("198.51.100.1");
    ASSERT_TRUE(sevastopol.has_value());
    EXPECT_EQ(sevastopol->region, "UA-40");
  }
}

TEST(GeoIpOpen, MissingExplicitMmdbIsAnIoErrorNamingTheFile) {
  testing::TempDir dir;
  const std::string path = dir.File("absent.mmdb");
  auto geo = GeoIp::Open(path);
  ASSERT_FALSE(geo.has_value());
  EXPECT_EQ(geo.error().code(), ErrorCode::kIo);
  EXPECT_NE(geo.error().message().find(path), std::string::npos);
  EXPECT_NE(geo.error().message().find("MaxMind DB"), std::string::npos)
      << geo.error().message();
}

TEST(GeoIpOpen, TruncatedOrCorruptMmdbIsAnIoErrorNamingTheFile) {
  testing::TempDir dir;
  const std::string good = CityDatabase(6, 28);
  const std::string marker = "\xAB\xCD\xEFMaxMind.com";
  const size_t metadata = good.rfind(marker);
  ASSERT_NE(metadata, std::string::npos);
  // node_count's value (a uint32: control byte 0xC0 | byte count, then the
  // bytes) replaced by 0x7fffffff, a tree far larger than the file.
  std::string bad_metadata = good;
  const size_t node_count = bad_metadata.find("node_count", metadata);
  ASSERT_NE(node_count, std::string::npos);
  const size_t value = node_count + 10;
  ASSERT_EQ(bad_metadata[value] & 0xE0, 0xC0);
  bad_metadata.replace(value, 1 + (bad_metadata[value] & 0x1F),
                       "\xC4\x7f\xff\xff\xff");
  std::string wrong_version = good;
  const size_t major = wrong_version.find("binary_format_major_version");
  ASSERT_NE(major, std::string::npos);
  wrong_version[major + 28] = 3;  // uint16 value 2 -> 3
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty.mmdb", ""},
      {"truncated_half.mmdb", good.substr(0, good.size() / 2)},
      {"truncated_in_metadata.mmdb", good.substr(0, metadata + 20)},
      {"no_metadata_marker.mmdb", good.substr(0, metadata)},
      {"text.mmdb", std::string(4096, 'x')},
      {"huge_node_count.mmdb", bad_metadata},
      {"format_version_3.mmdb", wrong_version},
  };
  for (const auto& [name, content] : cases) {
    SCOPED_TRACE(name);
    const std::string path = dir.File(name);
    testing::WriteFile(path, content);
    auto geo = GeoIp::Open(path);
    ASSERT_FALSE(geo.has_value());
    EXPECT_EQ(geo.error().code(), ErrorCode::kIo);
    EXPECT_NE(geo.error().message().find(path), std::string::npos)
        << geo.error().message();
  }
}

TEST(GeoIpOpen, CorruptSearchTreeOpensButFindsNothing) {
  // Metadata intact, every tree record pointing past the data section:
  // libmaxminddb reports a corrupt tree on lookup, which is "not found".
  testing::TempDir dir;
  MmdbWriter writer({.ip_version = 4, .record_size = 24});
  ASSERT_TRUE(writer.Insert(kSevastopol, MmdbCity("UA", "40", "Sevastopol")));
  std::string bytes = writer.Build();
  for (size_t i = 0; i < writer.node_count() * 6; ++i) bytes[i] = '\xff';
  const std::string path = dir.File("corrupt_tree.mmdb");
  testing::WriteFile(path, bytes);
  auto geo = GeoIp::Open(path);
  ASSERT_TRUE(geo.has_value()) << geo.error().ToString();
  EXPECT_FALSE((*geo)->Lookup("198.51.100.77").has_value());
  EXPECT_FALSE((*geo)->Lookup("8.8.8.8").has_value());
}

// The legacy Debian database. Its contents are real data, so only stable
// facts are asserted: Google's public resolver is in the US.
constexpr const char* kLegacyV4 = "/usr/share/GeoIP/GeoIP.dat";
constexpr const char* kLegacyV6 = "/usr/share/GeoIP/GeoIPv6.dat";

bool HasDefaultMmdb() {
  for (const char* dir : {"/usr/share/GeoIP", "/var/lib/GeoIP"}) {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->path().extension() == ".mmdb") return true;
    }
  }
  return false;
}

TEST(GeoIpLegacy, DefaultIsDebianGeoipDatabaseAtCountryLevel) {
  if (!std::filesystem::exists(kLegacyV4))
    GTEST_SKIP() << kLegacyV4 << " absent (Debian package geoip-database)";
  if (HasDefaultMmdb())
    GTEST_SKIP() << "an .mmdb under /usr/share/GeoIP or /var/lib/GeoIP takes "
                    "precedence over the legacy default on this machine";
  auto geo = GeoIp::Open("");
  ASSERT_TRUE(geo.has_value()) << geo.error().ToString();
  ASSERT_TRUE((*geo)->loaded());
  const std::string& d = (*geo)->description();
  EXPECT_TRUE(d.starts_with("GeoIP legacy country (Debian geoip-database "))
      << d;
  EXPECT_NE(d.find(", built 2"), std::string::npos) << d;
  EXPECT_NE(d.find(kLegacyV4), std::string::npos) << d;
  EXPECT_TRUE(d.ends_with("; no regions")) << d;

  auto google = (*geo)->Lookup("8.8.8.8");
  ASSERT_TRUE(google.has_value());
  EXPECT_EQ(google->country, "US");
  EXPECT_EQ(google->region, "");  // never a region
  EXPECT_EQ(google->city, "");
  auto mapped = (*geo)->Lookup("::ffff:8.8.8.8");
  ASSERT_TRUE(mapped.has_value());
  EXPECT_EQ(mapped->country, "US");
  if (std::filesystem::exists(kLegacyV6)) {
    EXPECT_NE(d.find(kLegacyV6), std::string::npos) << d;
    auto google6 = (*geo)->Lookup("2001:4860:4860::8888");
    ASSERT_TRUE(google6.has_value());
    EXPECT_EQ(google6->country, "US");
  }
  for (const char* address :
       {"10.0.0.1", "127.0.0.1", "", "garbage", "8.8.8", "example.com"}) {
    EXPECT_FALSE((*geo)->Lookup(address).has_value()) << address;
  }
}

TEST(GeoIpLegacy, ExplicitDatFileServesItsAddressFamilyOnly) {
  if (!std::filesystem::exists(kLegacyV4))
    GTEST_SKIP() << kLegacyV4 << " absent (Debian package geoip-database)";
  auto geo = GeoIp::Open(kLegacyV4);
  ASSERT_TRUE(geo.has_value()) << geo.error().ToString();
  const std::string& d = (*geo)->description();
  EXPECT_TRUE(d.starts_with("GeoIP legacy country (GEO-")) << d;
  EXPECT_TRUE(
      d.ends_with(std::string("(") + kLegacyV4 + "; IPv4 only); no regions"))
      << d;
  auto google = (*geo)->Lookup("8.8.8.8");
  ASSERT_TRUE(google.has_value());
  EXPECT_EQ(google->country, "US");
  EXPECT_FALSE((*geo)->Lookup("2001:4860:4860::8888").has_value());

  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        auto r = (*geo)->Lookup("8.8.8.8");
        if (!r || r->country != "US") ++wrong;
        if ((*geo)->Lookup("10.0.0." + std::to_string(i % 256))) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(GeoIpLegacy, ExplicitDatThatIsNotALegacyCountryDatabaseIsAnIoError) {
  testing::TempDir dir;
  const std::string absent = dir.File("GeoIP.dat");
  const std::string text = dir.File("text.dat");
  std::string lines;
  for (int i = 0; i < 200; ++i) lines += "not a GeoIP database\n";
  testing::WriteFile(text, lines);
  const std::string empty = dir.File("empty.dat");
  testing::WriteFile(empty, "");
  const std::string mmdb = dir.File("city.dat");  // an MMDB, misnamed
  testing::WriteFile(mmdb, CityDatabase(6, 28));
  for (const std::string& path : {absent, text, empty, mmdb}) {
    SCOPED_TRACE(path);
    auto geo = GeoIp::Open(path);
    ASSERT_FALSE(geo.has_value()) << (*geo)->description();
    EXPECT_EQ(geo.error().code(), ErrorCode::kIo);
    EXPECT_NE(geo.error().message().find(path), std::string::npos)
        << geo.error().message();
    EXPECT_NE(geo.error().message().find("legacy GeoIP country database"),
              std::string::npos)
        << geo.error().message();
  }
}

// End to end: an account whose only tie to Crimea is where it logs in from,
// with no pre-resolved country or region on the event.
class ScreenerGeolocation : public ::testing::Test {
 protected:
  void SetUp() override {
    mmdb_ = dir_.File("GeoLite2-City-test.mmdb");
    testing::WriteFile(mmdb_, CityDatabase(6, 28));
    db_ = dir_.File("clearance.db");
    auto plan = lists::PlanSources(
        {std::string(CLEARANCE_SOURCE_DIR) + "/data/sample/sample_list.json"});
    ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
    auto store = store::ListStore::Open(db_);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    for (const auto& spec : *plan) {
      auto parsed = lists::ParseSource(spec);
      ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
      ASSERT_TRUE(
          (*store)->Import(*parsed, "2026-01-01T00:00:00Z").has_value());
    }
  }

  std::unique_ptr<Screener> Open(const std::string& geoip = "") {
    ScreenerOptions options;
    options.db_path = db_;
    options.rules_dir = std::string(CLEARANCE_SOURCE_DIR) + "/rules";
    options.geoip_path = geoip.empty() ? mmdb_ : geoip;
    options.now = [] { return std::string("2026-03-01T12:00:00Z"); };
    options.actor = "test";
    auto screener = Screener::Open(options);
    EXPECT_TRUE(screener.has_value()) << screener.error().ToString();
    return screener ? std::move(*screener) : nullptr;
  }

  // An Estonian company, everything Estonian except the console login.
  static AccountRecord Account(const std::string& login_address) {
    const nlohmann::json record = {
        {"account_id", "EE-GEO-1"},
        {"legal_name", "Tallinn Pixel Works OU"},
        {"type", "entity"},
        {"country", "EE"},
        {"addresses",
         {{{"line", "Narva mnt 5"}, {"city", "Tallinn"}, {"country", "EE"}}}},
        {"people",
         {{{"name", "Kadri Saar"},
           {"role", "beneficial_owner"},
           {"country", "EE"},
           {"share", 100}}}},
        {"payments", {{{"method", "card"}, {"instrument_country", "EE"}}}},
        {"ip_events",
         {{{"address", login_address},
           {"kind", "console_login"},
           {"at", "2026-02-20T22:41:00Z"}}}},
        {"email_domain", "pixelworks.ee"},
        {"phone_country", "EE"},
        {"end_user_type", "company"},
        {"verified", true}};
    auto account = ParseAccountRecord(record.dump(), "geo-test");
    EXPECT_TRUE(account.has_value()) << account.error().ToString();
    EXPECT_TRUE(account->ip_events.at(0).country.empty());
    EXPECT_TRUE(account->ip_events.at(0).region.empty());
    return *account;
  }

  static std::set<std::string> Fired(const Decision& d) {
    std::set<std::string> ids;
    for (const FiredRule& f : d.fired) ids.insert(f.id);
    return ids;
  }

  static std::string IpEvidence(const Decision& d) {
    for (const Evidence& e : d.evidence) {
      if (e.kind == "ip") return e.detail_json;
    }
    return "";
  }

  testing::TempDir dir_;
  std::string mmdb_, db_;
};

TEST_F(ScreenerGeolocation, SevastopolLoginFromTheMmdbDeniesTheAccount) {
  auto screener = Open();
  ASSERT_NE(screener, nullptr);
  auto decision = screener->Screen(Account("198.51.100.77"), "2026-03-01");
  ASSERT_TRUE(decision.has_value()) << decision.error().ToString();
  EXPECT_EQ(decision->outcome, "DENY");
  const std::set<std::string> fired = Fired(*decision);
  EXPECT_TRUE(fired.contains("OFAC-EMBARGO-JURISDICTION"));
  EXPECT_TRUE(fired.contains("OFAC-EMBARGO-ACCOUNT-REVIEW"));
  EXPECT_EQ(decision->versions.geoip_database,
            "Clearance-Test-City built 2026-01-01 (" + mmdb_ + ")");

  const nlohmann::json ip = nlohmann::json::parse(IpEvidence(*decision));
  EXPECT_EQ(ip["country"], "UA");
  EXPECT_EQ(ip["region"], "UA-40");
  EXPECT_EQ(ip["city"], "Sevastopol");
  EXPECT_EQ(ip["source"], "mmdb");
  EXPECT_EQ(ip["sanctioned_region"], "CRIMEA");
  const nlohmann::json facts = nlohmann::json::parse(decision->facts_json);
  EXPECT_EQ(facts["ip_events"][0]["region"], "UA-40");
}

TEST_F(ScreenerGeolocation, CrimeaAndDonetskRegionsDenyFrankfurtDoesNot) {
  auto screener = Open();
  ASSERT_NE(screener, nullptr);
  const struct {
    const char* address;
    const char* region;
    const char* sanctioned;
  } cases[] = {{"203.0.113.5", "UA-43", "CRIMEA"},
               {"203.0.113.200", "UA-14", "DNR"},
               {"2001:db8:1400::7", "UA-14", "DNR"},
               {"100.64.40.9", "UA-40", "CRIMEA"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.address);
    auto decision = screener->Screen(Account(c.address), "2026-03-01");
    ASSERT_TRUE(decision.has_value()) << decision.error().ToString();
    EXPECT_EQ(decision->outcome, "DENY");
    EXPECT_TRUE(Fired(*decision).contains("OFAC-EMBARGO-JURISDICTION"));
    const nlohmann::json ip = nlohmann::json::parse(IpEvidence(*decision));
    EXPECT_EQ(ip["region"], c.region);
    EXPECT_EQ(ip["sanctioned_region"], c.sanctioned);
  }

  // The same account logging in from Frankfurt or Kyiv, or from an address
  // the database does not know, is not in an embargoed region.
  for (const char* address : {"192.0.2.10", "100.64.0.1", "8.8.8.8"}) {
    SCOPED_TRACE(address);
    auto decision = screener->Screen(Account(address), "2026-03-01");
    ASSERT_TRUE(decision.has_value()) << decision.error().ToString();
    EXPECT_NE(decision->outcome, "DENY");
    EXPECT_FALSE(Fired(*decision).contains("OFAC-EMBARGO-JURISDICTION"));
    EXPECT_FALSE(Fired(*decision).contains("OFAC-EMBARGO-ACCOUNT-REVIEW"));
    const nlohmann::json ip = nlohmann::json::parse(IpEvidence(*decision));
    EXPECT_FALSE(ip.contains("sanctioned_region"));
    EXPECT_EQ(ip["source"],
              std::string(address) == "8.8.8.8" ? "unresolved" : "mmdb");
  }
}

TEST_F(ScreenerGeolocation, LegacyDatabaseGivesCountryButNoRegion) {
  if (!std::filesystem::exists(kLegacyV4))
    GTEST_SKIP() << kLegacyV4 << " absent (Debian package geoip-database)";
  mmdb_ = kLegacyV4;
  auto screener = Open();
  ASSERT_NE(screener, nullptr);
  auto decision = screener->Screen(Account("8.8.8.8"), "2026-03-01");
  ASSERT_TRUE(decision.has_value()) << decision.error().ToString();
  EXPECT_TRUE(decision->versions.geoip_database.starts_with(
      "GeoIP legacy country (GEO-"))
      << decision->versions.geoip_database;
  const nlohmann::json ip = nlohmann::json::parse(IpEvidence(*decision));
  EXPECT_EQ(ip["country"], "US");
  EXPECT_EQ(ip["region"], "");
  EXPECT_EQ(ip["source"], "geoip_legacy");
  bool consistency = false;
  for (const Evidence& e : decision->evidence) {
    if (e.kind == "consistency" &&
        e.summary == "IP country US differs from KYC country EE")
      consistency = true;
  }
  EXPECT_TRUE(consistency);
}

TEST_F(ScreenerGeolocation, UnreadableGeoipFileFailsOpen) {
  testing::WriteFile(mmdb_, "truncated");
  ScreenerOptions options;
  options.db_path = db_;
  options.rules_dir = std::string(CLEARANCE_SOURCE_DIR) + "/rules";
  options.geoip_path = mmdb_;
  auto screener = Screener::Open(options);
  ASSERT_FALSE(screener.has_value());
  EXPECT_EQ(screener.error().code(), ErrorCode::kIo);
  EXPECT_NE(screener.error().message().find(mmdb_), std::string::npos)
      << screener.error().message();
}

}  // namespace
}  // namespace clearance::screening

namespace clearance::screening {
namespace {

// A decision recorded without geolocation replays without it (reproduced),
// while today's evaluation geolocates the same login and denies.
TEST_F(ScreenerGeolocation, ReplayPinsADecisionMadeWithoutGeolocation) {
  auto screener = Open("off");
  ASSERT_NE(screener, nullptr);
  auto stored = screener->Screen(Account("198.51.100.77"), "2026-03-01");
  ASSERT_TRUE(stored.has_value()) << stored.error().ToString();
  EXPECT_TRUE(stored->versions.geoip_database.starts_with("none"))
      << stored->versions.geoip_database;
  EXPECT_EQ(stored->outcome, "ALLOW");
  screener.reset();

  auto trail = audit::AuditTrail::Open(db_);
  ASSERT_TRUE(trail.has_value()) << trail.error().ToString();
  auto record = (*trail)->Get(stored->decision_id);
  ASSERT_TRUE(record.has_value()) << record.error().ToString();

  ReplayOptions options;
  options.db_path = db_;
  options.rules_dir = std::string(CLEARANCE_SOURCE_DIR) + "/rules";
  options.geoip_path = mmdb_;  // today's database places the IP in Sevastopol
  auto report = Replay(*record, options);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->reproduced) << report->replay_vs_stored.outcome_after;
  EXPECT_EQ(report->replayed.outcome, "ALLOW");
  EXPECT_TRUE(report->replayed.versions.geoip_database.starts_with("none"));
  EXPECT_EQ(report->current.outcome, "DENY");
  EXPECT_NE(report->current.versions.geoip_database.find("GeoLite2-City"),
            std::string::npos)
      << report->current.versions.geoip_database;
}

}  // namespace
}  // namespace clearance::screening
