// The rule report (engine/rules/report.h): Markdown and JSON carry every
// rule id, the ruleset hash and the test results; the plain-language
// renderer reads the catalog's conditions; the HTML renders in headless
// Chromium (Debian's `chromium`) to a non-blank screenshot of the expected
// size. The screenshot test is skipped with a message when chromium is not
// installed.
#include "engine/rules/report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/rules/rules.h"

namespace clearance::rules {
namespace {

namespace fs = std::filesystem;

const std::string kCatalog = std::string(CLEARANCE_SOURCE_DIR) + "/rules";

std::shared_ptr<const RuleSet> Catalog() {
  static std::shared_ptr<const RuleSet> set = [] {
    auto loaded = RuleSet::Load(kCatalog);
    EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().message());
    return loaded ? *loaded : nullptr;
  }();
  return set;
}

ReportOptions Options() {
  ReportOptions o;
  o.as_of = *ParseDate("2026-03-01");
  o.generator = "report_test";
  return o;
}

std::set<std::string> RuleIds(const RuleSet& set) {
  std::set<std::string> ids;
  for (const Rule& r : set.rules()) ids.insert(r.id);
  return ids;
}

TEST(RulesReport, MarkdownHasEveryRuleHashAndTestResults) {
  auto set = Catalog();
  ASSERT_NE(set, nullptr);
  const std::string md =
      RenderRulesReport(*set, Options(), ReportFormat::kMarkdown);
  EXPECT_NE(md.find(set->hash()), std::string::npos);
  for (const std::string& id : RuleIds(*set)) {
    EXPECT_NE(md.find("### `" + id + "`"), std::string::npos) << id;
  }
  EXPECT_NE(md.find("| PASS |"), std::string::npos);
  EXPECT_EQ(md.find("| FAIL"), std::string::npos);
  EXPECT_NE(md.find("no decision database given"), std::string::npos);
  EXPECT_NE(md.find("affiliates_rule_after_2026_11_09"), std::string::npos);
  EXPECT_NE(md.find("B2.1 2025-10-15"), std::string::npos);
}

TEST(RulesReport, JsonHasEveryRuleHashAndTestResults) {
  auto set = Catalog();
  ASSERT_NE(set, nullptr);
  const auto j = nlohmann::json::parse(
      RenderRulesReport(*set, Options(), ReportFormat::kJson));
  EXPECT_EQ(j["ruleset_hash"], set->hash());
  EXPECT_EQ(j["as_of"], "2026-03-01");
  ASSERT_EQ(j["rules"].size(), set->rules().size());
  std::set<std::string> ids;
  size_t tests = 0;
  for (const auto& r : j["rules"]) {
    ids.insert(r["id"].get<std::string>());
    EXPECT_FALSE(r["condition_plain"].get<std::string>().empty());
    EXPECT_FALSE(r["tests"].empty()) << r["id"];
    for (const auto& t : r["tests"]) {
      ++tests;
      EXPECT_TRUE(t["passed"].get<bool>()) << r["id"] << " " << t["name"];
      EXPECT_EQ(t["actual"], t["expect"]) << r["id"] << " " << t["name"];
    }
  }
  EXPECT_EQ(ids, RuleIds(*set));
  EXPECT_EQ(j["counts"]["tests"].get<size_t>(), tests);
  EXPECT_EQ(j["counts"]["tests_passed"].get<size_t>(), tests);
  EXPECT_FALSE(j["config"].empty());
  EXPECT_EQ(j["decisions"]["available"], false);
}

TEST(RulesReport, InForceFollowsTheDates) {
  auto set = Catalog();
  ASSERT_NE(set, nullptr);
  const auto j = nlohmann::json::parse(
      RenderRulesReport(*set, Options(), ReportFormat::kJson));
  // As of 2026-03-01 the Affiliates rule is suspended: the active versions
  // are not in force, the suspended one is.
  int active_in_force = 0, suspended_in_force = 0;
  for (const auto& r : j["rules"]) {
    if (r["id"] == "EAR-AFFILIATES-50PCT" && r["in_force"]) ++active_in_force;
    if (r["id"] == "EAR-AFFILIATES-50PCT-SUSPENDED" && r["in_force"]) {
      ++suspended_in_force;
    }
  }
  EXPECT_EQ(active_in_force, 0);
  EXPECT_EQ(suspended_in_force, 1);
}

TEST(PlainLanguage, RendersCatalogIdioms) {
  const PlainCondition c = DescribeCondition(
      "any(hits, h => h.list in ['OFAC-SDN', 'CSL-OFAC-SDN'] and h.confirmed) "
      "or account.hq_country in group('D:5') or ownership.aggregate['OFAC'] "
      ">= 50 or config.enforce_ai_diffusion",
      {{"enforce_ai_diffusion", "false [U]"}});
  ASSERT_TRUE(c.parsed);
  const std::string flat = FlattenCondition(c);
  EXPECT_NE(flat.find("any of the following"), std::string::npos) << flat;
  EXPECT_NE(flat.find("at least one list hit"), std::string::npos) << flat;
  EXPECT_NE(flat.find("the list hit is confirmed"), std::string::npos) << flat;
  EXPECT_NE(flat.find("is one of OFAC-SDN or CSL-OFAC-SDN"), std::string::npos)
      << flat;
  EXPECT_NE(flat.find("Country Group D:5 on the decision date"),
            std::string::npos)
      << flat;
  EXPECT_NE(flat.find("blocked persons (OFAC SDNs) is at least 50"),
            std::string::npos)
      << flat;
  EXPECT_NE(flat.find("currently false [U]"), std::string::npos) << flat;
}

TEST(PlainLanguage, NegationAndNullsReadNaturally) {
  EXPECT_EQ(FlattenCondition(DescribeCondition("not account.verified")),
            "it is not established that the customer's identity is verified");
  EXPECT_EQ(
      FlattenCondition(DescribeCondition("workload.declared_end_use == null")),
      "the declared end use is not known");
  EXPECT_EQ(FlattenCondition(
                DescribeCondition("decision.date >= date('2026-11-10')")),
            "the decision date is on or after 2026-11-10");
  EXPECT_EQ(
      FlattenCondition(DescribeCondition("'refuses_end_use' in red_flags")),
      "the unresolved red flags include refuses_end_use");
}

TEST(PlainLanguage, UnparsableTextIsShownVerbatim) {
  const PlainCondition c = DescribeCondition("account.country ==");
  EXPECT_FALSE(c.parsed);
  EXPECT_EQ(c.text, "account.country ==");
}

TEST(PlainLanguage, EveryCatalogConditionParses) {
  auto set = Catalog();
  ASSERT_NE(set, nullptr);
  for (const Rule& r : set->rules()) {
    EXPECT_TRUE(DescribeCondition(r.when).parsed) << r.id << ": " << r.when;
  }
}

// --- HTML in headless Chromium ---------------------------------------------

std::string FindChromium() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/bin/"}) {
      const std::string path = std::string(dir) + name;
      if (fs::exists(path)) return path;
    }
  }
  return "";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

uint32_t BigEndian32(const std::string& s, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

class HtmlInChromium : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = FindChromium();
    if (chromium_.empty()) {
      GTEST_SKIP() << "chromium is not installed (apt-get install chromium): "
                      "skipping the screenshot test";
    }
    dir_ = fs::temp_directory_path() /
           ("clearance_report_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "profile");
    auto set = Catalog();
    ASSERT_NE(set, nullptr);
    html_ = dir_ / "report.html";
    std::ofstream(html_, std::ios::binary)
        << RenderRulesReport(*set, Options(), ReportFormat::kHtml);
  }
  void TearDown() override {
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  // Runs headless Chromium with `action` (e.g. "--screenshot=FILE").
  int RunChromium(const std::string& action) {
    const std::string command =
        chromium_ +
        " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
        " --disable-background-networking --disable-component-update"
        " --disable-sync --hide-scrollbars --user-data-dir=" +
        (dir_ / "profile").string() + " " + action +
        " --window-size=1280,2000 file://" + html_.string() + " >" +
        (dir_ / "chromium.log").string() + " 2>&1";
    return std::system(command.c_str());
  }

  std::string chromium_;
  fs::path dir_;
  fs::path html_;
};

TEST_F(HtmlInChromium, ScreenshotHasTheWindowSizeAndIsNotBlank) {
  const fs::path png = dir_ / "report.png";
  const int rc = RunChromium("--screenshot=" + png.string());
  ASSERT_TRUE(fs::exists(png))
      << "chromium rc " << rc << ": " << ReadFile(dir_ / "chromium.log");
  const std::string data = ReadFile(png);
  // PNG signature, then the IHDR chunk: width and height, big-endian.
  ASSERT_GT(data.size(), 33u);
  EXPECT_EQ(data.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(data.substr(12, 4), "IHDR");
  EXPECT_EQ(BigEndian32(data, 16), 1280u);
  EXPECT_EQ(BigEndian32(data, 20), 2000u);
  // A blank 1280x2000 page compresses to a few KB; text, tables and
  // badges make it far larger.
  EXPECT_GT(data.size(), 100u * 1024) << "screenshot looks blank";
}

TEST_F(HtmlInChromium, PrintsToPdf) {
  const fs::path pdf = dir_ / "report.pdf";
  const int rc =
      RunChromium("--no-pdf-header-footer --print-to-pdf=" + pdf.string());
  ASSERT_TRUE(fs::exists(pdf))
      << "chromium rc " << rc << ": " << ReadFile(dir_ / "chromium.log");
  const std::string data = ReadFile(pdf);
  EXPECT_EQ(data.substr(0, 5), "%PDF-");
  // One page break per family at least: many pages.
  size_t pages = 0;
  for (size_t at = data.find("/Type /Page"); at != std::string::npos;
       at = data.find("/Type /Page", at + 1)) {
    if (data.compare(at, 12, "/Type /Pages") != 0) ++pages;
  }
  EXPECT_GT(pages, 6u);
}

TEST(RulesReportHtml, IsStandaloneWithTocAndPrintCss) {
  auto set = Catalog();
  ASSERT_NE(set, nullptr);
  const std::string html =
      RenderRulesReport(*set, Options(), ReportFormat::kHtml);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("page-break-before"), std::string::npos);
  EXPECT_NE(html.find("class=\"toc\""), std::string::npos);
  EXPECT_NE(html.find(set->hash()), std::string::npos);
  // No external assets.
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src=\""), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  for (const std::string& id : RuleIds(*set)) {
    EXPECT_NE(html.find("<code>" + id + "</code>"), std::string::npos) << id;
  }
}

// --- Decision statistics (--decisions DB --from DATE --to DATE) -------------

std::string DecisionJson(
    const std::vector<std::pair<std::string, std::string>>& fired) {
  nlohmann::json j = {{"outcome", "ALLOW"}, {"fired", nlohmann::json::array()}};
  for (const auto& [id, outcome] : fired) {
    j["fired"].push_back({{"id", id}, {"outcome", outcome}});
  }
  return j.dump();
}

DecisionStatistics SampleStatistics() {
  DecisionStatsBuilder b(*ParseDate("2026-01-01"), *ParseDate("2026-03-31"));
  // An override of D-1 and a cleared hit on D-2 arrive before/after their
  // decisions: the order of records does not matter.
  b.AddOverride("D-000001");
  b.AddDecision("D-000001", "2026-01-05T10:00:00Z", "DENY",
                DecisionJson({{"OFAC-SDN-DIRECT", "DENY"},
                              {"EAR-744.11-ENTITY-LIST", "LICENSE_REQUIRED"}}));
  b.AddDecision("D-000002", "2026-03-31T23:59:59Z", "DENY",
                DecisionJson({{"OFAC-SDN-DIRECT", "DENY"}}));
  b.AddClearedHit("D-000002");
  b.AddOverride("D-000001");  // twice: counts once
  // Outside the period: not counted, nor are its actions.
  b.AddDecision("D-000003", "2026-04-01T00:00:00Z", "DENY",
                DecisionJson({{"OFAC-SDN-DIRECT", "DENY"}}));
  b.AddOverride("D-000003");
  b.AddDecision("D-000004", "2026-02-01T00:00:00Z", "ALLOW", "not json");
  b.AddDecision("D-000005", "2026-02-02T00:00:00Z", "ESCALATE",
                DecisionJson({{"RETIRED-RULE", "ESCALATE"}}));
  return std::move(b).Finish();
}

TEST(DecisionStats, CountsFiredOutcomesOverridesAndClearsInThePeriod) {
  const DecisionStatistics d = SampleStatistics();
  EXPECT_EQ(d.decisions, 4);
  EXPECT_EQ(d.outcomes.at("DENY"), 2);
  EXPECT_EQ(d.outcomes.at("ALLOW"), 1);
  EXPECT_EQ(d.outcomes.at("ESCALATE"), 1);
  EXPECT_EQ(d.overridden, 1);
  EXPECT_EQ(d.cleared, 1);
  EXPECT_EQ(d.unreadable, 1);
  const RuleFiringStats& sdn = d.rules.at("OFAC-SDN-DIRECT");
  EXPECT_EQ(sdn.fired, 2);
  EXPECT_EQ(sdn.outcomes.at("DENY"), 2);
  EXPECT_EQ(sdn.overridden, 1);
  EXPECT_EQ(sdn.cleared, 1);
  const RuleFiringStats& el = d.rules.at("EAR-744.11-ENTITY-LIST");
  EXPECT_EQ(el.fired, 1);
  EXPECT_EQ(el.outcomes.at("LICENSE_REQUIRED"), 1);
  EXPECT_EQ(el.overridden, 1);
  EXPECT_EQ(el.cleared, 0);
}

TEST(DecisionStats, ShownPerRuleInJsonMarkdownAndHtml) {
  auto set = Catalog();
  ASSERT_NE(set, nullptr);
  ReportOptions options = Options();
  options.decisions = SampleStatistics();
  options.decisions->database = "decisions.db";

  const auto j = nlohmann::json::parse(
      RenderRulesReport(*set, options, ReportFormat::kJson));
  EXPECT_EQ(j["decisions"]["available"], true);
  EXPECT_EQ(j["decisions"]["from"], "2026-01-01");
  EXPECT_EQ(j["decisions"]["decisions"], 4);
  EXPECT_EQ(j["decisions"]["outcomes"]["DENY"], 2);
  EXPECT_EQ(j["decisions"]["overridden"], 1);
  bool sdn_seen = false;
  for (const auto& r : j["rules"]) {
    ASSERT_TRUE(r.contains("decisions")) << r["id"];
    if (r["id"] == "OFAC-SDN-DIRECT") {
      sdn_seen = true;
      EXPECT_EQ(r["decisions"]["fired"], 2);
      EXPECT_EQ(r["decisions"]["overridden"], 1);
    }
  }
  EXPECT_TRUE(sdn_seen);
  bool retired_seen = false;
  for (const auto& r : j["decisions"]["rules"]) {
    if (r["id"] == "RETIRED-RULE") {
      retired_seen = true;
      EXPECT_EQ(r["in_rule_set"], false);
      EXPECT_EQ(r["fired"], 1);
    }
  }
  EXPECT_TRUE(retired_seen);

  const std::string md =
      RenderRulesReport(*set, options, ReportFormat::kMarkdown);
  EXPECT_NE(md.find("| Fired (period) | 2 of 4 decisions, 2026-01-01 to "
                    "2026-03-31 (DENY 2) |"),
            std::string::npos);
  EXPECT_NE(md.find("| `OFAC-SDN-DIRECT` | 2 | DENY 2 | 1 | 1 |"),
            std::string::npos);
  EXPECT_EQ(md.find("no decision database given"), std::string::npos);

  const std::string html =
      RenderRulesReport(*set, options, ReportFormat::kHtml);
  EXPECT_NE(html.find("<th>Fired (period)</th>"), std::string::npos);
  EXPECT_NE(html.find("<th>Overridden</th>"), std::string::npos);
  EXPECT_NE(html.find("RETIRED-RULE</code> <span class=\"small\">(not in "
                      "this rule set)"),
            std::string::npos);
}

}  // namespace
}  // namespace clearance::rules
