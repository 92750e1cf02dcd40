#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "engine/lists/lists.h"
#include "tests/test_support.h"

namespace clearance::lists {
namespace {

const Party* FindByName(const ListDocument& list, std::string_view name,
                        std::string_view effective_date) {
  for (const Party& party : list.parties) {
    if (party.names[0].full == name &&
        party.Attribute("effective_date") == effective_date) {
      return &party;
    }
  }
  return nullptr;
}

long SourceRows(const ListDocument& list) {
  long rows = 0;
  for (const Party& party : list.parties) {
    rows += std::stol(std::string(party.Attribute("source_rows")));
  }
  return rows;
}

std::string ErrorOf(const std::string& fixture) {
  auto parsed = ParseSource(
      SourceSpec{Format::kBisDplText, {testing::TestDataFile(fixture)}});
  EXPECT_FALSE(parsed.has_value()) << fixture << " parsed but should not";
  if (parsed) return "";
  EXPECT_EQ(parsed.error().code(), ErrorCode::kParse);
  return parsed.error().message();
}

TEST(BisDplReal, AllRowsAccountedFor) {
  const std::string path =
      testing::SharedDataFile("lists/bis_dpl_2023-11/dpl.txt");
  if (path.empty()) GTEST_SKIP() << "lists/bis_dpl_2023-11/dpl.txt absent";
  auto format = DetectFormat(path);
  ASSERT_TRUE(format.has_value()) << format.error().ToString();
  EXPECT_EQ(*format, Format::kBisDplText);
  auto parsed = ParseSource(SourceSpec{Format::kBisDplText, {path}});
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  ASSERT_EQ(parsed->lists.size(), 1u);
  const ListDocument& list = parsed->lists[0];
  EXPECT_EQ(list.code, "BIS-DPL");
  EXPECT_EQ(list.publisher, "U.S. Commerce BIS");
  EXPECT_EQ(list.published, "2023-11-28");  // not the typo "3033-09-30"
  // 665 rows = 547 orders (name + effective date) + 118 rows merged into
  // them (one row per further address).
  EXPECT_EQ(list.parties.size(), 547u);
  EXPECT_EQ(SourceRows(list), 665);
  std::set<std::string> ids;
  for (const Party& party : list.parties) {
    EXPECT_TRUE(ids.insert(party.source_id).second) << party.source_id;
    EXPECT_TRUE(party.source_id.starts_with("DPL-")) << party.source_id;
    EXPECT_EQ(party.source_id.size(), 20u);
    EXPECT_FALSE(party.Attribute("effective_date").empty());
  }

  // One order, two addresses; the FR citations differ between the rows.
  const Party* nasser = FindByName(list, "ABDULAH AL NASSER", "2002-03-04");
  ASSERT_NE(nasser, nullptr);
  EXPECT_EQ(nasser->addresses.size(), 2u);
  EXPECT_EQ(nasser->Attribute("expiration_date"), "2056-06-29");
  EXPECT_EQ(nasser->Attribute("action"), "50 YEAR DENIAL");
  EXPECT_EQ(nasser->Attribute("last_update"), "2006-07-11");
  EXPECT_EQ(nasser->Attribute("standard_order"), "Y");
  EXPECT_EQ(nasser->addresses[0].full,
            "605 TRAIL LAKE DRIVE, RICHARDSON, TX, 75081, US");
  EXPECT_EQ(nasser->addresses[0].street, "605 TRAIL LAKE DRIVE");
  EXPECT_EQ(nasser->addresses[0].city, "RICHARDSON");
  EXPECT_EQ(nasser->addresses[0].state_province, "TX");
  EXPECT_EQ(nasser->addresses[0].postal_code, "75081");
  EXPECT_EQ(nasser->addresses[0].country, "US");

  // The same name under two orders stays two parties.
  EXPECT_NE(FindByName(list, "I. ASH", "2003-06-19"), nullptr);
  EXPECT_NE(FindByName(list, "I. ASH", "2002-03-04"), nullptr);

  const Party* villa = FindByName(list, "AARON ABRAHAM VILLA", "2022-08-24");
  ASSERT_NE(villa, nullptr);
  EXPECT_EQ(villa->Attribute("expiration_date"), "2026-01-14");
  EXPECT_EQ(villa->Attribute("fr_citation"), "87 F.R. 52741 8/29/2022");
  EXPECT_EQ(villa->Attribute("source_rows"), "1");
  EXPECT_EQ(villa->addresses.at(0).country, "");  // Country column empty

  // Rows of one order with different expiry dates, and a Last_Update of
  // "1023-11-01", are reported.
  const auto warned = [&](std::string_view text) {
    return std::any_of(parsed->warnings.begin(), parsed->warnings.end(),
                       [&](const std::string& w) {
                         return w.find(text) != std::string::npos;
                       });
  };
  EXPECT_TRUE(warned("Expiration_Date/Standard_Order differ"));
  EXPECT_TRUE(warned("'1023-11-01' looks mistyped"));
  EXPECT_TRUE(warned("'3033-09-30' looks mistyped"));
}

TEST(BisDplReal, IdsAreStableAcrossParses) {
  const std::string path =
      testing::SharedDataFile("lists/bis_dpl_2023-11/dpl.txt");
  if (path.empty()) GTEST_SKIP() << "lists/bis_dpl_2023-11/dpl.txt absent";
  auto a = ParseSource(SourceSpec{Format::kBisDplText, {path}});
  auto b = ParseSource(SourceSpec{Format::kBisDplText, {path}});
  ASSERT_TRUE(a && b);
  const ListDiff diff = DiffLists(a->lists[0], b->lists[0]);
  EXPECT_TRUE(diff.added.empty());
  EXPECT_TRUE(diff.removed.empty());
  EXPECT_TRUE(diff.changed.empty());
}

TEST(BisDplFixture, MergesRowsOfOneOrder) {
  auto parsed = ParseSource(SourceSpec{
      Format::kBisDplText, {testing::TestDataFile("bis_dpl/sample.txt")}});
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  const ListDocument& list = parsed->lists.at(0);
  ASSERT_EQ(list.parties.size(), 2u);
  EXPECT_EQ(list.published, "2023-11-01");
  const Party& john = list.parties[0];
  EXPECT_EQ(john.names.at(0).full, "JOHN EXAMPLE");
  EXPECT_EQ(john.addresses.size(), 2u);
  EXPECT_EQ(john.Attribute("source_rows"), "2");
  // Attributes of the most recently updated row.
  EXPECT_EQ(john.Attribute("last_update"), "2022-09-01");
  EXPECT_EQ(john.Attribute("action"), "F.R. NOTICE UPDATED");
  EXPECT_EQ(john.Attribute("effective_date"), "2022-08-24");
  EXPECT_EQ(john.Attribute("expiration_date"), "2026-01-14");
  const Party& llc = list.parties[1];
  EXPECT_EQ(llc.addresses.at(0).full, "P.O. BOX 1, DUBAI, AE");
  EXPECT_EQ(llc.addresses.at(0).country, "AE");
}

TEST(BisDplErrors, BadDate) {
  const std::string message = ErrorOf("bis_dpl/bad_date.txt");
  EXPECT_NE(message.find("bad_date.txt line 4: Effective_Date: expected a "
                         "date MM/DD/YYYY, found '2023-10-31'"),
            std::string::npos)
      << message;
}

TEST(BisDplErrors, MissingColumn) {
  const std::string message = ErrorOf("bis_dpl/missing_column.txt");
  EXPECT_NE(message.find("missing_column.txt line 1: missing column "
                         "'FR_Citation'"),
            std::string::npos)
      << message;
}

TEST(BisDplErrors, WrongFieldCount) {
  const std::string message = ErrorOf("bis_dpl/wrong_field_count.txt");
  EXPECT_NE(message.find("wrong_field_count.txt line 3: expected 12 fields, "
                         "found 11"),
            std::string::npos)
      << message;
}

TEST(BisDplErrors, UnterminatedQuote) {
  const std::string message = ErrorOf("bis_dpl/unterminated_quote.txt");
  EXPECT_NE(message.find("unterminated_quote.txt line 3"), std::string::npos)
      << message;
}

}  // namespace
}  // namespace clearance::lists
