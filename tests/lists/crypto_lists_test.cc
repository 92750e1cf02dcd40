// Digital-currency address lists: per-currency .txt/.json sets (brave-intl
// mirror) planned as one source, the address-object JSON (thomasgregg
// mirror), and counts on the real mirrors.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "engine/lists/lists.h"
#include "tests/test_support.h"

namespace clearance::lists {
namespace {

namespace fs = std::filesystem;

std::string Base(const std::string& path) {
  return fs::path(path).filename().string();
}

Result<ParsedSource> PlanAndParseOne(const std::string& path) {
  auto plan = PlanSources({path});
  if (!plan) return std::unexpected(plan.error());
  EXPECT_EQ(plan->size(), 1u);
  if (plan->empty()) return Fail(ErrorCode::kInternal, "nothing planned");
  return ParseSource((*plan)[0]);
}

const Party* FindParty(const ListDocument& list, const std::string& id) {
  for (const Party& party : list.parties) {
    if (party.source_id == id) return &party;
  }
  return nullptr;
}

TEST(CryptoLists, FolderWithTextAndJsonPlansTheTextSetOnly) {
  auto plan = PlanSources({testing::TestDataFile("crypto/per_currency")});
  ASSERT_TRUE(plan) << plan.error().ToString();
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0].format, Format::kCryptoAddressText);
  ASSERT_EQ((*plan)[0].paths.size(), 3u);
  EXPECT_EQ(Base((*plan)[0].paths[0]), "sanctioned_addresses_ETH.txt");
  EXPECT_EQ(Base((*plan)[0].paths[1]), "sanctioned_addresses_USDT.txt");
  EXPECT_EQ(Base((*plan)[0].paths[2]), "sanctioned_addresses_XBT.txt");
}

TEST(CryptoLists, OneFileOfASetPlansTheWholeSet) {
  auto plan = PlanSources({testing::TestDataFile(
      "crypto/per_currency/sanctioned_addresses_XBT.txt")});
  ASSERT_TRUE(plan) << plan.error().ToString();
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0].paths.size(), 3u);
}

TEST(CryptoLists, FolderWithJsonOnlyPlansTheJsonSet) {
  auto plan = PlanSources({testing::TestDataFile("crypto/json_only")});
  ASSERT_TRUE(plan) << plan.error().ToString();
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0].format, Format::kCryptoAddressJson);
  EXPECT_EQ((*plan)[0].paths.size(), 2u);
}

TEST(CryptoLists, TextSetGivesOnePartyPerAddress) {
  auto parsed = PlanAndParseOne(testing::TestDataFile("crypto/per_currency"));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->lists.size(), 1u);
  const ListDocument& list = parsed->lists[0];
  EXPECT_EQ(list.code, "OFAC-SDN-CRYPTO");
  EXPECT_EQ(list.name, "OFAC SDN digital currency addresses (mirror)");
  EXPECT_EQ(list.publisher, "brave-intl mirror of OFAC SDN");
  EXPECT_EQ(parsed->files.size(), 3u);
  // 5 lines, one address under both ETH and USDT.
  ASSERT_EQ(list.parties.size(), 4u);
  const Party* shared =
      FindParty(list, "0x00000000000000000000000000000000000000aA");
  ASSERT_NE(shared, nullptr);
  EXPECT_EQ(shared->type, PartyType::kUnknown);
  ASSERT_EQ(shared->names.size(), 1u);
  EXPECT_EQ(shared->names[0].full,
            "ETH/USDT address 0x00000000000000000000000000000000000000aA");
  EXPECT_EQ(shared->names[0].strength, AliasStrength::kPrimary);
  ASSERT_EQ(shared->identifiers.size(), 2u);
  EXPECT_EQ(shared->identifiers[0].type, "crypto_address");
  EXPECT_EQ(shared->identifiers[0].currency, "ETH");
  EXPECT_EQ(shared->identifiers[0].label, "Digital Currency Address - ETH");
  EXPECT_EQ(shared->identifiers[0].value,
            "0x00000000000000000000000000000000000000aA");  // case kept
  EXPECT_EQ(shared->identifiers[1].currency, "USDT");
}

TEST(CryptoLists, JsonSetMatchesTextSet) {
  auto text = PlanAndParseOne(testing::TestDataFile("crypto/per_currency"));
  ASSERT_TRUE(text) << text.error().ToString();
  const std::string dir = testing::TestDataFile("crypto/per_currency/");
  auto json = ParseSource({Format::kCryptoAddressJson,
                           {dir + "sanctioned_addresses_ETH.json",
                            dir + "sanctioned_addresses_USDT.json",
                            dir + "sanctioned_addresses_XBT.json"}});
  ASSERT_TRUE(json) << json.error().ToString();
  const auto& a = text->lists[0].parties;
  const auto& b = json->lists[0].parties;
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].source_id, b[i].source_id);
    EXPECT_EQ(a[i].identifiers.size(), b[i].identifiers.size());
  }
}

TEST(CryptoLists, BadLineFailsWithFileAndLine) {
  auto parsed = PlanAndParseOne(testing::TestDataFile("crypto/bad_line"));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kParse);
  EXPECT_NE(
      parsed.error().message().find("sanctioned_addresses_XBT.txt line 2"),
      std::string::npos)
      << parsed.error().message();
}

TEST(CryptoLists, BadJsonArrayElementFailsWithIndex) {
  testing::TempDir dir;
  const std::string path = dir.File("sanctioned_addresses_XBT.json");
  testing::WriteFile(path, "[\"bc1qok\", 42]");
  auto parsed = PlanAndParseOne(path);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find("[1]: expected an address string"),
            std::string::npos)
      << parsed.error().message();
}

TEST(CryptoLists, AddressObjectGivesOnePartyPerSdnEntry) {
  auto parsed =
      PlanAndParseOne(testing::TestDataFile("crypto/addresses_object.json"));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->format, Format::kCryptoAddressJson);
  const ListDocument& list = parsed->lists[0];
  EXPECT_EQ(list.code, "OFAC-SDN-CRYPTO");
  EXPECT_EQ(list.published, "2026-08-20");
  ASSERT_EQ(list.parties.size(), 2u);
  EXPECT_EQ(list.parties[0].source_id, "80002");  // ordered by uid
  const Party* exchange = FindParty(list, "900001");
  ASSERT_NE(exchange, nullptr);
  ASSERT_EQ(exchange->names.size(), 3u);
  EXPECT_EQ(exchange->names[0].full, "SAMPLE EXCHANGE LTD");
  EXPECT_EQ(exchange->names[1].full, "SAMPLEX");
  EXPECT_EQ(exchange->names[1].strength, AliasStrength::kStrong);
  EXPECT_EQ(exchange->programs,
            (std::vector<std::string>{"CYBER2", "RUSSIA-EO14024"}));
  ASSERT_EQ(exchange->identifiers.size(), 3u);
  std::multiset<std::string> currencies;
  for (const Identifier& id : exchange->identifiers) {
    EXPECT_EQ(id.type, "crypto_address");
    EXPECT_NE(id.note.find("lowered by the mirror"), std::string::npos);
    currencies.insert(id.currency);
  }
  EXPECT_EQ(currencies, (std::multiset<std::string>{"ETH", "TRX", "USDT"}));
  EXPECT_EQ(list.parties[0].names.size(), 1u);  // "akas": null
}

TEST(CryptoLists, AddressObjectWithoutUidFailsWithPath) {
  testing::TempDir dir;
  const std::string path = dir.File("sanctioned-addresses.json");
  testing::WriteFile(path,
                     R"({"metadata": {"sdnListDate": "08/20/2026"},
                         "addresses": {"1abc": {"entries": [
                           {"entity": "X", "type": "Digital Currency Address - XBT"}]}}})");
  auto parsed = PlanAndParseOne(path);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find(
                "addresses.1abc.entries[0]: missing string 'uid'"),
            std::string::npos)
      << parsed.error().message();
}

TEST(CryptoLists, RealBraveIntlFolderIsOneSource) {
  const std::string readme =
      testing::SharedDataFile("lists/crypto/brave-intl_2025-12/README.md");
  if (readme.empty()) GTEST_SKIP() << "brave-intl crypto mirror absent";
  const std::string dir = fs::path(readme).parent_path().string();
  auto plan = PlanSources({dir});
  ASSERT_TRUE(plan) << plan.error().ToString();
  ASSERT_EQ(plan->size(), 1u);
  const SourceSpec& spec = (*plan)[0];
  EXPECT_EQ(spec.format, Format::kCryptoAddressText);
  EXPECT_EQ(spec.paths.size(), 19u);
  for (const std::string& path : spec.paths) {
    EXPECT_TRUE(path.ends_with(".txt")) << path;
  }
  auto parsed = ParseSource(spec);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const ListDocument& list = parsed->lists[0];
  // 758 lines in 19 files; 13 addresses are listed under two currencies.
  EXPECT_EQ(list.parties.size(), 745u);
  long identifiers = 0;
  for (const Party& party : list.parties) {
    identifiers += static_cast<long>(party.identifiers.size());
  }
  EXPECT_EQ(identifiers, 758);
  const Party* eth =
      FindParty(list, "0x983a81ca6FB1e441266D2FbcB7D8E530AC2E05A2");
  ASSERT_NE(eth, nullptr);  // original letter case
  EXPECT_EQ(eth->identifiers.size(), 3u);
}

TEST(CryptoLists, RealThomasGreggMirror) {
  const std::string path = testing::SharedDataFile(
      "lists/crypto/thomasgregg_2026-08/sanctioned-addresses.json");
  if (path.empty()) GTEST_SKIP() << "thomasgregg crypto mirror absent";
  auto parsed = PlanAndParseOne(path);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const ListDocument& list = parsed->lists[0];
  EXPECT_EQ(list.code, "OFAC-SDN-CRYPTO");
  EXPECT_EQ(list.published, "2026-08-20");
  EXPECT_EQ(list.parties.size(), 94u);  // SDN entries (uids)
  std::set<std::string> addresses;
  long identifiers = 0;
  for (const Party& party : list.parties) {
    EXPECT_FALSE(party.names.empty());
    EXPECT_FALSE(party.programs.empty()) << party.source_id;
    for (const Identifier& id : party.identifiers) {
      addresses.insert(id.value);
      ++identifiers;
    }
  }
  EXPECT_EQ(addresses.size(), 961u);  // metadata.totalAddresses
  EXPECT_EQ(identifiers, 977);        // metadata.totalEntries
  const Party* bank = FindParty(list, "4632");
  ASSERT_NE(bank, nullptr);
  EXPECT_EQ(bank->names[0].full, "BANK MARKAZI JOMHOURI ISLAMI IRAN");
}

}  // namespace
}  // namespace clearance::lists
