#include "engine/match/matcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/lists/lists.h"
#include "engine/match/scorer.h"
#include "engine/store/list_store.h"
#include "tests/test_support.h"

namespace clearance::match {
namespace {

using lists::AliasStrength;
using lists::ListDocument;
using lists::Party;
using lists::PartyType;

NameQuery Q(std::string name, double threshold = kDefaultThreshold,
            int limit = 10, PartyType type = PartyType::kUnknown) {
  NameQuery q;
  q.name = std::move(name);
  q.threshold = threshold;
  q.limit = limit;
  q.type = type;
  return q;
}

Party MakeParty(std::string id, PartyType type,
                std::vector<std::string> names) {
  Party p;
  p.source_id = std::move(id);
  p.type = type;
  for (std::size_t i = 0; i < names.size(); ++i) {
    lists::Name n;
    n.full = names[i];
    n.strength = i == 0 ? AliasStrength::kPrimary : AliasStrength::kStrong;
    p.names.push_back(n);
  }
  return p;
}

ListDocument SyntheticList() {
  ListDocument doc;
  doc.code = "TEST-LIST";
  doc.name = "Synthetic";
  Party a = MakeParty("P1", PartyType::kPerson, {"Ahmed Hassan Yusuf"});
  a.dates_of_birth = {"1965"};
  a.nationalities = {"EG"};
  lists::Name weak;
  weak.full = "Abu Yusuf Al-Misri";
  weak.strength = AliasStrength::kWeak;
  a.names.push_back(weak);
  doc.parties.push_back(a);
  doc.parties.push_back(MakeParty("E1", PartyType::kEntity,
                                  {"Golden Dragon Trading Company Limited"}));
  doc.parties.push_back(
      MakeParty("E2", PartyType::kEntity, {"Rosoboronexport OAO"}));
  Party w = MakeParty("W1", PartyType::kEntity, {"Blackwater Exchange"});
  lists::Identifier id;
  id.type = "crypto_address";
  id.currency = "ETH";
  id.value = "0x8576aCC5C05D6Ce88f4e49bf65BdF0C62F91353C";
  w.identifiers.push_back(id);
  doc.parties.push_back(w);
  // A party whose name looks like the wallet's address owner, to check that
  // identifier hits come first.
  doc.parties.push_back(
      MakeParty("W2", PartyType::kEntity, {"Blackwater Exchange Ltd"}));
  return doc;
}

std::unique_ptr<Matcher> Build(const ListDocument& doc) {
  std::vector<std::pair<std::int64_t, ListDocument>> docs = {{7, doc}};
  auto m = Matcher::FromDocuments(docs);
  EXPECT_TRUE(m.has_value()) << m.error().ToString();
  return m.has_value() ? std::move(*m) : nullptr;
}

TEST(Matcher, FindsExactAndFuzzyNames) {
  auto m = Build(SyntheticList());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->party_count(), 5u);
  EXPECT_GE(m->name_count(), 6u);
  EXPECT_EQ(m->version_ids(), std::vector<std::int64_t>{7});
  for (const char* q : {"Ahmed Hassan Yusuf", "YUSUF, Ahmed Hassan",
                        "Ahmad Hasan Yousuf", "Rosoboroneksport"}) {
    auto hits = m->ScreenName(Q(q));
    ASSERT_FALSE(hits.empty()) << q;
    EXPECT_NE(hits[0].party_id, "E1") << q;
    EXPECT_EQ(hits[0].list, "TEST-LIST");
    EXPECT_EQ(hits[0].version_id, 7);
    EXPECT_GE(hits[0].score, kDefaultThreshold);
    EXPECT_LE(hits[0].score, 1.0);
  }
}

TEST(Matcher, ExplainsAlignment) {
  auto m = Build(SyntheticList());
  ASSERT_TRUE(m);
  auto hits = m->ScreenName(Q("Ahmed Hasan Yusuf Ibrahim", 0.3));
  ASSERT_FALSE(hits.empty());
  const Hit& h = hits[0];
  EXPECT_EQ(h.party_id, "P1");
  EXPECT_EQ(h.matched_name, "Ahmed Hassan Yusuf");
  ASSERT_EQ(h.explanation.aligned.size(), 3u);
  bool saw_exact = false, saw_fuzzy = false;
  for (const auto& a : h.explanation.aligned) {
    if (a.query_token == "Ahmed") {
      EXPECT_EQ(a.listed_token, "Ahmed");
      EXPECT_EQ(a.how, "exact");
      EXPECT_DOUBLE_EQ(a.similarity, 1.0);
      EXPECT_GT(a.weight, 0.0);
      saw_exact = true;
    }
    if (a.query_token == "Hasan") {
      EXPECT_EQ(a.listed_token, "Hassan");
      EXPECT_NE(a.how, "exact");
      EXPECT_LT(a.similarity, 1.0);
      saw_fuzzy = true;
    }
  }
  EXPECT_TRUE(saw_exact);
  EXPECT_TRUE(saw_fuzzy);
  ASSERT_EQ(h.explanation.unmatched_query.size(), 1u);
  EXPECT_EQ(h.explanation.unmatched_query[0], "Ibrahim");
  EXPECT_LT(h.score, 1.0);
}

double ScoreOf(const Matcher& m, NameQuery q, const std::string& party) {
  q.threshold = 0.0;
  for (const Hit& h : m.ScreenName(q)) {
    if (h.party_id == party) return h.score;
  }
  return -1;
}

TEST(Matcher, SecondaryFieldsAdjustTheScore) {
  auto m = Build(SyntheticList());
  ASSERT_TRUE(m);
  NameQuery base = Q("Ahmed Hassan Yusuf Ibrahim");
  double plain = ScoreOf(*m, base, "P1");
  ASSERT_GT(plain, 0);
  NameQuery q = base;
  q.dob = "1965-03-01";
  EXPECT_NEAR(ScoreOf(*m, q, "P1"), plain + 0.03, 1e-9);
  q.dob = "1990";
  EXPECT_NEAR(ScoreOf(*m, q, "P1"), plain - 0.15, 1e-9);
  q.dob = "1966";  // one year off: no adjustment
  EXPECT_NEAR(ScoreOf(*m, q, "P1"), plain, 1e-9);
  q = base;
  q.country = "EG";
  EXPECT_NEAR(ScoreOf(*m, q, "P1"), plain + 0.02, 1e-9);
  q.country = "fr";
  EXPECT_NEAR(ScoreOf(*m, q, "P1"), plain - 0.05, 1e-9);
  q = base;
  q.type = PartyType::kEntity;
  EXPECT_NEAR(ScoreOf(*m, q, "P1"), plain - 0.10, 1e-9);
  auto hits = m->ScreenName(q);
  q.threshold = 0;
  hits = m->ScreenName(q);
  ASSERT_FALSE(hits.empty());
  bool explained = false;
  for (const auto& [reason, value] : hits[0].explanation.adjustments) {
    explained |=
        reason.find("type differs") != std::string::npos && value == -0.10;
  }
  EXPECT_TRUE(explained);
}

TEST(Matcher, WeakAliasIsPenalisedAndExplained) {
  auto m = Build(SyntheticList());
  ASSERT_TRUE(m);
  auto hits = m->ScreenName(Q("Abu Yusuf Al-Misri", 0.5));
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].party_id, "P1");
  EXPECT_EQ(hits[0].matched_strength, AliasStrength::kWeak);
  EXPECT_NEAR(hits[0].score, 0.95, 1e-9);
  ASSERT_FALSE(hits[0].explanation.adjustments.empty());
  EXPECT_EQ(hits[0].explanation.adjustments.back().first, "weak alias");
}

TEST(Matcher, CommonWordsAloneDoNotHit) {
  auto m = Build(SyntheticList());
  ASSERT_TRUE(m);
  for (const char* q : {"Trading Company", "Trading Company Ltd", "Golden",
                        "Company Limited", "Ahmed"}) {
    auto hits = m->ScreenName(Q(q));
    EXPECT_TRUE(hits.empty())
        << q << " hit " << hits[0].party_id << " " << hits[0].score;
  }
}

TEST(Matcher, BadInputGivesNoHitsQuickly) {
  auto m = Build(SyntheticList());
  ASSERT_TRUE(m);
  std::string huge(10 * 1024, 'a');
  for (std::size_t i = 7; i < huge.size(); i += 8) huge[i] = ' ';
  std::string invalid = "Ahmed \xff\xfe\xc3 Yusuf \xed\xa0\x80";
  std::string controls = std::string("\x01\x02\x1b[31m", 6);
  auto start = std::chrono::steady_clock::now();
  for (const std::string& q :
       {std::string(), std::string("   "), std::string("...,;-"),
        std::string("Ltd"), std::string("Co., Ltd."), huge, invalid, controls,
        std::string(5000, '-')}) {
    auto hits = m->ScreenName(Q(q));
    if (q == invalid) continue;  // may legitimately find P1
    EXPECT_TRUE(hits.empty()) << q.substr(0, 40);
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(
      std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(),
      2000);
  EXPECT_TRUE(
      m->ScreenName(Q("Ahmed Hassan Yusuf", kDefaultThreshold, 0)).empty());
  EXPECT_TRUE(m->ScreenIdentifier("").empty());
  EXPECT_TRUE(m->ScreenIdentifier(huge).empty());
  EXPECT_EQ(m->ScorePair("", "", PartyType::kUnknown), 0.0);
}

TEST(Matcher, IdentifierHitsOutrankNames) {
  auto m = Build(SyntheticList());
  ASSERT_TRUE(m);
  auto ids = m->ScreenIdentifier("0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c");
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0].party_id, "W1");
  EXPECT_TRUE(ids[0].identifier_hit);
  EXPECT_EQ(ids[0].score, 1.0);
  EXPECT_EQ(ids[0].identifier_value,
            "0x8576aCC5C05D6Ce88f4e49bf65BdF0C62F91353C");
  EXPECT_TRUE(m->ScreenIdentifier("0x0000000000000000000000000000000000000001")
                  .empty());
  // An address typed into the name box: the identifier hit comes first.
  auto hits = m->ScreenName(Q("0x8576ACC5C05D6CE88F4E49BF65BDF0C62F91353C"));
  ASSERT_FALSE(hits.empty());
  EXPECT_TRUE(hits[0].identifier_hit);
  EXPECT_EQ(hits[0].party_id, "W1");
}

TEST(Matcher, OneHitPerPartySortedByScoreThenId) {
  ListDocument doc;
  doc.code = "DUP";
  doc.parties.push_back(
      MakeParty("B", PartyType::kEntity,
                {"Northwind Logistics", "Northwind Logistics Ltd"}));
  doc.parties.push_back(
      MakeParty("A", PartyType::kEntity, {"Northwind Logistics"}));
  auto m = Build(doc);
  ASSERT_TRUE(m);
  auto hits = m->ScreenName(Q("Northwind Logistics"));
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].party_id, "A");
  EXPECT_EQ(hits[1].party_id, "B");
  EXPECT_EQ(hits[0].score, hits[1].score);
  EXPECT_EQ(hits[1].matched_name, "Northwind Logistics");
  hits = m->ScreenName(Q("Northwind Logistics", kDefaultThreshold, 1));
  EXPECT_EQ(hits.size(), 1u);
}

TEST(Matcher, ScorePairWithoutLists) {
  auto m = Matcher::FromDocuments({});
  ASSERT_TRUE(m.has_value());
  Explanation e;
  double s = (*m)->ScorePair("Vladimir Putin", "PUTIN, Vladimir",
                             PartyType::kPerson, &e);
  EXPECT_GE(s, 0.95);
  EXPECT_EQ(e.aligned.size(), 2u);
  EXPECT_GE((*m)->ScorePair("Abdul Rahman", "AbdulRahman", PartyType::kPerson),
            0.9);
  EXPECT_LT(
      (*m)->ScorePair("George Bush", "George Habbash", PartyType::kPerson),
      kDefaultThreshold);
  EXPECT_LT((*m)->ScorePair("emma daniels", "EMMA LLC", PartyType::kUnknown),
            kDefaultThreshold);
}

TEST(Matcher, SampleListFindsZhipuInTwoScripts) {
  auto parsed = lists::ParseSource(
      {lists::Format::kClearanceJson,
       {std::string(CLEARANCE_SOURCE_DIR) + "/data/sample/sample_list.json"}});
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  std::vector<std::pair<std::int64_t, ListDocument>> docs;
  for (auto& d : parsed->lists) docs.emplace_back(1, std::move(d));
  auto m = Matcher::FromDocuments(docs);
  ASSERT_TRUE(m.has_value());
  for (const char* q : {"Zhipu AI", "北京智谱华章科技有限公司"}) {
    auto hits =
        (*m)->ScreenName(Q(q, kDefaultThreshold, 10, PartyType::kEntity));
    ASSERT_FALSE(hits.empty()) << q;
    EXPECT_EQ(hits[0].list, "SAMPLE-RPL") << q;
    EXPECT_EQ(hits[0].party_id, "SAMPLE-0001") << q;
  }
}

TEST(Matcher, OpenCachesTheIndexAndRebuildsStaleCaches) {
  testing::TempDir dir;
  std::string db = dir.File("lists.db");
  auto missing = Matcher::Open(db);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  {
    auto store = store::ListStore::Open(db);
    ASSERT_TRUE(store.has_value());
    lists::ParsedSource src;
    src.format = lists::Format::kClearanceJson;
    src.parser_version = "test";
    src.sha256 = std::string(64, 'a');
    src.lists.push_back(SyntheticList());
    src.lists.back().published = "2026-01-01";
    ASSERT_TRUE((*store)->Import(src, "2026-01-02T00:00:00Z").has_value());
  }
  std::string cache = db + ".match-index";
  auto first = Matcher::Open(db);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  ASSERT_TRUE(std::filesystem::exists(cache));
  auto second = Matcher::Open(db);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ((*second)->name_count(), (*first)->name_count());
  EXPECT_EQ((*second)->version_ids(), (*first)->version_ids());
  auto a = (*first)->ScreenName(Q("Ahmad Hasan Yousuf"));
  auto b = (*second)->ScreenName(Q("Ahmad Hasan Yousuf"));
  ASSERT_FALSE(a.empty());
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a[0].party_id, b[0].party_id);
  EXPECT_EQ(a[0].score, b[0].score);
  EXPECT_EQ((*second)
                ->ScreenIdentifier("0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c")
                .size(),
            1u);

  // Corrupt the cache: it is ignored and rewritten.
  std::string bytes = testing::ReadFile(cache);
  ASSERT_GT(bytes.size(), 100u);
  bytes[bytes.size() / 2] ^= 0x5a;
  testing::WriteFile(cache, bytes);
  auto third = Matcher::Open(db);
  ASSERT_TRUE(third.has_value());
  EXPECT_FALSE((*third)->ScreenName(Q("Ahmad Hasan Yousuf")).empty());
  EXPECT_NE(testing::ReadFile(cache), bytes);
  testing::WriteFile(cache, "garbage");
  ASSERT_TRUE(Matcher::Open(db).has_value());

  // A new list version makes the cache stale.
  {
    auto store = store::ListStore::Open(db);
    ASSERT_TRUE(store.has_value());
    lists::ParsedSource src;
    src.format = lists::Format::kClearanceJson;
    src.parser_version = "test";
    src.sha256 = std::string(64, 'b');
    ListDocument doc = SyntheticList();
    doc.published = "2026-02-01";
    doc.parties.push_back(
        MakeParty("N1", PartyType::kEntity, {"Quillfeather Dynamics"}));
    src.lists.push_back(doc);
    ASSERT_TRUE((*store)->Import(src, "2026-02-02T00:00:00Z").has_value());
  }
  auto fourth = Matcher::Open(db);
  ASSERT_TRUE(fourth.has_value());
  EXPECT_NE((*fourth)->version_ids(), (*first)->version_ids());
  auto hits = (*fourth)->ScreenName(Q("Quillfeather Dynamics"));
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].party_id, "N1");

  // An explicit cache path and use_cache = false.
  MatcherOptions options;
  options.cache_path = dir.File("elsewhere.idx");
  ASSERT_TRUE(Matcher::Open(db, options).has_value());
  EXPECT_TRUE(std::filesystem::exists(options.cache_path));
  options.cache_path = dir.File("never.idx");
  options.use_cache = false;
  ASSERT_TRUE(Matcher::Open(db, options).has_value());
  EXPECT_FALSE(std::filesystem::exists(options.cache_path));
  options.lists = {"NO-SUCH-LIST"};
  EXPECT_FALSE(Matcher::Open(db, options).has_value());
}

}  // namespace
}  // namespace clearance::match

TEST(LevenshteinRatio, BitParallelAgreesWithDynamicProgramming) {
  // Reference: the textbook DP on short random strings over a small
  // alphabet (many repeats, the hard case for the bit-parallel algorithm).
  auto reference = [](std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diag = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t up = row[j];
        row[j] = std::min(
            {up + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    return 1.0 - double(row[b.size()]) / double(std::max(a.size(), b.size()));
  };
  std::uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
  for (int round = 0; round < 2000; ++round) {
    std::string a(1 + next() % 70, 'a'), b(1 + next() % 70, 'a');
    for (char& c : a) c = char('a' + next() % 4);
    for (char& c : b) c = char('a' + next() % 4);
    ASSERT_DOUBLE_EQ(clearance::match::internal::LevenshteinRatio(a, b),
                     reference(a, b))
        << a << " / " << b;
  }
}
