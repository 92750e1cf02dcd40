#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "engine/lists/lists.h"
#include "tests/test_support.h"

namespace clearance::lists {
namespace {

const Party* FindByName(const ListDocument& list, std::string_view name) {
  for (const Party& party : list.parties) {
    if (party.names[0].full == name) return &party;
  }
  return nullptr;
}

bool HasName(const Party& party, std::string_view full,
             AliasStrength strength) {
  return std::any_of(
      party.names.begin(), party.names.end(),
      [&](const Name& n) { return n.full == full && n.strength == strength; });
}

std::vector<std::string> Attributes(const Party& party, std::string_view key) {
  std::vector<std::string> values;
  for (const auto& [k, v] : party.attributes) {
    if (k == key) values.push_back(v);
  }
  return values;
}

std::string ErrorOf(const std::string& fixture) {
  auto parsed = ParseSource(
      SourceSpec{Format::kDod1260hCsv, {testing::TestDataFile(fixture)}});
  EXPECT_FALSE(parsed.has_value()) << fixture << " parsed but should not";
  if (parsed) return "";
  EXPECT_EQ(parsed.error().code(), ErrorCode::kParse);
  return parsed.error().message();
}

TEST(Dod1260hReal, RowsMergedPerCompany) {
  const std::string path = testing::SharedDataFile(
      "lists/dod_1260h/us__dod_chinese_milcorps__sanctions.csv");
  if (path.empty()) GTEST_SKIP() << "lists/dod_1260h/... absent";
  auto format = DetectFormat(path);
  ASSERT_TRUE(format.has_value()) << format.error().ToString();
  EXPECT_EQ(*format, Format::kDod1260hCsv);
  auto parsed = ParseSource(SourceSpec{Format::kDod1260hCsv, {path}});
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  ASSERT_EQ(parsed->lists.size(), 1u);
  const ListDocument& list = parsed->lists[0];
  EXPECT_EQ(list.code, "DOD-1260H");
  EXPECT_EQ(list.publisher, "U.S. Department of Defense");
  // 397 rows: one per company and tranche. 234 distinct Clean Names, 7 of
  // which differ from another only in punctuation or case -> 227 parties.
  EXPECT_EQ(list.parties.size(), 227u);
  long rows = 0;
  std::set<std::string> ids;
  for (const Party& party : list.parties) {
    rows += std::stol(std::string(party.Attribute("source_rows")));
    EXPECT_EQ(party.type, PartyType::kEntity);
    EXPECT_TRUE(ids.insert(party.source_id).second);
    EXPECT_TRUE(party.source_id.starts_with("1260H-"));
    EXPECT_FALSE(party.Attribute("start_date").empty());
  }
  EXPECT_EQ(rows, 397);

  const Party* qihoo = FindByName(list, "360 Security Technology Inc.");
  ASSERT_NE(qihoo, nullptr);
  EXPECT_EQ(qihoo->Attribute("source_rows"), "3");
  EXPECT_EQ(qihoo->Attribute("start_date"), "2022-10-05");
  EXPECT_EQ(qihoo->Attribute("end_date"), "");
  EXPECT_EQ(
      Attributes(*qihoo, "listing_date"),
      (std::vector<std::string>{"2022-10-05", "2025-01-07", "2026-06-08"}));
  EXPECT_TRUE(HasName(*qihoo, "Qihoo 360", AliasStrength::kStrong));
  // The raw Name, footnote star removed.
  EXPECT_TRUE(HasName(*qihoo, "360 Security Technology Inc. (Qihoo 360)",
                      AliasStrength::kStrong));

  const Party* huawei = FindByName(list, "Huawei Technologies Co., Ltd.");
  ASSERT_NE(huawei, nullptr);
  ASSERT_EQ(huawei->relationships.size(), 1u);
  EXPECT_EQ(huawei->relationships[0].type, "Subsidiary Of");
  EXPECT_EQ(huawei->relationships[0].other_name,
            "Huawei Investment & Holding Co., Ltd.");
  const Party* holding =
      FindByName(list, "Huawei Investment & Holding Co., Ltd.");
  ASSERT_NE(holding, nullptr);
  EXPECT_EQ(huawei->relationships[0].other_source_id, holding->source_id);

  // "Knownsec,Beijing Kownsec" is two aliases.
  bool knownsec = false;
  for (const Party& party : list.parties) {
    if (HasName(party, "Knownsec", AliasStrength::kStrong) &&
        HasName(party, "Beijing Kownsec", AliasStrength::kStrong)) {
      knownsec = true;
    }
  }
  EXPECT_TRUE(knownsec);

  // Previous Name "Zhonghang Electronic Measuring Instruments Company
  // Limited; ZEMIC" on a renamed company.
  long formerly = 0;
  for (const Party& party : list.parties) {
    formerly += std::count_if(
        party.names.begin(), party.names.end(),
        [](const Name& n) { return n.strength == AliasStrength::kFormerly; });
  }
  EXPECT_GE(formerly, 6);
}

TEST(Dod1260hFixture, MergesTranchesAndLinksParent) {
  auto parsed = ParseSource(SourceSpec{
      Format::kDod1260hCsv, {testing::TestDataFile("dod_1260h/sample.csv")}});
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  const ListDocument& list = parsed->lists.at(0);
  ASSERT_EQ(list.parties.size(), 3u);
  const Party& group = list.parties[0];
  // The newest tranche's spelling is primary; the older one an a.k.a.
  EXPECT_EQ(group.names.at(0).full, "Example Aviation Group Ltd");
  EXPECT_EQ(group.names.at(0).strength, AliasStrength::kPrimary);
  EXPECT_TRUE(HasName(group, "EAG", AliasStrength::kStrong));
  EXPECT_TRUE(HasName(group, "Example Aviation Group Ltd. (EAG)",
                      AliasStrength::kStrong));
  EXPECT_EQ(group.Attribute("start_date"), "2021-06-03");
  EXPECT_EQ(group.Attribute("source_rows"), "2");
  EXPECT_EQ(group.remarks, "Indirectly owned by SASAC.");
  EXPECT_EQ(group.Attribute("source_url"),
            "https://media.defense.gov/example.pdf");

  const Party& avionics = list.parties[1];
  EXPECT_EQ(avionics.names.at(0).full, "Example Avionics Co., Ltd");
  EXPECT_TRUE(HasName(avionics, "EXAV", AliasStrength::kStrong));
  EXPECT_TRUE(HasName(avionics, "Example Avionics", AliasStrength::kStrong));
  EXPECT_TRUE(HasName(avionics, "Example Avionics Research Institute",
                      AliasStrength::kFormerly));
  EXPECT_TRUE(HasName(avionics, "EARI", AliasStrength::kFormerly));
  ASSERT_EQ(avionics.relationships.size(), 1u);
  EXPECT_EQ(avionics.relationships[0].type, "Subsidiary Of");
  EXPECT_EQ(avionics.relationships[0].other_source_id, group.source_id);

  const Party& removed = list.parties[2];
  EXPECT_EQ(removed.Attribute("end_date"), "2026-02-17");
}

TEST(Dod1260hErrors, BadDate) {
  const std::string message = ErrorOf("dod_1260h/bad_date.csv");
  EXPECT_NE(message.find("bad_date.csv line 3: Start date: expected a date "
                         "YYYY-MM-DD, found '06/03/2021'"),
            std::string::npos)
      << message;
}

TEST(Dod1260hErrors, MissingColumn) {
  const std::string message = ErrorOf("dod_1260h/missing_column.csv");
  EXPECT_NE(message.find("missing_column.csv line 1: missing column 'Clean "
                         "Name'"),
            std::string::npos)
      << message;
}

TEST(Dod1260hErrors, UnterminatedQuote) {
  const std::string message = ErrorOf("dod_1260h/unterminated_quote.csv");
  EXPECT_NE(message.find("unterminated_quote.csv line 3"), std::string::npos)
      << message;
}

}  // namespace
}  // namespace clearance::lists
