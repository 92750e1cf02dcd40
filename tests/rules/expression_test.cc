// The expression language (docs/rules.md § 2): precedence, null semantics,
// functions, dates and country groups as of a date, and error positions.
#include "engine/rules/expression.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "engine/rules/rules.h"

namespace clearance::rules {
namespace {

using internal::CompiledStore;
using internal::CompileEnv;
using internal::CompileError;
using internal::EvalContext;
using internal::Expression;
using internal::Type;
using internal::Value;

struct Outcome {
  bool compiled = false;
  CompileError compile_error;
  bool failed = false;
  std::string error;
  Value value;
  std::string text;  // RenderValue(value)
};

Outcome Compile(const std::string& source,
                const nlohmann::json& facts = nlohmann::json::object(),
                const std::string& date = "2026-03-01") {
  static CompileEnv env = [] {
    CompileEnv e;
    e.config["flag"] = {0, Type::kString};
    return e;
  }();
  static const Value kConfig[] = {Value::String("active")};
  Outcome out;
  CompiledStore store;
  Expression expr;
  out.compiled = internal::CompileExpression(source, env, &store, &expr,
                                             &out.compile_error);
  if (!out.compiled) return out;
  auto f = Facts::FromJson(facts);
  EXPECT_TRUE(f.has_value()) << (f ? "" : f.error().message());
  if (!f) return out;
  EvalContext ctx;
  ctx.slots = f->impl().slots.data();
  ctx.decision_date = Value::DateValue(*ParseDate(date));
  ctx.request_applies_to = Value::String("REMOTE_SERVICE");
  ctx.config = kConfig;
  ctx.compiled = &store;
  out.value = internal::Eval(*expr.root, &ctx);
  out.failed = ctx.failed;
  out.error = ctx.error;
  out.text = internal::RenderValue(out.value);
  return out;
}

bool IsTrue(const std::string& source,
            const nlohmann::json& facts = nlohmann::json::object(),
            const std::string& date = "2026-03-01") {
  Outcome o = Compile(source, facts, date);
  EXPECT_TRUE(o.compiled) << source << ": " << o.compile_error.message;
  EXPECT_FALSE(o.failed) << source << ": " << o.error;
  EXPECT_EQ(o.value.type, Type::kBool) << source;
  return o.value.type == Type::kBool && o.value.boolean;
}

TEST(Expression, PrecedenceOfLogicAndArithmetic) {
  EXPECT_TRUE(IsTrue("true or false and false"));  // and binds tighter
  EXPECT_FALSE(IsTrue("(true or false) and false"));
  EXPECT_TRUE(IsTrue("not false and true"));  // not binds tighter than and
  EXPECT_FALSE(IsTrue("not (false or true)"));
  EXPECT_TRUE(IsTrue("1 + 2 * 3 == 7"));
  EXPECT_TRUE(IsTrue("(1 + 2) * 3 == 9"));
  EXPECT_TRUE(IsTrue("10 - 4 - 3 == 3"));  // left associative
  EXPECT_TRUE(IsTrue("-2 * 3 == -6"));
  EXPECT_TRUE(IsTrue("8 / 4 / 2 == 1"));
  EXPECT_TRUE(IsTrue("1 + 1 in [2, 3]"));  // arithmetic before in
  EXPECT_TRUE(IsTrue("'CN' not in ['US', 'DE']"));
}

TEST(Expression, FactsAndLambdas) {
  const nlohmann::json facts = {
      {"account",
       {{"country", "SG"},
        {"beneficial_owners",
         {{{"name", "A"}, {"country", "CN"}, {"share", 30}, {"listed", true}},
          {{"name", "B"},
           {"country", "US"},
           {"share", 25},
           {"listed", false}}}}}},
      {"ownership", {{"aggregate", {{"OFAC", 25}, {"BIS-EL", 60}}}}},
      {"red_flags", {"new_company", "crypto_payment"}}};
  EXPECT_TRUE(IsTrue("account.country == 'SG'", facts));
  EXPECT_TRUE(
      IsTrue("any(account.beneficial_owners, o => o.listed and o.share >= 25)",
             facts));
  EXPECT_FALSE(IsTrue("all(account.beneficial_owners, o => o.listed)", facts));
  EXPECT_TRUE(IsTrue(
      "count(account.beneficial_owners, o => o.share >= 25) == 2", facts));
  EXPECT_TRUE(
      IsTrue("sum(account.beneficial_owners, o => o.share) == 55", facts));
  EXPECT_TRUE(IsTrue("ownership.aggregate[\"BIS-EL\"] >= 50", facts));
  EXPECT_TRUE(
      IsTrue("'crypto_payment' in red_flags and len(red_flags) == 2", facts));
  EXPECT_TRUE(
      IsTrue("any(account.beneficial_owners, o => any(red_flags, f => f == "
             "'new_company') and o.country == 'CN')",
             facts));
  EXPECT_TRUE(IsTrue("config.flag == 'active'"));
}

TEST(Expression, NullSemantics) {
  const nlohmann::json none = nlohmann::json::object();
  // Comparisons with a missing fact are false, both ways.
  EXPECT_FALSE(IsTrue("account.country == 'CN'", none));
  EXPECT_FALSE(IsTrue("account.country != 'CN'", none));
  EXPECT_FALSE(IsTrue("workload.tpp > 100", none));
  EXPECT_FALSE(IsTrue("workload.tpp <= 100", none));
  // ...except against the literal null.
  EXPECT_TRUE(IsTrue("account.country == null", none));
  EXPECT_FALSE(IsTrue("account.country != null", none));
  EXPECT_FALSE(IsTrue("exists(account.country)", none));
  EXPECT_FALSE(IsTrue("account.country in ['CN']", none));
  EXPECT_FALSE(IsTrue("account.country not in ['CN']", none));
  EXPECT_FALSE(IsTrue("any(ip_events, e => true)", none));
  EXPECT_FALSE(IsTrue("all(ip_events, e => true)", none));
  EXPECT_TRUE(
      IsTrue("count(ip_events, e => true) == 0 and len(red_flags) == 0", none));
  EXPECT_TRUE(
      IsTrue("not account.is_reseller", none));        // null is false in logic
  EXPECT_FALSE(IsTrue("workload.tpp + 1 > 0", none));  // null propagates
  EXPECT_FALSE(IsTrue("ownership.aggregate['OFAC'] >= 50",
                      {{"ownership", {{"aggregate", {{"BIS-EL", 60}}}}}}));
  EXPECT_FALSE(IsTrue("account.hq_country in group('D:5')", none));
  EXPECT_FALSE(IsTrue("matches(account.email_domain, '\\\\.cn$')", none));
  EXPECT_TRUE(IsTrue("all(ip_events, e => false)",
                     {{"ip_events", nlohmann::json::array()}}));
}

TEST(Expression, TypeErrorsAtEvaluationAreErrors) {
  // Statically visible: rejected at compile time.
  Outcome o = Compile("'abc' > 3");
  EXPECT_FALSE(o.compiled);
  EXPECT_NE(
      o.compile_error.message.find("cannot compare a string with a number"),
      std::string::npos)
      << o.compile_error.message;
  o = Compile("account.country + 1");
  EXPECT_FALSE(o.compiled);
  o = Compile("workload.tpp == 'high'");
  EXPECT_FALSE(o.compiled);
  // Only visible at run time (list literal of mixed types).
  o = Compile("workload.tpp in ['a', 1]", {{"workload", {{"tpp", 5}}}});
  EXPECT_TRUE(o.compiled);
  EXPECT_TRUE(o.failed);
  EXPECT_NE(o.error.find("cannot look for a number"), std::string::npos)
      << o.error;
  o = Compile("1 / 0 > 1");
  EXPECT_TRUE(o.failed);
  EXPECT_EQ(o.error, "division by zero");
}

TEST(Expression, FunctionsAndDates) {
  EXPECT_TRUE(IsTrue("matches(account.email_domain, '\\\\.cn$')",
                     {{"account", {{"email_domain", "example.com.cn"}}}}));
  EXPECT_FALSE(IsTrue("matches(account.email_domain, '^cn')",
                      {{"account", {{"email_domain", "example.com.cn"}}}}));
  EXPECT_TRUE(
      IsTrue("lower(account.legal_name) == 'acme ltd' and upper('x') == 'X'",
             {{"account", {{"legal_name", "ACME Ltd"}}}}));
  EXPECT_TRUE(IsTrue("decision.date - date('2026-02-01') == 28"));
  EXPECT_TRUE(IsTrue("days_between(date('2025-09-29'), decision.date) == 153"));
  EXPECT_TRUE(IsTrue("decision.date + 1 == date('2026-03-02')"));
  EXPECT_TRUE(IsTrue("date_in(decision.date, '2025-11-10', '2026-11-09')"));
  EXPECT_FALSE(IsTrue("date_in(decision.date, '2025-09-29', '2025-11-09')"));
  EXPECT_TRUE(IsTrue("date_in(decision.date, '2026-01-01', '')"));
  EXPECT_TRUE(IsTrue("decision.date >= date('2025-09-29')"));
  EXPECT_TRUE(IsTrue("request.applies_to == 'REMOTE_SERVICE'"));
}

TEST(Expression, CountryGroupsAsOfTheDecisionDate) {
  // Cyprus left D:5 on 2024-05-30 (89 FR 40369).
  EXPECT_TRUE(IsTrue("'CY' in group('D:5')", {}, "2024-05-01"));
  EXPECT_FALSE(IsTrue("'CY' in group('D:5')", {}, "2024-06-01"));
  EXPECT_TRUE(
      IsTrue("'CN' in group('D:5') and 'HK' in group('D:5')"));  // HK is China
  EXPECT_FALSE(IsTrue("'MO' in group('D:5')"));
  EXPECT_TRUE(IsTrue("'MO' in group('MACAU')"));
  EXPECT_TRUE(IsTrue("'FR' not in group('D:5')"));
  EXPECT_TRUE(IsTrue("'cn' in group('D:5')"));
}

TEST(Expression, Embargoes) {
  EXPECT_TRUE(
      IsTrue("embargoed('IR') and embargoed('KP') and embargoed('CU')"));
  EXPECT_TRUE(IsTrue("embargoed('SY')", {}, "2025-06-30"));
  EXPECT_FALSE(IsTrue("embargoed('SY')", {}, "2025-07-01"));  // OFAC relief
  EXPECT_TRUE(IsTrue("ear_embargoed('SY')", {}, "2025-07-01"));
  EXPECT_TRUE(IsTrue("embargoed('UA', 'Sevastopol')"));
  EXPECT_TRUE(IsTrue("embargoed('UA', 'UA-43')"));
  EXPECT_FALSE(IsTrue("embargoed('UA', 'Kyiv')"));
  EXPECT_FALSE(IsTrue("embargoed('DE')"));
}

TEST(Expression, ParseErrorsPointAtTheProblem) {
  struct Case {
    const char* source;
    size_t offset;
    const char* message_part;
  };
  const Case cases[] = {
      {"account.country == 'CN' and", 27, "expected a value"},
      {"account.country = 'CN'", 16, "expected '=='"},
      {"account.contry == 'CN'", 8, "unknown fact 'account.contry'"},
      {"any(account.beneficial_owners, o => o.shares > 1)", 38,
       "unknown fact field 'shares'"},
      {"acount.country == 'CN'", 0, "unknown fact 'acount'"},
      {"(1 + 2", 6, "expected ')'"},
      {"1 < 2 < 3", 6, "comparisons do not chain"},
      {"'abc", 0, "unterminated string"},
      {"matches(account.country, '(')", 25, "invalid regular expression"},
      {"group('D:9') == 1", 6, "unknown country group"},
      {"config.nope == 1", 7, "unknown config value 'nope'"},
      {"frobnicate(1)", 0, "unknown function 'frobnicate()'"},
      {"account.country && true", 16, "expected 'and' or 'or'"},
      {"date('2026-02-30') == decision.date", 5, "invalid date"},
  };
  for (const Case& c : cases) {
    Outcome o = Compile(c.source);
    EXPECT_FALSE(o.compiled) << c.source;
    EXPECT_EQ(o.compile_error.offset, c.offset)
        << c.source << ": " << o.compile_error.message;
    EXPECT_NE(o.compile_error.message.find(c.message_part), std::string::npos)
        << c.source << ": " << o.compile_error.message;
  }
}

TEST(Dates, ParseAndFormat) {
  EXPECT_EQ(ParseDate("1970-01-01"), 0);
  EXPECT_EQ(ParseDate("2024-02-29").has_value(), true);
  EXPECT_FALSE(ParseDate("2025-02-29").has_value());
  EXPECT_FALSE(ParseDate("2025-13-01").has_value());
  EXPECT_FALSE(ParseDate("2025-1-01").has_value());
  EXPECT_EQ(FormatDate(*ParseDate("2026-11-10")), "2026-11-10");
  EXPECT_EQ(*ParseDate("2026-03-01") - *ParseDate("2026-02-01"), 28);
}

}  // namespace
}  // namespace clearance::rules
