// Internal: the rule expression language (docs/rules.md § 2): a one-pass
// parser that resolves fact paths against the fact model, config names and
// lambda variables, type-checks what it can, and builds a typed tree that
// Evaluate() walks without any name lookups.
#ifndef CLEARANCE_ENGINE_RULES_EXPRESSION_H_
#define CLEARANCE_ENGINE_RULES_EXPRESSION_H_

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/rules/fact_model.h"
#include "engine/text/pattern.h"

namespace clearance::rules::internal {

enum class Op : std::uint8_t {
  kConst,
  kSlot,
  kVar,
  kField,
  kMapGet,
  kConfig,
  kNot,
  kAnd,
  kOr,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kNotIn,
  kIsNull,
  kNotNull,
  // Specialised at compile time: x == 'literal', x in ['a', 'b'] (constant
  // in Node::constant).
  kEqString,
  kNeString,
  kInStrings,
  kNotInStrings,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kNeg,
  kListLiteral,
  kGroup,
  kAny,
  kAll,
  kCount,
  kSum,
  kLen,
  kExists,
  kMatches,
  kLower,
  kUpper,
  kDaysBetween,
  kDateIn,
  kEmbargoed,
  kEarEmbargoed,
};

struct Node {
  Op op = Op::kConst;
  Type type = Type::kAny;                          // static type of the result
  Type element = Type::kAny;                       // for lists and maps
  const std::vector<FieldSpec>* fields = nullptr;  // records, lists of them
  Value constant;                                  // kConst
  int index = 0;      // slot, var, field, config, group or pattern index
  size_t offset = 0;  // in the expression text, for messages
  std::vector<std::unique_ptr<Node>> kids;
};

// Names a compiled expression may refer to besides facts.
struct CompileEnv {
  // config name -> (index into the config value table, static type).
  std::map<std::string, std::pair<int, Type>, std::less<>> config;
};

// Storage shared by all expressions of a rule set: constants and patterns.
struct CompiledStore {
  ValueStore values;
  std::vector<text::Pattern> patterns;
};

struct CompileError {
  size_t offset = 0;  // in the expression text
  std::string message;
};

struct Expression {
  std::unique_ptr<Node> root;
  int var_count = 0;
  std::vector<std::string> config_used;  // sorted, unique
};

// Compiles `source`. On error, returns false and fills `error`.
bool CompileExpression(std::string_view source, const CompileEnv& env,
                       CompiledStore* store, Expression* out,
                       CompileError* error);

inline constexpr int kMaxLambdaVars = 16;

struct EvalContext {
  const Value* slots = nullptr;
  Value decision_date;
  Value request_applies_to;
  const Value* config = nullptr;
  Date as_of = 0;
  std::array<Value, kMaxLambdaVars> vars;
  std::unique_ptr<ValueStore> scratch;  // created on demand (lower/upper)
  const CompiledStore* compiled = nullptr;
  bool failed = false;
  size_t error_offset = 0;
  std::string error;
};

// Bit i set when `text` (an ISO 3166-2 code or a place name) names
// reference::SanctionedRegions()[i] on some date. Resolved once per fact set
// so that embargoed(country, region) does no string work per evaluation.
std::int32_t SanctionedRegionMask(std::string_view text);

// Evaluates `node`. On a type error sets ctx->failed / error and returns
// null; callers check ctx->failed once at the end.
Value Eval(const Node& node, EvalContext* ctx);

// Null counts as false; a non-boolean is a type error.
bool Truthy(const Value& v, const Node& node, EvalContext* ctx);

// A value as text for explanations: numbers without trailing zeros,
// lists comma-separated, null as "(none)".
std::string RenderValue(const Value& v);

// A parsed explanation template: literal text and expressions.
struct Template {
  struct Part {
    std::string text;  // literal, when expr.root is null
    Expression expr;
    size_t offset = 0;  // of the expression in the template
  };
  std::vector<Part> parts;
};

bool CompileTemplate(std::string_view source, const CompileEnv& env,
                     CompiledStore* store, Template* out, CompileError* error);

// Renders; on an evaluation error returns false with ctx->error set.
bool RenderTemplate(const Template& t, EvalContext* ctx, std::string* out);

}  // namespace clearance::rules::internal

#endif  // CLEARANCE_ENGINE_RULES_EXPRESSION_H_
