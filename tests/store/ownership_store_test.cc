// OwnershipStore: atomic imports, idempotent re-import, replacement by key,
// listed-party linking and the SDN's own ownership links.
#include "engine/store/ownership_store.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/lists/lists.h"
#include "engine/store/list_store.h"
#include "tests/test_support.h"

namespace clearance::store {
namespace {

using ownership::HoldingKind;
using ownership::RecordBatch;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

RecordBatch Parse(const std::string& name, const std::string& content) {
  auto batch = ownership::ParseRecords(name, content);
  EXPECT_TRUE(batch) << batch.error().ToString();
  batch->sha256 = "sha-" + name + "-" + std::to_string(content.size());
  return *batch;
}

TEST(OwnershipStore, ImportLoadAndReimportIsANoOp) {
  TempDir dir;
  const std::string db = dir.File("t.db");
  const std::string csv = testing::TestDataFile("ownership/scenarios.csv");
  auto batch = ReadRecordFile(csv);
  ASSERT_TRUE(batch) << batch.error().ToString();
  EXPECT_EQ(batch->sha256.size(), 64u);
  auto store = OwnershipStore::Open(db);
  ASSERT_TRUE(store) << store.error().ToString();
  auto outcome = (*store)->Import({*batch}, "2026-11-22T10:00:00Z");
  ASSERT_TRUE(outcome) << outcome.error().ToString();
  ASSERT_EQ(outcome->size(), 1u);
  EXPECT_FALSE((*outcome)[0].already_imported);
  EXPECT_EQ((*outcome)[0].batch.holdings, 10);

  auto data = (*store)->Load();
  ASSERT_TRUE(data) << data.error().ToString();
  EXPECT_EQ(data->holdings.size(), 10u);
  EXPECT_EQ(data->holdings[0].percent, 60.0);
  EXPECT_EQ(data->holdings[0].record_ref, csv + " line 2");
  bool unknown_kept = false;
  for (const auto& h : data->holdings) {
    if (h.owner == "OFAC-SDN:SDN-CEO") {
      unknown_kept = !h.percent.has_value() && h.kind == HoldingKind::kControl;
    }
  }
  EXPECT_TRUE(unknown_kept);

  store->reset();
  const std::string before = ReadFile(db);
  auto again = OwnershipStore::Open(db);
  ASSERT_TRUE(again);
  auto second = (*again)->Import({*batch}, "2026-11-23T10:00:00Z");
  ASSERT_TRUE(second);
  EXPECT_TRUE((*second)[0].already_imported);
  EXPECT_EQ((*second)[0].batch.imported_at, "2026-11-22T10:00:00Z");
  again->reset();
  EXPECT_EQ(ReadFile(db), before);
}

TEST(OwnershipStore, UnknownEntityFailsTheWholeImport) {
  TempDir dir;
  auto store = OwnershipStore::Open(dir.File("t.db"));
  ASSERT_TRUE(store);
  RecordBatch good =
      Parse("good.csv", "owner,owned,percent\nacct:A,acct:B,10\n");
  RecordBatch bad = Parse("bad.json",
                          R"({"entities":[{"id":"acct:C"}],
          "holdings":[{"owner":"acct:NOBODY","owned":"acct:C","percent":5}]})");
  auto outcome = (*store)->Import({good, bad}, "2026-11-22T10:00:00Z");
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(outcome.error().message().find(
                "bad.json holdings[0]: unknown entity id \"acct:NOBODY\""),
            std::string::npos)
      << outcome.error().message();
  auto data = (*store)->Load();
  ASSERT_TRUE(data) << data.error().ToString();
  EXPECT_TRUE(data->holdings.empty());
  EXPECT_TRUE(data->entities.empty());
  auto batches = (*store)->Batches();
  ASSERT_TRUE(batches);
  EXPECT_TRUE(batches->empty());

  // Entities stored earlier may be named by a later file.
  ASSERT_TRUE((*store)->Import({good}, "2026-11-22T10:00:00Z"));
  RecordBatch later =
      Parse("later.json",
            R"({"holdings":[{"owner":"acct:A","owned":"acct:B","percent":20,
                       "source":"provider"}]})");
  auto replaced = (*store)->Import({later}, "2026-11-22T11:00:00Z");
  ASSERT_TRUE(replaced) << replaced.error().ToString();
  EXPECT_EQ((*replaced)[0].replaced, 1);  // same owner, owned, kind, source
  data = (*store)->Load();
  ASSERT_EQ(data->holdings.size(), 1u);
  EXPECT_EQ(data->holdings[0].percent, 20.0);
}

TEST(OwnershipStore, LinksListedPartiesAgainstTheListStore) {
  TempDir dir;
  const std::string db = dir.File("t.db");
  const std::string list = dir.File("el.json");
  WriteFile(list, R"json({"clearance_list": 1, "code": "BIS-EL",
    "name": "Entity List, test", "publisher": "test", "published": "2025-01-01",
    "parties": [{"id": "EL-1", "type": "entity",
      "names": [{"full": "Beijing Parent Technology Co., Ltd."}],
      "addresses": [{"city": "Beijing", "country": "CN"}],
      "attributes": {"start_date": "2024-12-16"}}]})json");
  auto lists_store = ListStore::Open(db);
  ASSERT_TRUE(lists_store);
  auto specs = lists::PlanSources({list});
  ASSERT_TRUE(specs) << specs.error().ToString();
  auto parsed = lists::ParseSource(specs->front(), {});
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_TRUE((*lists_store)->Import(*parsed, "2026-11-22T10:00:00Z"));

  RecordBatch batch = Parse("o.csv",
                            "owner,owned,percent,owned_hq_country\n"
                            "BIS-EL:EL-1,acct:SG,60,SG\n"
                            "OFAC-SDN:1,acct:SG,10,SG\n");
  ASSERT_TRUE(LinkListedParties(batch, **lists_store));
  const ownership::Entity* parent = nullptr;
  for (const auto& e : batch.entities) {
    if (e.id == "BIS-EL:EL-1") parent = &e;
  }
  ASSERT_NE(parent, nullptr);
  EXPECT_EQ(parent->name, "Beijing Parent Technology Co., Ltd.");
  EXPECT_EQ(parent->country, "CN");
  ASSERT_EQ(parent->listings.size(), 1u);
  EXPECT_EQ(parent->listings[0].list, "BIS-EL");
  EXPECT_EQ(parent->listings[0].listed_from, "2024-12-16");
  // OFAC-SDN is not held: kept as declared, with a warning.
  ASSERT_EQ(batch.warnings.size(), 1u);
  EXPECT_NE(batch.warnings[0].find("OFAC-SDN is not in the list store"),
            std::string::npos);

  RecordBatch unknown =
      Parse("u.csv", "owner,owned,percent\nBIS-EL:NOPE,acct:SG,60\n");
  auto linked = LinkListedParties(unknown, **lists_store);
  ASSERT_FALSE(linked);
  EXPECT_EQ(linked.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(linked.error().message().find("u.csv line 2: unknown entity id "
                                          "\"BIS-EL:NOPE\""),
            std::string::npos)
      << linked.error().message();
}

TEST(OwnershipStore, SdnOwnershipLinksWithMultiLevelChains) {
  const std::string sdn =
      testing::SharedDataFile("lists/ofac_sdn_advanced_2025-11-19");
  if (sdn.empty()) GTEST_SKIP() << "real SDN list absent";
  TempDir dir;
  const std::string db = dir.File("t.db");
  auto lists_store = ListStore::Open(db);
  ASSERT_TRUE(lists_store);
  auto specs = lists::PlanSources({sdn});
  ASSERT_TRUE(specs);
  auto parsed = lists::ParseSource(specs->front(), {});
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_TRUE((*lists_store)->Import(*parsed, "2026-11-22T10:00:00Z"));
  auto batch = ListRelationshipRecords(**lists_store, "OFAC-SDN");
  ASSERT_TRUE(batch) << batch.error().ToString();
  EXPECT_EQ(batch->entities.size(), 18367u);
  // 3,718 published links, less those without the owner's id.
  EXPECT_GT(batch->holdings.size(), 3600u);
  EXPECT_LE(batch->holdings.size(), 3718u);
  auto store = OwnershipStore::Open(db);
  ASSERT_TRUE(store);
  auto outcome = (*store)->Import({*batch}, "2026-11-22T10:00:00Z");
  ASSERT_TRUE(outcome) << outcome.error().ToString();
  auto data = (*store)->Load();
  ASSERT_TRUE(data) << data.error().ToString();
  // Tadbirgaran Atiyeh (25020) <- Mehr-e Eqtesad (12802) <- Mehr Eqtesad
  // Bank (25018) <- Bonyad Taavon Basij (25017) <- Basij (12727) <- IRGC.
  auto has = [&](const char* owner, const char* owned) {
    for (const auto& h : data->holdings) {
      if (h.owner == owner && h.owned == owned) {
        return h.kind == HoldingKind::kControl && !h.percent;
      }
    }
    return false;
  };
  EXPECT_TRUE(has("OFAC-SDN:12802", "OFAC-SDN:25020"));
  EXPECT_TRUE(has("OFAC-SDN:25018", "OFAC-SDN:12802"));
  EXPECT_TRUE(has("OFAC-SDN:25017", "OFAC-SDN:25018"));
  EXPECT_TRUE(has("OFAC-SDN:12727", "OFAC-SDN:25017"));
  EXPECT_TRUE(has("OFAC-SDN:10391", "OFAC-SDN:12727"));
}

}  // namespace
}  // namespace clearance::store
