#include "engine/store/list_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace clearance::store {
namespace {

using lists::AliasStrength;
using lists::ListDocument;
using lists::ParsedSource;
using lists::Party;
using lists::PartyType;

// A party with every field of the model populated; `n` varies the values.
Party RichParty(int n) {
  const std::string s = std::to_string(n);
  Party p;
  p.source_id = s;
  p.type = n % 4 == 0   ? PartyType::kPerson
           : n % 4 == 1 ? PartyType::kEntity
           : n % 4 == 2 ? PartyType::kVessel
                        : PartyType::kAircraft;
  p.names.push_back({"IVANOV, Ivan " + s,
                     "Latn",
                     AliasStrength::kPrimary,
                     "",
                     "",
                     {{"family", "IVANOV"}, {"given", "Ivan"}, {"other", s}}});
  p.names.push_back({"Иван Иванов " + s,
                     "Cyrl",
                     AliasStrength::kStrong,
                     "A.K.A.",
                     "ru",
                     {{"given", "Иван"}, {"family", "Иванов"}}});
  p.names.push_back(
      {"伊万 " + s, "Hani", AliasStrength::kWeak, "a.k.a. (weak)", "zh", {}});
  p.names.push_back(
      {"OLD NAME " + s, "", AliasStrength::kFormerly, "F.K.A.", "", {}});
  p.addresses.push_back({"1 Main St, Moscow 101000, Russia", "1 Main St",
                         "Moscow", "Moscow Oblast", "101000", "", "RU",
                         "Russia"});
  p.addresses.push_back(
      {"", "", "Sevastopol", "", "", "Crimea", "", "Crimea region of Ukraine"});
  p.identifiers.push_back({"passport", "Passport", "AB 12 34" + s, "RU", "",
                           "2010-01-02", "2020-01-01", "issued in Moscow"});
  p.identifiers.push_back({"crypto_address", "Digital Currency Address - XBT",
                           "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN" + s, "", "XBT",
                           "", "", ""});
  p.programs = {"UKRAINE-EO13661", "CYBER2", "SDGT"};
  p.dates_of_birth = {"1962-03-25", "1960/1962", "1963"};
  p.places_of_birth = {"Moscow, Russia", "Kyiv"};
  p.nationalities = {"RU", "UA"};
  p.citizenships = {"RU"};
  p.relationships.push_back(
      {"Owned or Controlled By", std::to_string(n + 1), "", "50%"});
  p.relationships.push_back({"Linked To", "", "SOME COMPANY LTD", ""});
  p.remarks = "Remarks with 'quotes', \"double\", ; semicolons;\nnewline " + s;
  p.attributes = {{"gender", "Male"},
                  {"title", "Director"},
                  {"title", "Chairman"},  // repeated keys are kept
                  {"empty", ""}};
  return p;
}

ListDocument MakeList(const std::string& code, const std::string& published,
                      int parties, int first_id = 1) {
  ListDocument doc;
  doc.code = code;
  doc.name = code + " list";
  doc.publisher = "U.S. Treasury OFAC";
  doc.published = published;
  for (int i = 0; i < parties; ++i)
    doc.parties.push_back(RichParty(first_id + i));
  return doc;
}

ParsedSource MakeSource(const std::string& sha256,
                        std::vector<ListDocument> lists) {
  ParsedSource source;
  source.format = lists::Format::kOfacAdvancedXml;
  source.parser_version = "1";
  source.files = {{"/data/" + sha256.substr(0, 8) + ".xml", sha256, 12345}};
  source.sha256 = sha256;
  source.lists = std::move(lists);
  source.warnings = {"line 3: odd"};
  return source;
}

// A 64-hex-digit sha256 made of `c`.
std::string Sha(char c) { return std::string(64, c); }

// Every field of a document, unambiguously, for comparison.
std::string Dump(const ListDocument& d) {
  std::string out;
  auto put = [&](std::string_view key, std::string_view value) {
    out += key;
    out += '[';
    out += std::to_string(value.size());
    out += "]=";
    out += value;
    out += '\n';
  };
  put("code", d.code);
  put("name", d.name);
  put("publisher", d.publisher);
  put("published", d.published);
  for (const Party& p : d.parties) {
    put("party", p.source_id);
    put("type", lists::PartyTypeName(p.type));
    for (const lists::Name& n : p.names) {
      put("name", n.full);
      put("script", n.script);
      put("strength", lists::AliasStrengthName(n.strength));
      put("alias_type", n.alias_type);
      put("language", n.language);
      for (const lists::NamePart& part : n.parts) {
        put("part.type", part.type);
        put("part.value", part.value);
      }
    }
    for (const lists::Address& a : p.addresses) {
      for (const std::string* f :
           {&a.full, &a.street, &a.city, &a.state_province, &a.postal_code,
            &a.region, &a.country, &a.country_name}) {
        put("address", *f);
      }
    }
    for (const lists::Identifier& i : p.identifiers) {
      for (const std::string* f :
           {&i.type, &i.label, &i.value, &i.country, &i.currency, &i.issued,
            &i.expires, &i.note}) {
        put("identifier", *f);
      }
    }
    for (const auto& v : p.programs) put("program", v);
    for (const auto& v : p.dates_of_birth) put("dob", v);
    for (const auto& v : p.places_of_birth) put("pob", v);
    for (const auto& v : p.nationalities) put("nationality", v);
    for (const auto& v : p.citizenships) put("citizenship", v);
    for (const lists::Relationship& r : p.relationships) {
      for (const std::string* f :
           {&r.type, &r.other_source_id, &r.other_name, &r.note}) {
        put("relationship", *f);
      }
    }
    put("remarks", p.remarks);
    for (const auto& [k, v] : p.attributes) {
      put("attribute.key", k);
      put("attribute.value", v);
    }
  }
  return out;
}

std::unique_ptr<ListStore> OpenOrDie(const std::string& path) {
  auto store = ListStore::Open(path);
  EXPECT_TRUE(store.has_value()) << store.error().ToString();
  return store ? std::move(*store) : nullptr;
}

// Runs one SQL query returning a single integer, on a separate connection.
std::int64_t QueryInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  std::int64_t value = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

void ExecSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message),
            SQLITE_OK)
      << (message ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

TEST(ListStore, RoundTripKeepsEveryField) {
  testing::TempDir dir;
  auto store = OpenOrDie(dir.File("lists.db"));
  ASSERT_TRUE(store);
  ListDocument sdn = MakeList("OFAC-SDN", "2025-11-19", 25);
  // Edge cases: empty strings everywhere, a party with nothing but an id,
  // text with NUL bytes and non-BMP characters.
  Party bare;
  bare.source_id = "bare";
  sdn.parties.push_back(bare);
  Party odd = RichParty(999);
  odd.source_id = "with:colon";
  odd.remarks = std::string("nul\0inside", 10) + " 😀";
  odd.type = PartyType::kUnknown;
  sdn.parties.push_back(odd);
  ListDocument other = MakeList("OFAC-NONSDN", "", 3, 500);

  auto outcome =
      store->Import(MakeSource(Sha('a'), {sdn, other}), "2026-11-22T10:00:00Z");
  ASSERT_TRUE(outcome.has_value()) << outcome.error().ToString();
  EXPECT_FALSE(outcome->already_imported);
  ASSERT_EQ(outcome->versions.size(), 2u);
  const ListVersionInfo& v = outcome->versions[0];
  EXPECT_EQ(v.code, "OFAC-SDN");
  EXPECT_EQ(v.name, "OFAC-SDN list");
  EXPECT_EQ(v.publisher, "U.S. Treasury OFAC");
  EXPECT_EQ(v.published, "2025-11-19");
  EXPECT_EQ(v.format, "ofac-advanced-xml");
  EXPECT_EQ(v.source_path, "/data/aaaaaaaa.xml");
  EXPECT_EQ(v.sha256, Sha('a'));
  EXPECT_EQ(v.parser_version, "1");
  EXPECT_EQ(v.imported_at, "2026-11-22T10:00:00Z");
  EXPECT_TRUE(v.latest);
  const lists::ListCounts counts = lists::CountOf(sdn);
  EXPECT_EQ(v.counts.parties, counts.parties);
  EXPECT_EQ(v.counts.names, counts.names);
  EXPECT_EQ(v.counts.addresses, counts.addresses);
  EXPECT_EQ(v.counts.identifiers, counts.identifiers);
  EXPECT_EQ(v.counts.relationships, counts.relationships);

  auto loaded = store->LoadList(v.id);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(Dump(*loaded), Dump(sdn));
  auto loaded_other = store->LoadList(outcome->versions[1].id);
  ASSERT_TRUE(loaded_other.has_value());
  EXPECT_EQ(Dump(*loaded_other), Dump(other));

  // And again after reopening.
  store.reset();
  store = OpenOrDie(dir.File("lists.db"));
  ASSERT_TRUE(store);
  loaded = store->LoadList(v.id);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(Dump(*loaded), Dump(sdn));

  auto missing = store->LoadList(12345);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST(ListStore, ReimportOfSameShaChangesNothing) {
  testing::TempDir dir;
  const std::string path = dir.File("lists.db");
  const ParsedSource source =
      MakeSource(Sha('b'), {MakeList("OFAC-SDN", "2025-11-19", 10)});
  std::int64_t first_id = 0;
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store);
    auto outcome = store->Import(source, "2026-11-22T10:00:00Z");
    ASSERT_TRUE(outcome.has_value()) << outcome.error().ToString();
    first_id = outcome->versions.at(0).id;
  }
  const std::string before = testing::ReadFile(path);
  ASSERT_FALSE(before.empty());
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"))
      << "closing checkpoints and removes the WAL";
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store);
    auto again = store->Import(source, "2026-11-23T10:00:00Z");
    ASSERT_TRUE(again.has_value()) << again.error().ToString();
    EXPECT_TRUE(again->already_imported);
    ASSERT_EQ(again->versions.size(), 1u);
    EXPECT_EQ(again->versions[0].id, first_id);
    EXPECT_EQ(again->versions[0].imported_at, "2026-11-22T10:00:00Z");
    auto versions = store->Versions();
    ASSERT_TRUE(versions.has_value());
    EXPECT_EQ(versions->size(), 1u);
  }
  EXPECT_TRUE(testing::ReadFile(path) == before)
      << "re-import must leave the database file byte-for-byte unchanged";
}

TEST(ListStore, SecondVersionKeepsTheFirst) {
  testing::TempDir dir;
  auto store = OpenOrDie(dir.File("lists.db"));
  ASSERT_TRUE(store);
  const ListDocument v1 = MakeList("OFAC-SDN", "2025-11-19", 5);
  ListDocument v2 = MakeList("OFAC-SDN", "2025-11-20", 6);
  v2.parties[0].programs.push_back("NEW");
  auto a = store->Import(MakeSource(Sha('1'), {v1}), "2026-01-01T00:00:00Z");
  auto b = store->Import(MakeSource(Sha('2'), {v2}), "2026-01-02T00:00:00Z");
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_GT(b->versions[0].id, a->versions[0].id);
  EXPECT_TRUE(b->versions[0].latest);

  auto versions = store->Versions();
  ASSERT_TRUE(versions.has_value());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_FALSE((*versions)[0].latest);
  EXPECT_TRUE((*versions)[1].latest);
  EXPECT_EQ((*versions)[0].counts.parties, 5);
  EXPECT_EQ((*versions)[1].counts.parties, 6);

  auto old = store->LoadList(a->versions[0].id);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(Dump(*old), Dump(v1));
  auto now = store->LoadList(b->versions[0].id);
  ASSERT_TRUE(now.has_value());
  EXPECT_EQ(Dump(*now), Dump(v2));
}

TEST(ListStore, LatestFollowsThePublishersDateNotImportOrder) {
  testing::TempDir dir;
  auto store = OpenOrDie(dir.File("lists.db"));
  ASSERT_TRUE(store);
  auto newer = store->Import(
      MakeSource(Sha('2'), {MakeList("OFAC-SDN", "2025-11-20", 1)}),
      "2026-01-01T00:00:00Z");
  auto archived = store->Import(
      MakeSource(Sha('1'), {MakeList("OFAC-SDN", "2024-01-05", 1)}),
      "2026-01-02T00:00:00Z");
  ASSERT_TRUE(newer.has_value() && archived.has_value());
  EXPECT_FALSE(archived->versions[0].latest);
  auto latest = store->ResolveVersion("OFAC-SDN", "latest");
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->id, newer->versions[0].id);
}

TEST(ListStore, ResolveVersionByIdDateShaPrefixAndLatest) {
  testing::TempDir dir;
  auto store = OpenOrDie(dir.File("lists.db"));
  ASSERT_TRUE(store);
  const std::string sha1 = "0123abcd" + std::string(56, '1');
  const std::string sha2 = "0123abce" + std::string(56, '2');
  const std::string sha3 = "feedbeef" + std::string(56, '3');
  auto a = store->Import(
      MakeSource(sha1, {MakeList("OFAC-SDN", "2025-11-19", 1)}), "2026-01-01");
  auto b = store->Import(
      MakeSource(sha2, {MakeList("OFAC-SDN", "2025-11-20", 1)}), "2026-01-02");
  // Re-published under the same date with different bytes.
  auto c = store->Import(
      MakeSource(sha3, {MakeList("OFAC-SDN", "2025-11-20", 2)}), "2026-01-03");
  ASSERT_TRUE(a.has_value() && b.has_value() && c.has_value());
  const std::int64_t id_a = a->versions[0].id;
  const std::int64_t id_c = c->versions[0].id;

  auto by_id = store->ResolveVersion("OFAC-SDN", std::to_string(id_a));
  ASSERT_TRUE(by_id.has_value()) << by_id.error().ToString();
  EXPECT_EQ(by_id->id, id_a);

  auto by_date = store->ResolveVersion("OFAC-SDN", "2025-11-19");
  ASSERT_TRUE(by_date.has_value());
  EXPECT_EQ(by_date->id, id_a);

  auto by_sha = store->ResolveVersion("OFAC-SDN", "FEEDBEEF");
  ASSERT_TRUE(by_sha.has_value()) << by_sha.error().ToString();
  EXPECT_EQ(by_sha->id, id_c);

  auto latest = store->ResolveVersion("OFAC-SDN", "latest");
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->id, id_c);

  auto ambiguous_sha = store->ResolveVersion("OFAC-SDN", "0123abc");
  ASSERT_FALSE(ambiguous_sha.has_value());
  EXPECT_EQ(ambiguous_sha.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(ambiguous_sha.error().message().find("at least 8"),
            std::string::npos)
      << ambiguous_sha.error().message();

  auto ambiguous_date = store->ResolveVersion("OFAC-SDN", "2025-11-20");
  ASSERT_FALSE(ambiguous_date.has_value());
  EXPECT_EQ(ambiguous_date.error().code(), ErrorCode::kInvalidArgument);
  const std::string& message = ambiguous_date.error().message();
  EXPECT_NE(message.find("ambiguous"), std::string::npos) << message;
  EXPECT_NE(message.find("#" + std::to_string(b->versions[0].id)),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("#" + std::to_string(id_c)), std::string::npos)
      << message;

  auto unknown = store->ResolveVersion("OFAC-SDN", "2020-01-01");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message().find("2025-11-19"), std::string::npos)
      << "lists the versions held: " << unknown.error().message();

  auto wrong_list = store->ResolveVersion("BIS-EL", "latest");
  ASSERT_FALSE(wrong_list.has_value());
  EXPECT_EQ(wrong_list.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(wrong_list.error().message().find("OFAC-SDN"), std::string::npos)
      << wrong_list.error().message();
}

TEST(ListStore, FindPartyByCodeAndBareId) {
  testing::TempDir dir;
  auto store = OpenOrDie(dir.File("lists.db"));
  ASSERT_TRUE(store);
  ListDocument old_sdn = MakeList("OFAC-SDN", "2025-11-19", 3);  // ids 1-3
  ListDocument sdn = MakeList("OFAC-SDN", "2025-11-20", 3);      // ids 1-3
  sdn.parties[1].remarks = "newest";
  Party colon = RichParty(77);
  colon.source_id = "X:77";
  sdn.parties.push_back(colon);
  ListDocument el = MakeList("BIS-EL", "2025-10-01", 2, 3);  // ids 3-4
  auto a = store->Import(MakeSource(Sha('1'), {old_sdn}), "2026-01-01");
  auto b = store->Import(MakeSource(Sha('2'), {sdn, el}), "2026-01-02");
  ASSERT_TRUE(a.has_value() && b.has_value());

  auto by_code = store->FindParty("OFAC-SDN:2");
  ASSERT_TRUE(by_code.has_value()) << by_code.error().ToString();
  EXPECT_EQ(by_code->version.id, b->versions[0].id);
  EXPECT_EQ(by_code->party.remarks, "newest");
  EXPECT_EQ(Dump({"", "", "", "", {by_code->party}}),
            Dump({"", "", "", "", {sdn.parties[1]}}));

  auto pinned = store->FindParty("OFAC-SDN:2", a->versions[0].id);
  ASSERT_TRUE(pinned.has_value());
  EXPECT_EQ(pinned->version.id, a->versions[0].id);
  EXPECT_NE(pinned->party.remarks, "newest");

  auto bare = store->FindParty("1");
  ASSERT_TRUE(bare.has_value()) << bare.error().ToString();
  EXPECT_EQ(bare->version.code, "OFAC-SDN");

  auto ambiguous = store->FindParty("3");
  ASSERT_FALSE(ambiguous.has_value());
  EXPECT_EQ(ambiguous.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(ambiguous.error().message().find("OFAC-SDN:3"), std::string::npos)
      << ambiguous.error().message();
  EXPECT_NE(ambiguous.error().message().find("BIS-EL:3"), std::string::npos);

  auto with_colon = store->FindParty("X:77");
  ASSERT_TRUE(with_colon.has_value()) << with_colon.error().ToString();
  EXPECT_EQ(with_colon->party.source_id, "X:77");
  auto coded_colon = store->FindParty("OFAC-SDN:X:77");
  ASSERT_TRUE(coded_colon.has_value());

  auto absent = store->FindParty("OFAC-SDN:999");
  ASSERT_FALSE(absent.has_value());
  EXPECT_EQ(absent.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(absent.error().message().find("999"), std::string::npos);

  auto wrong_version = store->FindParty("BIS-EL:3", a->versions[0].id);
  ASSERT_FALSE(wrong_version.has_value());
  EXPECT_EQ(wrong_version.error().code(), ErrorCode::kInvalidArgument);

  auto unknown_code = store->FindParty("NOPE:1");
  ASSERT_FALSE(unknown_code.has_value());
  EXPECT_EQ(unknown_code.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(unknown_code.error().message().find("NOPE"), std::string::npos);
}

TEST(ListStore, PruneKeepsLatestAndCascades) {
  testing::TempDir dir;
  const std::string path = dir.File("lists.db");
  auto store = OpenOrDie(path);
  ASSERT_TRUE(store);
  auto a =
      store->Import(MakeSource(Sha('1'), {MakeList("OFAC-SDN", "2025-01-01", 4),
                                          MakeList("BIS-EL", "2025-01-01", 2)}),
                    "2026-01-01T00:00:00Z");
  auto b = store->Import(
      MakeSource(Sha('2'), {MakeList("OFAC-SDN", "2025-02-01", 4)}),
      "2026-02-01T00:00:00Z");
  auto c = store->Import(
      MakeSource(Sha('3'), {MakeList("OFAC-SDN", "2025-03-01", 4)}),
      "2026-03-01T00:00:00Z");
  ASSERT_TRUE(a.has_value() && b.has_value() && c.has_value());

  auto dry = store->Prune("2026-12-31", /*dry_run=*/true);
  ASSERT_TRUE(dry.has_value()) << dry.error().ToString();
  ASSERT_EQ(dry->removed.size(), 2u);  // SDN 1 and 2; BIS-EL is latest
  EXPECT_EQ(store->Versions()->size(), 4u);

  auto some = store->Prune("2026-02-01", /*dry_run=*/false);
  ASSERT_TRUE(some.has_value());
  ASSERT_EQ(some->removed.size(), 1u);
  EXPECT_EQ(some->removed[0].id, a->versions[0].id);

  auto rest = store->Prune("2099", /*dry_run=*/false);
  ASSERT_TRUE(rest.has_value());
  ASSERT_EQ(rest->removed.size(), 1u);
  EXPECT_EQ(rest->removed[0].id, b->versions[0].id);

  auto versions = store->Versions();
  ASSERT_TRUE(versions.has_value());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].code, "BIS-EL");
  EXPECT_EQ((*versions)[1].id, c->versions[0].id);
  EXPECT_EQ(store->LoadList(b->versions[0].id).error().code(),
            ErrorCode::kNotFound);
  store.reset();

  // Children of removed versions are gone; the source of the BIS-EL version
  // stays, the one of the second import goes.
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM parties"), 6);
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM names"), 6 * 4);
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM name_parts"), 6 * 5);
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM identifiers"), 6 * 2);
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM attributes"), 6 * 4);
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM sources"), 2);
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM source_files"), 2);

  // Ids are never reused.
  store = OpenOrDie(path);
  auto d = store->Import(
      MakeSource(Sha('4'), {MakeList("OFAC-SDN", "2025-04-01", 1)}),
      "2026-04-01T00:00:00Z");
  ASSERT_TRUE(d.has_value());
  EXPECT_GT(d->versions[0].id, c->versions[0].id);
}

TEST(ListStore, FailedImportLeavesDatabaseByteForByteUnchanged) {
  testing::TempDir dir;
  const std::string path = dir.File("lists.db");
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store
                    ->Import(MakeSource(Sha('1'), {MakeList("OFAC-SDN",
                                                            "2025-01-01", 3)}),
                             "2026-01-01")
                    .has_value());
  }
  const std::string before = testing::ReadFile(path);
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store);
    // A large first list that stores fine, then a duplicate source id late
    // in the second: the failure comes deep inside the transaction.
    ListDocument big = MakeList("BIS-EL", "2025-01-02", 3000);
    ListDocument bad = MakeList("OFAC-SDN", "2025-01-02", 50);
    bad.parties.push_back(RichParty(7));
    auto outcome =
        store->Import(MakeSource(Sha('2'), {big, bad}), "2026-01-02");
    ASSERT_FALSE(outcome.has_value());
    EXPECT_EQ(outcome.error().code(), ErrorCode::kDatabase);
    const std::string& message = outcome.error().message();
    EXPECT_TRUE(message.starts_with(path + ": ")) << message;
    EXPECT_NE(message.find("party \"7\""), std::string::npos) << message;
    EXPECT_NE(message.find("UNIQUE"), std::string::npos) << message;

    // The store is still usable and holds only the first import.
    auto versions = store->Versions();
    ASSERT_TRUE(versions.has_value());
    EXPECT_EQ(versions->size(), 1u);
  }
  EXPECT_TRUE(testing::ReadFile(path) == before)
      << "a failed import must leave the database byte-for-byte unchanged";

  // Two lists with the same code in one source are refused too.
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store);
    auto twice = store->Import(
        MakeSource(Sha('3'), {MakeList("BIS-EL", "2025-01-02", 1),
                              MakeList("BIS-EL", "2025-01-02", 1)}),
        "2026-01-03");
    ASSERT_FALSE(twice.has_value());
    EXPECT_EQ(twice.error().code(), ErrorCode::kDatabase);
  }
  EXPECT_TRUE(testing::ReadFile(path) == before);
}

TEST(ListStore, GarbageFileIsNotADatabase) {
  testing::TempDir dir;
  const std::string path = dir.File("garbage.db");
  std::string garbage;
  for (int i = 0; i < 8192; ++i) garbage += static_cast<char>(i * 37 % 251);
  testing::WriteFile(path, garbage);
  auto store = ListStore::Open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kDatabase);
  EXPECT_NE(store.error().message().find("not a SQLite database"),
            std::string::npos)
      << store.error().message();
  EXPECT_TRUE(store.error().message().starts_with(path))
      << store.error().message();
  EXPECT_TRUE(testing::ReadFile(path) == garbage) << "left as it was";
}

TEST(ListStore, OtherSqliteDatabaseIsRefused) {
  testing::TempDir dir;
  const std::string path = dir.File("other.db");
  ExecSql(path, "CREATE TABLE customers (id INTEGER)");
  auto store = ListStore::Open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().message().find("not a Clearance list store"),
            std::string::npos)
      << store.error().message();
}

TEST(ListStore, NewerSchemaFailsClearly) {
  testing::TempDir dir;
  const std::string path = dir.File("lists.db");
  ASSERT_TRUE(OpenOrDie(path));
  EXPECT_GE(QueryInt(path, "PRAGMA user_version"), 2);  // one per migration
  ExecSql(path,
          "INSERT INTO schema_migrations (version, name) "
          "VALUES (999, '999_future.sql')");
  auto store = ListStore::Open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.error().message().find("newer"), std::string::npos)
      << store.error().message();
  EXPECT_NE(store.error().message().find("999"), std::string::npos);
}

TEST(ListStore, UnwritableLocationFailsClearly) {
  testing::TempDir dir;
  auto missing_dir = ListStore::Open(dir.File("no/such/dir/lists.db"));
  ASSERT_FALSE(missing_dir.has_value());
  EXPECT_EQ(missing_dir.error().code(), ErrorCode::kDatabase);
  EXPECT_NE(missing_dir.error().message().find("unable to open"),
            std::string::npos)
      << missing_dir.error().message();

  if (::geteuid() == 0) GTEST_SKIP() << "root ignores file permissions";
  const std::string path = dir.File("lists.db");
  ASSERT_TRUE(OpenOrDie(path));
  std::filesystem::permissions(path, std::filesystem::perms::owner_read);
  auto read_only = ListStore::Open(path);
  ASSERT_FALSE(read_only.has_value());
  EXPECT_NE(read_only.error().message().find("read-only"), std::string::npos)
      << read_only.error().message();
}

TEST(ListStore, IdentifiersAreIndexedNormalized) {
  EXPECT_EQ(NormalizeIdentifier(" AB 12\t34 "), "ab1234");
  testing::TempDir dir;
  const std::string path = dir.File("lists.db");
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store
                    ->Import(MakeSource(Sha('1'), {MakeList("OFAC-SDN",
                                                            "2025-01-01", 2)}),
                             "2026-01-01")
                    .has_value());
  }
  EXPECT_EQ(QueryInt(path,
                     "SELECT COUNT(*) FROM identifiers "
                     "WHERE value_normalized = 'ab12342'"),
            1);
}

TEST(ListStore, ContentHashIgnoresOrderButNotContent) {
  testing::TempDir dir;
  const std::string path = dir.File("lists.db");
  ListDocument v1 = MakeList("OFAC-SDN", "2025-01-01", 2);
  ListDocument v2 = v1;
  v2.published = "2025-01-02";
  std::reverse(v2.parties[0].programs.begin(), v2.parties[0].programs.end());
  std::reverse(v2.parties[0].names.begin(), v2.parties[0].names.end());
  v2.parties[1].addresses[0].city = "Kazan";
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Import(MakeSource(Sha('1'), {v1}), "2026-01-01"));
    ASSERT_TRUE(store->Import(MakeSource(Sha('2'), {v2}), "2026-01-02"));
  }
  EXPECT_EQ(QueryInt(path,
                     "SELECT COUNT(DISTINCT content_hash) FROM parties "
                     "WHERE source_id = '1'"),
            1);
  EXPECT_EQ(QueryInt(path,
                     "SELECT COUNT(DISTINCT content_hash) FROM parties "
                     "WHERE source_id = '2'"),
            2);
}

}  // namespace
}  // namespace clearance::store
