#include "engine/store/ruleset_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "tests/test_support.h"

namespace clearance::store {
namespace {

using testing::TempDir;

RulesetSnapshot Sample() {
  return {.hash = "abc123",
          .stored_at = "",
          .files = {{"a.json", "{\"rules\": []}\n"},
                    {"b.json", std::string("bytes \0 kept", 12)}}};
}

// Runs `sql` on the file directly; returns the SQLite result code.
int Exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

TEST(RulesetStore, StoresOncePerHashAndReturnsTheBytes) {
  TempDir dir;
  auto store = RulesetStore::Open(dir.File("t.db"));
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_FALSE(*(*store)->Has("abc123"));
  auto put = (*store)->Put(Sample(), "2026-03-01T00:00:00Z");
  ASSERT_TRUE(put.has_value()) << put.error().ToString();
  EXPECT_TRUE(*put);
  RulesetSnapshot other = Sample();
  other.files[0].content = "different";
  auto again = (*store)->Put(other, "2026-03-02T00:00:00Z");
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(*again);  // held: nothing written

  auto got = (*store)->Get("abc123");
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(got->stored_at, "2026-03-01T00:00:00Z");
  ASSERT_EQ(got->files.size(), 2u);
  EXPECT_EQ(got->files[0].name, "a.json");
  EXPECT_EQ(got->files[0].content, Sample().files[0].content);
  EXPECT_EQ(got->files[1].content, Sample().files[1].content);
  auto list = (*store)->List();
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].hash, "abc123");
}

TEST(RulesetStore, MissingHashIsNotFound) {
  TempDir dir;
  auto store = RulesetStore::Open(dir.File("t.db"));
  ASSERT_TRUE(store.has_value());
  auto got = (*store)->Get("nope");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kNotFound);
}

TEST(RulesetStore, RejectsMalformedSnapshots) {
  TempDir dir;
  auto store = RulesetStore::Open(dir.File("t.db"));
  ASSERT_TRUE(store.has_value());
  RulesetSnapshot s = Sample();
  s.hash = "";
  EXPECT_EQ((*store)->Put(s, "t").error().code(), ErrorCode::kInvalidArgument);
  s = Sample();
  s.files[1].name = "a.json";
  EXPECT_EQ((*store)->Put(s, "t").error().code(), ErrorCode::kInvalidArgument);
  s.files.clear();
  EXPECT_EQ((*store)->Put(s, "t").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(*(*store)->Has("abc123"));
}

TEST(RulesetStore, SnapshotsCannotBeEditedThroughSql) {
  TempDir dir;
  const std::string path = dir.File("t.db");
  {
    auto store = RulesetStore::Open(path);
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE((*store)->Put(Sample(), "t").has_value());
  }
  EXPECT_NE(Exec(path, "UPDATE ruleset_files SET content = 'x'"), SQLITE_OK);
  EXPECT_NE(Exec(path, "DELETE FROM ruleset_files"), SQLITE_OK);
  EXPECT_NE(Exec(path, "DELETE FROM ruleset_snapshots"), SQLITE_OK);
  auto store = RulesetStore::Open(path);
  ASSERT_TRUE(store.has_value());
  auto got = (*store)->Get("abc123");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->files[0].content, Sample().files[0].content);
}

}  // namespace
}  // namespace clearance::store
