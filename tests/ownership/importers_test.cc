// Ownership record importers: each format (the real GLEIF and BODS samples
// when ../shared/data is present) and the bad-input cases.
#include "engine/ownership/importers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tests/test_support.h"

namespace clearance::ownership {
namespace {

using testing::ReadFile;
using testing::SharedDataFile;
using testing::TestDataFile;

const Holding* FindHolding(const RecordBatch& b, std::string_view owner,
                           std::string_view owned) {
  for (const Holding& h : b.holdings) {
    if (h.owner == owner && h.owned == owned) return &h;
  }
  return nullptr;
}

const Entity* FindEntity(const RecordBatch& b, std::string_view id) {
  for (const Entity& e : b.entities) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

Result<RecordBatch> ParseTestData(const std::string& name) {
  const std::string path = TestDataFile("ownership/" + name);
  return ParseRecords(name, ReadFile(path));
}

TEST(Importers, ProviderCsvScenarios) {
  auto batch = ParseTestData("scenarios.csv");
  ASSERT_TRUE(batch) << batch.error().ToString();
  EXPECT_EQ(batch->format, RecordFormat::kProviderCsv);
  EXPECT_EQ(batch->holdings.size(), 10u);
  const Holding* h = FindHolding(*batch, "BIS-EL:BJ-PARENT", "acct:SG-CUST");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->percent, 60.0);
  EXPECT_EQ(h->kind, HoldingKind::kShares);
  EXPECT_EQ(h->valid_from, "2020-01-01");
  EXPECT_EQ(h->record_ref, "scenarios.csv line 2");
  const Holding* ceo = FindHolding(*batch, "OFAC-SDN:SDN-CEO", "acct:CUST-CEO");
  ASSERT_NE(ceo, nullptr);
  EXPECT_FALSE(ceo->percent.has_value());  // unknown, never 0
  EXPECT_EQ(ceo->kind, HoldingKind::kControl);
  const Entity* cust = FindEntity(*batch, "acct:SG-CUST");
  ASSERT_NE(cust, nullptr);
  EXPECT_EQ(cust->name, "Lion City Compute Pte. Ltd.");
  EXPECT_EQ(cust->hq_country, "SG");
  const Entity* parent = FindEntity(*batch, "BIS-EL:BJ-PARENT");
  ASSERT_NE(parent, nullptr);
  EXPECT_EQ(parent->hq_country, "CN");
  EXPECT_TRUE(batch->warnings.empty());
}

TEST(Importers, ProviderCsvQuotesAndUnknownPercent) {
  auto batch = ParseRecords(
      "q.csv",
      "owned,owner,percent,kind,source,valid_from,valid_to,owner_name\r\n"
      "acct:B,acct:A,unknown,nominee,\"reg, 2024\",,,\"A \"\"Big\"\" Co\"\r\n"
      "\r\n");
  ASSERT_TRUE(batch) << batch.error().ToString();
  ASSERT_EQ(batch->holdings.size(), 1u);
  EXPECT_EQ(batch->holdings[0].owner, "acct:A");
  EXPECT_EQ(batch->holdings[0].source, "reg, 2024");
  EXPECT_EQ(batch->holdings[0].kind, HoldingKind::kNominee);
  EXPECT_FALSE(batch->holdings[0].percent);
  EXPECT_EQ(FindEntity(*batch, "acct:A")->name, "A \"Big\" Co");
}

TEST(Importers, ProviderJson) {
  auto batch = ParseTestData("records.json");
  ASSERT_TRUE(batch) << batch.error().ToString();
  EXPECT_EQ(batch->format, RecordFormat::kProviderJson);
  ASSERT_EQ(batch->holdings.size(), 2u);
  EXPECT_EQ(batch->holdings[0].percent, 51.0);
  EXPECT_EQ(batch->holdings[0].record_ref, "records.json holdings[0]");
  EXPECT_FALSE(batch->holdings[1].percent);
  EXPECT_EQ(batch->holdings[1].kind, HoldingKind::kVoting);
  const Entity* parent = FindEntity(*batch, "acct:SZ-PARENT");
  ASSERT_NE(parent, nullptr);
  ASSERT_EQ(parent->listings.size(), 1u);
  EXPECT_EQ(parent->listings[0].list, "BIS-MEU");
  EXPECT_EQ(parent->listings[0].listed_from, "2024-01-01");
}

TEST(Importers, BadInputNamesFileAndRecord) {
  struct Case {
    const char* file;
    const char* expect;
  };
  for (const Case& c : {
           Case{"bad_percent.csv", "bad_percent.csv line 3: percent 140"},
           Case{"bad_self.csv",
                "bad_self.csv line 2: acct:A cannot own itself"},
           Case{"bad_dates.csv",
                "bad_dates.csv line 2: valid_from 2026-05-01 is after "
                "valid_to 2025-01-01"},
       }) {
    auto batch = ParseTestData(c.file);
    ASSERT_FALSE(batch) << c.file;
    EXPECT_EQ(batch.error().code(), ErrorCode::kInvalidArgument) << c.file;
    EXPECT_NE(batch.error().message().find(c.expect), std::string::npos)
        << batch.error().message();
  }
  auto kind =
      ParseRecords("k.csv", "owner,owned,percent,kind\nacct:A,acct:B,5,loan\n");
  ASSERT_FALSE(kind);
  EXPECT_NE(kind.error().message().find("k.csv line 2: kind \"loan\""),
            std::string::npos);
  auto column = ParseRecords("c.csv", "owner,owned,percent,colour\n");
  ASSERT_FALSE(column);
  EXPECT_NE(column.error().message().find("unknown column \"colour\""),
            std::string::npos);
  auto fields = ParseRecords("f.csv", "owner,owned,percent\nacct:A,acct:B\n");
  ASSERT_FALSE(fields);
  EXPECT_NE(fields.error().message().find("f.csv line 2: expected 3 fields"),
            std::string::npos);
  auto json_bad = ParseRecords(
      "j.json", R"({"holdings":[{"owner":"a","owned":"b","percent":-1}]})");
  ASSERT_FALSE(json_bad);
  EXPECT_NE(json_bad.error().message().find("j.json holdings[0]: percent"),
            std::string::npos);
  auto not_json = ParseRecords("n.json", "{\"holdings\": [");
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().code(), ErrorCode::kParse);
  auto date = ParseRecords(
      "d.csv", "owner,owned,percent,valid_from\nacct:A,acct:B,5,01/02/2025\n");
  ASSERT_FALSE(date);
  EXPECT_NE(date.error().message().find("is not YYYY-MM-DD"),
            std::string::npos);
}

TEST(Importers, SharesPastHundredAreAWarning) {
  auto batch = ParseTestData("over_100.csv");
  ASSERT_TRUE(batch) << batch.error().ToString();
  ASSERT_EQ(batch->warnings.size(), 1u);
  EXPECT_NE(batch->warnings[0].find("acct:B sum to 110"), std::string::npos)
      << batch->warnings[0];
  // Holdings that do not overlap in time do not add up.
  auto dated = ParseRecords("t.csv",
                            "owner,owned,percent,valid_from,valid_to\n"
                            "acct:A,acct:B,70,2020-01-01,2021-12-31\n"
                            "acct:C,acct:B,70,2022-01-01,\n");
  ASSERT_TRUE(dated);
  EXPECT_TRUE(dated->warnings.empty());
}

TEST(Importers, DetectsFormats) {
  EXPECT_EQ(DetectRecordFormat("x", "owner,owned,percent\n").value(),
            RecordFormat::kProviderCsv);
  EXPECT_EQ(DetectRecordFormat("x", "{}").value(), RecordFormat::kProviderJson);
  EXPECT_EQ(DetectRecordFormat("x", "[{\"statementID\":\"1\"}]").value(),
            RecordFormat::kBods);
  auto repex = DetectRecordFormat(
      "repex.xml", "<?xml version=\"1.0\"?><repex:ReportingExceptionData/>");
  ASSERT_FALSE(repex);
  EXPECT_EQ(repex.error().code(), ErrorCode::kUnsupportedFormat);
  EXPECT_FALSE(DetectRecordFormat("x", "hello world"));
}

TEST(Importers, ListedPartyIds) {
  EXPECT_TRUE(IsListedPartyId("OFAC-SDN:36"));
  EXPECT_TRUE(IsListedPartyId("BIS-EL:BJ-PARENT"));
  EXPECT_FALSE(IsListedPartyId("LEI:5493001KJTIIGC8Y1R12"));
  EXPECT_FALSE(IsListedPartyId("acct:ACME"));
  EXPECT_FALSE(IsListedPartyId("OFAC-SDN:"));
  EXPECT_FALSE(IsListedPartyId("-SDN:1"));
}

TEST(Importers, GleifRelationshipRecordsSample) {
  const std::string path =
      SharedDataFile("ownership/gleif_samples/rr-updates-data2.xml");
  if (path.empty()) GTEST_SKIP() << "GLEIF samples absent";
  auto batch = ParseRecords("rr-updates-data2.xml", ReadFile(path));
  ASSERT_TRUE(batch) << batch.error().ToString();
  EXPECT_EQ(batch->format, RecordFormat::kGleifRr);
  // 4 IS_DIRECTLY_CONSOLIDATED_BY -> holdings (parent owns child); the
  // IS_ULTIMATELY_CONSOLIDATED_BY records are ultimate-parent info.
  EXPECT_EQ(batch->holdings.size(), 4u);
  EXPECT_EQ(batch->ultimate_parents.size(), 3u);
  const Holding* h = FindHolding(*batch, "LEI:549300JB1P61FUTPEZ75",
                                 "LEI:097900BHF50000076475");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->source, "gleif-rr");
  EXPECT_FALSE(h->percent);                // no quantifier
  EXPECT_EQ(h->valid_from, "2022-10-24");  // RELATIONSHIP_PERIOD only
  const Holding* q = FindHolding(*batch, "LEI:984500501A1B1045PB30",
                                 "LEI:2138002YAB7Z9KO21397");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->percent, 100.0);
  EXPECT_EQ(q->valid_from, "2019-06-30");
  EXPECT_NE(q->record_ref.find("rr-updates-data2.xml line"), std::string::npos);
  // Fund-management records carry no ownership: counted in a warning.
  ASSERT_FALSE(batch->warnings.empty());
  EXPECT_NE(batch->warnings.back().find("IS_FUND-MANAGED_BY"),
            std::string::npos);

  const std::string full =
      SharedDataFile("ownership/gleif_samples/rr-data.xml");
  ASSERT_FALSE(full.empty());
  auto rr = ParseRecords("rr-data.xml", ReadFile(full));
  ASSERT_TRUE(rr) << rr.error().ToString();
  EXPECT_EQ(rr->holdings.size(), 1u);
  EXPECT_EQ(rr->ultimate_parents.size(), 1u);
}

TEST(Importers, GleifLeiRecordsSample) {
  const std::string path =
      SharedDataFile("ownership/gleif_samples/lei-data.xml");
  if (path.empty()) GTEST_SKIP() << "GLEIF samples absent";
  auto batch = ParseRecords("lei-data.xml", ReadFile(path));
  ASSERT_TRUE(batch) << batch.error().ToString();
  EXPECT_EQ(batch->format, RecordFormat::kGleifLei);
  EXPECT_EQ(batch->entities.size(), 13u);
  const Entity* e = FindEntity(*batch, "LEI:001GPB6A9XPE8XJICC14");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "Fidelity Advisor Leveraged Company Stock Fund");
  EXPECT_EQ(e->country, "US");
  EXPECT_EQ(e->hq_country, "US");
  EXPECT_TRUE(batch->holdings.empty());
  const std::string updates =
      SharedDataFile("ownership/gleif_samples/lei-updates-data2.xml");
  ASSERT_FALSE(updates.empty());
  auto more = ParseRecords("lei-updates-data2.xml", ReadFile(updates));
  ASSERT_TRUE(more) << more.error().ToString();
  EXPECT_FALSE(more->entities.empty());
  for (const Entity& x : more->entities) {
    EXPECT_TRUE(x.id.starts_with("LEI:")) << x.id;
    EXPECT_EQ(x.country.size(), 2u) << x.id;
  }
}

TEST(Importers, BodsSamples) {
  const std::string entities =
      SharedDataFile("ownership/gleif_samples/lei-data-out.json");
  const std::string rr =
      SharedDataFile("ownership/gleif_samples/rr-data-out.json");
  if (entities.empty() || rr.empty()) GTEST_SKIP() << "BODS samples absent";
  auto e = ParseRecords("lei-data-out.json", ReadFile(entities));
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_EQ(e->format, RecordFormat::kBods);
  ASSERT_EQ(e->entities.size(), 5u);
  const Entity* fund = FindEntity(*e, "LEI:001GPB6A9XPE8XJICC14");
  ASSERT_NE(fund, nullptr);
  EXPECT_EQ(fund->country, "US");
  EXPECT_EQ(fund->hq_country, "US");

  auto r = ParseRecords("rr-data-out.json", ReadFile(rr));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->holdings.size(), 10u);
  for (const Holding& h : r->holdings) {
    // other-influence-or-control: control, not ownership.
    EXPECT_EQ(h.kind, HoldingKind::kControl) << h.record_ref;
    EXPECT_EQ(h.source, "bods");
  }
  // The entity statements are published elsewhere: unnamed entities, warned.
  EXPECT_FALSE(r->warnings.empty());
}

TEST(Importers, BodsShareholdingRangesAndIndirect) {
  auto batch = ParseRecords("s.json", R"([
    {"statementID":"e1","statementType":"entityStatement","name":"Sub",
     "addresses":[{"type":"registered","country":"SG"},
                  {"type":"business","country":"CN"}]},
    {"statementID":"p1","statementType":"personStatement",
     "names":[{"fullName":"Jane Owner"}]},
    {"statementID":"o1","statementType":"ownershipOrControlStatement",
     "subject":{"describedByEntityStatement":"e1"},
     "interestedParty":{"describedByPersonStatement":"p1"},
     "interests":[
       {"type":"shareholding","share":{"minimum":25,"maximum":50},
        "startDate":"2020-01-01"},
       {"type":"voting-rights","share":{"exact":60}},
       {"type":"shareholding","interestLevel":"indirect","share":{"exact":10}},
       {"type":"appointment-of-board"}]}
  ])");
  ASSERT_TRUE(batch) << batch.error().ToString();
  ASSERT_EQ(batch->holdings.size(), 4u);
  EXPECT_EQ(batch->holdings[0].owner, "BODS:p1");
  EXPECT_EQ(batch->holdings[0].owned, "BODS:e1");
  EXPECT_EQ(batch->holdings[0].percent, 50.0);  // upper bound of the range
  EXPECT_EQ(batch->holdings[0].valid_from, "2020-01-01");
  EXPECT_EQ(batch->holdings[1].kind, HoldingKind::kVoting);
  EXPECT_EQ(batch->holdings[2].kind, HoldingKind::kControl);  // indirect
  EXPECT_EQ(batch->holdings[3].kind, HoldingKind::kControl);
  const Entity* sub = FindEntity(*batch, "BODS:e1");
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(sub->country, "SG");
  EXPECT_EQ(sub->hq_country, "CN");
  EXPECT_EQ(FindEntity(*batch, "BODS:p1")->name, "Jane Owner");
}

TEST(Importers, MalformedXmlNamesTheLine) {
  auto batch =
      ParseRecords("rr.xml",
                   "<?xml version=\"1.0\"?>\n<rr:RelationshipData "
                   "xmlns:rr=\"x\">\n<rr:RelationshipRecords>\n<oops>\n"
                   "</rr:RelationshipRecords>");
  ASSERT_FALSE(batch);
  EXPECT_NE(batch.error().message().find("rr.xml line 5"), std::string::npos)
      << batch.error().message();
}

}  // namespace
}  // namespace clearance::ownership
