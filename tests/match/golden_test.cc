// Golden case driver: every tests/match/golden/*.json (except the list
// itself) holds {"description", "cases": [...]}; each case is screened
// against tests/match/golden/golden_list.json.
//
// A case:
//   "query": "Zhipu AI"            the name typed in
//   "type": "entity"|"person"...   optional query type
//   "country": "CN", "dob": "1970" optional secondary fields
//   "threshold": 0.8               optional (default kDefaultThreshold)
//   "expect": [{"party": "G-ZHIPU", "rank": 1, "facts": [...]}]
//        the party must be among the hits (at `rank` when given); facts:
//        "aligned Q~L"      a token pair (surfaces, case-insensitive)
//        "how H"            some aligned pair matched by H ("exact", ...)
//        "unmatched_query T" / "unmatched_listed T"
//        "adjustment TEXT"  an adjustment whose reason contains TEXT
//        "identifier_hit"   the hit is an exact identifier hit
//   "absent": ["G-EMMA"]           parties that must not be among the hits
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/lists/lists.h"
#include "engine/match/matcher.h"
#include "tests/test_support.h"

namespace clearance::match {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return s;
}

std::string GoldenDir() {
  return std::string(CLEARANCE_SOURCE_DIR) + "/tests/match/golden";
}

const Matcher& GoldenMatcher() {
  static std::unique_ptr<Matcher> matcher = [] {
    auto parsed = lists::ParseSource(
        {lists::Format::kClearanceJson, {GoldenDir() + "/golden_list.json"}});
    EXPECT_TRUE(parsed.has_value()) << parsed.error().ToString();
    std::vector<std::pair<std::int64_t, lists::ListDocument>> docs;
    for (auto& doc : parsed->lists) docs.emplace_back(1, std::move(doc));
    auto m = Matcher::FromDocuments(docs);
    EXPECT_TRUE(m.has_value()) << m.error().ToString();
    return std::move(*m);
  }();
  return *matcher;
}

bool HasFact(const Hit& hit, const std::string& fact, std::string* seen) {
  const Explanation& e = hit.explanation;
  for (const auto& a : e.aligned) {
    *seen += " aligned " + Lower(a.query_token) + "~" + Lower(a.listed_token) +
             " (" + a.how + ")";
  }
  for (const auto& t : e.unmatched_query) *seen += " unmatched_query " + t;
  for (const auto& t : e.unmatched_listed) *seen += " unmatched_listed " + t;
  for (const auto& [reason, value] : e.adjustments) {
    *seen += " adjustment " + reason;
  }
  auto space = fact.find(' ');
  std::string kind = fact.substr(0, space);
  std::string arg = space == std::string::npos ? "" : fact.substr(space + 1);
  if (kind == "identifier_hit") return hit.identifier_hit;
  if (kind == "aligned") {
    for (const auto& a : e.aligned) {
      if (Lower(a.query_token) + "~" + Lower(a.listed_token) == Lower(arg)) {
        return true;
      }
    }
  } else if (kind == "how") {
    for (const auto& a : e.aligned) {
      if (a.how == arg) return true;
    }
  } else if (kind == "unmatched_query") {
    for (const auto& t : e.unmatched_query) {
      if (Lower(t) == Lower(arg)) return true;
    }
  } else if (kind == "unmatched_listed") {
    for (const auto& t : e.unmatched_listed) {
      if (Lower(t) == Lower(arg)) return true;
    }
  } else if (kind == "adjustment") {
    for (const auto& [reason, value] : e.adjustments) {
      if (reason.find(arg) != std::string::npos) return true;
    }
  } else {
    ADD_FAILURE() << "unknown fact kind: " << fact;
  }
  return false;
}

void RunCase(const nlohmann::json& c, const std::string& where) {
  NameQuery q;
  q.name = c.at("query").get<std::string>();
  if (c.contains("type"))
    q.type = lists::ParsePartyType(c["type"].get<std::string>());
  q.country = c.value("country", "");
  q.dob = c.value("dob", "");
  q.threshold = c.value("threshold", kDefaultThreshold);
  q.limit = 10;
  std::vector<Hit> hits = GoldenMatcher().ScreenName(q);
  std::string got;
  for (const Hit& h : hits) {
    got += "\n  " + h.party_id + " " + std::to_string(h.score) + " via '" +
           h.matched_name + "'";
  }
  SCOPED_TRACE(where + ": query '" + q.name + "' hits:" + got);
  for (const auto& e : c.value("expect", nlohmann::json::array())) {
    std::string party = e.at("party").get<std::string>();
    auto it = std::find_if(hits.begin(), hits.end(),
                           [&](const Hit& h) { return h.party_id == party; });
    if (it == hits.end()) {
      ADD_FAILURE() << "expected " << party << " among the hits";
      continue;
    }
    if (e.contains("rank")) {
      EXPECT_EQ(it - hits.begin() + 1, e["rank"].get<int>())
          << party << " at the wrong rank";
    }
    for (const auto& f : e.value("facts", nlohmann::json::array())) {
      std::string seen;
      EXPECT_TRUE(HasFact(*it, f.get<std::string>(), &seen))
          << party << ": missing fact '" << f.get<std::string>()
          << "'; explanation:" << seen;
    }
  }
  for (const auto& a : c.value("absent", nlohmann::json::array())) {
    std::string party = a.get<std::string>();
    for (const Hit& h : hits) {
      EXPECT_NE(h.party_id, party)
          << "unexpected hit " << party << " score " << h.score;
    }
  }
}

TEST(Golden, AllCaseFiles) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(GoldenDir())) {
    if (entry.path().extension() == ".json" &&
        entry.path().filename() != "golden_list.json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  int cases = 0;
  for (const auto& path : files) {
    auto doc =
        nlohmann::json::parse(testing::ReadFile(path.string()), nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << path << ": not JSON";
    ASSERT_TRUE(doc.contains("cases")) << path << ": no \"cases\"";
    int i = 0;
    for (const auto& c : doc["cases"]) {
      RunCase(c, path.filename().string() + " case " + std::to_string(++i));
      ++cases;
    }
  }
  EXPECT_GT(cases, 50);
}

}  // namespace
}  // namespace clearance::match
