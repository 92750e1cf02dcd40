#include "engine/rules/expression.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>

#include "engine/reference/reference.h"

namespace clearance::rules::internal {
namespace {

// --- Country groups and embargoes as date ranges per country ---------------

struct Range {
  Date from;
  Date to;
};
using CountryRanges = std::vector<std::vector<Range>>;  // [26 * 26]

int CountryIndex(std::string_view code) {
  if (code.size() != 2) return -1;
  auto letter = [](char c) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return (c >= 'A' && c <= 'Z') ? c - 'A' : -1;
  };
  const int a = letter(code[0]);
  const int b = letter(code[1]);
  return (a < 0 || b < 0) ? -1 : a * 26 + b;
}

Date FromOr(const std::string& d, Date fallback) {
  if (d.empty()) return fallback;
  auto parsed = ParseDate(d);
  return parsed ? *parsed : fallback;
}

constexpr Date kMinDate = -1000000;
constexpr Date kMaxDate = 1000000;

bool InRanges(const std::vector<Range>& ranges, Date date) {
  for (const Range& r : ranges) {
    if (r.from <= date && date <= r.to) return true;
  }
  return false;
}

struct GroupTables {
  std::vector<std::string> names;
  std::vector<CountryRanges> members;  // by group index
  CountryRanges ofac_embargo;
  CountryRanges ear_embargo;

  GroupTables() : ofac_embargo(676), ear_embargo(676) {
    std::set<std::string> groups;
    for (const auto& m : reference::CountryGroupMemberships()) {
      groups.insert(m.group);
    }
    names.assign(groups.begin(), groups.end());
    members.assign(names.size(), CountryRanges(676));
    for (const auto& m : reference::CountryGroupMemberships()) {
      const int g = Index(m.group);
      const int c = CountryIndex(m.country);
      if (g < 0 || c < 0) continue;
      members[static_cast<size_t>(g)][static_cast<size_t>(c)].push_back(
          {FromOr(m.effective_from, kMinDate),
           FromOr(m.effective_to, kMaxDate)});
    }
    // Destinations the EAR treats as another (HK as CN) take on the other's
    // memberships while the alias is in force.
    for (const auto& alias : reference::DestinationAliases()) {
      const int from = CountryIndex(alias.country);
      const int to = CountryIndex(alias.treated_as);
      if (from < 0 || to < 0) continue;
      const Range a{FromOr(alias.effective_from, kMinDate),
                    FromOr(alias.effective_to, kMaxDate)};
      for (CountryRanges& group : members) {
        for (const Range& r : group[static_cast<size_t>(to)]) {
          const Range both{std::max(a.from, r.from), std::min(a.to, r.to)};
          if (both.from <= both.to) {
            group[static_cast<size_t>(from)].push_back(both);
          }
        }
      }
    }
    for (const auto& e : reference::Embargoes()) {
      const int c = CountryIndex(e.country);
      if (c < 0) continue;
      if (!e.ofac_authority.empty()) {
        ofac_embargo[static_cast<size_t>(c)].push_back(
            {FromOr(e.ofac_from, kMinDate), FromOr(e.ofac_to, kMaxDate)});
      }
      if (!e.ear_authority.empty()) {
        ear_embargo[static_cast<size_t>(c)].push_back(
            {FromOr(e.ear_from, kMinDate), FromOr(e.ear_to, kMaxDate)});
      }
    }
  }

  int Index(std::string_view name) const {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
};

const GroupTables& Groups() {
  static const GroupTables* tables = new GroupTables();
  return *tables;
}

// --- Lexer ------------------------------------------------------------------

enum class Tok {
  kEnd,
  kIdent,
  kNumber,
  kString,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kArrow,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kError,
};

struct Token {
  Tok kind = Tok::kEnd;
  size_t offset = 0;
  std::string text;  // identifier or decoded string
  double number = 0;
};

std::string_view TokName(Tok t) {
  switch (t) {
    case Tok::kEnd:
      return "end of expression";
    case Tok::kIdent:
      return "a name";
    case Tok::kNumber:
      return "a number";
    case Tok::kString:
      return "a string";
    case Tok::kLParen:
      return "'('";
    case Tok::kRParen:
      return "')'";
    case Tok::kLBracket:
      return "'['";
    case Tok::kRBracket:
      return "']'";
    case Tok::kComma:
      return "','";
    case Tok::kDot:
      return "'.'";
    case Tok::kArrow:
      return "'=>'";
    case Tok::kPlus:
      return "'+'";
    case Tok::kMinus:
      return "'-'";
    case Tok::kStar:
      return "'*'";
    case Tok::kSlash:
      return "'/'";
    case Tok::kEq:
      return "'=='";
    case Tok::kNe:
      return "'!='";
    case Tok::kLt:
      return "'<'";
    case Tok::kLe:
      return "'<='";
    case Tok::kGt:
      return "'>'";
    case Tok::kGe:
      return "'>='";
    case Tok::kError:
      return "an invalid character";
  }
  return "?";
}

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  // Returns kError with `text` = message on a lexical error.
  Token Next() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' ||
                                s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
    Token t;
    t.offset = pos_;
    if (pos_ >= s_.size()) return t;
    const char c = s_[pos_];
    // Called after the first character was consumed.
    auto two = [&](char next) { return pos_ < s_.size() && s_[pos_] == next; };
    if (IsIdentStart(c)) {
      while (pos_ < s_.size() &&
             (IsIdentStart(s_[pos_]) || IsDigit(s_[pos_]))) {
        ++pos_;
      }
      t.kind = Tok::kIdent;
      t.text = std::string(s_.substr(t.offset, pos_ - t.offset));
      return t;
    }
    if (IsDigit(c) ||
        (c == '.' && pos_ + 1 < s_.size() && IsDigit(s_[pos_ + 1]))) {
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
      if (pos_ < s_.size() && s_[pos_] == '.') {
        ++pos_;
        while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
      }
      if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
        size_t p = pos_ + 1;
        if (p < s_.size() && (s_[p] == '+' || s_[p] == '-')) ++p;
        if (p < s_.size() && IsDigit(s_[p])) {
          pos_ = p;
          while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
        }
      }
      t.kind = Tok::kNumber;
      t.number = std::strtod(
          std::string(s_.substr(t.offset, pos_ - t.offset)).c_str(), nullptr);
      return t;
    }
    if (c == '"' || c == '\'') {
      ++pos_;
      while (true) {
        if (pos_ >= s_.size()) {
          t.kind = Tok::kError;
          t.text = std::string("unterminated string: expected ") + c;
          return t;
        }
        const char d = s_[pos_++];
        if (d == c) break;
        if (d == '\\' && pos_ < s_.size()) {
          const char e = s_[pos_++];
          t.text.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
        } else {
          t.text.push_back(d);
        }
      }
      t.kind = Tok::kString;
      return t;
    }
    ++pos_;
    switch (c) {
      case '(':
        t.kind = Tok::kLParen;
        return t;
      case ')':
        t.kind = Tok::kRParen;
        return t;
      case '[':
        t.kind = Tok::kLBracket;
        return t;
      case ']':
        t.kind = Tok::kRBracket;
        return t;
      case ',':
        t.kind = Tok::kComma;
        return t;
      case '.':
        t.kind = Tok::kDot;
        return t;
      case '+':
        t.kind = Tok::kPlus;
        return t;
      case '-':
        t.kind = Tok::kMinus;
        return t;
      case '*':
        t.kind = Tok::kStar;
        return t;
      case '/':
        t.kind = Tok::kSlash;
        return t;
      case '=':
        if (two('>')) {
          ++pos_;
          t.kind = Tok::kArrow;
          return t;
        }
        if (two('=')) {
          ++pos_;
          t.kind = Tok::kEq;
          return t;
        }
        t.kind = Tok::kError;
        t.text =
            "'=' is not an operator: expected '==' (comparison) or '=>' "
            "(lambda)";
        return t;
      case '!':
        if (two('=')) {
          ++pos_;
          t.kind = Tok::kNe;
          return t;
        }
        t.kind = Tok::kError;
        t.text = "'!' is not an operator: expected '!=' or 'not'";
        return t;
      case '<':
        if (two('=')) {
          ++pos_;
          t.kind = Tok::kLe;
          return t;
        }
        t.kind = Tok::kLt;
        return t;
      case '>':
        if (two('=')) {
          ++pos_;
          t.kind = Tok::kGe;
          return t;
        }
        t.kind = Tok::kGt;
        return t;
      case '&':
      case '|':
        t.kind = Tok::kError;
        t.text = std::string("'") + c +
                 "' is not an operator: expected 'and' or 'or'";
        return t;
      default:
        t.kind = Tok::kError;
        t.text = std::string("unexpected character '") + c + "'";
        return t;
    }
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// --- Parser / compiler ------------------------------------------------------

using NodePtr = std::unique_ptr<Node>;

bool IsKeyword(std::string_view s) {
  return s == "and" || s == "or" || s == "not" || s == "in" || s == "true" ||
         s == "false" || s == "null";
}

struct Scope {
  std::string name;
  int var = 0;
  Type type = Type::kAny;
  const std::vector<FieldSpec>* fields = nullptr;
};

class Parser {
 public:
  Parser(std::string_view source, const CompileEnv& env, CompiledStore* store)
      : lexer_(source), env_(env), store_(store) {
    Advance();
  }

  bool Parse(Expression* out, CompileError* error) {
    NodePtr root = ParseOr();
    if (ok_ && tok_.kind != Tok::kEnd) {
      Error(tok_.offset,
            std::string("expected an operator or end of expression, found ") +
                Describe(tok_));
    }
    if (!ok_) {
      *error = error_;
      return false;
    }
    out->root = std::move(root);
    out->var_count = vars_;
    out->config_used.assign(config_used_.begin(), config_used_.end());
    return true;
  }

 private:
  static std::string Describe(const Token& t) {
    if (t.kind == Tok::kIdent) return "'" + t.text + "'";
    if (t.kind == Tok::kString) return "a string";
    if (t.kind == Tok::kNumber) return "a number";
    return std::string(TokName(t.kind));
  }

  void Advance() {
    tok_ = lexer_.Next();
    if (tok_.kind == Tok::kError) Error(tok_.offset, tok_.text);
  }

  NodePtr Error(size_t offset, std::string message) {
    if (ok_) {
      ok_ = false;
      error_ = {offset, std::move(message)};
    }
    return nullptr;
  }

  bool IsWord(std::string_view w) const {
    return tok_.kind == Tok::kIdent && tok_.text == w;
  }

  bool Expect(Tok kind, std::string_view context) {
    if (!ok_) return false;
    if (tok_.kind != kind) {
      Error(tok_.offset, "expected " + std::string(TokName(kind)) +
                             std::string(context) + ", found " +
                             Describe(tok_));
      return false;
    }
    Advance();
    return true;
  }

  static NodePtr Make(Op op, Type type, size_t offset) {
    auto n = std::make_unique<Node>();
    n->op = op;
    n->type = type;
    n->offset = offset;
    return n;
  }

  static bool Known(Type t) { return t != Type::kAny; }

  NodePtr ParseOr() {
    NodePtr left = ParseAnd();
    while (ok_ && IsWord("or")) {
      const size_t at = tok_.offset;
      Advance();
      NodePtr right = ParseAnd();
      if (!ok_) return nullptr;
      left = Logical(Op::kOr, std::move(left), std::move(right), at);
    }
    return left;
  }

  NodePtr ParseAnd() {
    NodePtr left = ParseNot();
    while (ok_ && IsWord("and")) {
      const size_t at = tok_.offset;
      Advance();
      NodePtr right = ParseNot();
      if (!ok_) return nullptr;
      left = Logical(Op::kAnd, std::move(left), std::move(right), at);
    }
    return left;
  }

  NodePtr CheckBool(NodePtr n, std::string_view what) {
    if (!ok_ || !n) return nullptr;
    if (Known(n->type) && n->type != Type::kBool && n->type != Type::kNull) {
      return Error(n->offset, std::string(what) + " needs a boolean, found a " +
                                  std::string(TypeName(n->type)));
    }
    return n;
  }

  NodePtr Logical(Op op, NodePtr a, NodePtr b, size_t at) {
    const char* what = op == Op::kAnd ? "'and'" : "'or'";
    a = CheckBool(std::move(a), what);
    b = CheckBool(std::move(b), what);
    if (!ok_) return nullptr;
    NodePtr n = Make(op, Type::kBool, at);
    n->kids.push_back(std::move(a));
    n->kids.push_back(std::move(b));
    return n;
  }

  NodePtr ParseNot() {
    if (IsWord("not")) {
      const size_t at = tok_.offset;
      Advance();
      NodePtr operand = CheckBool(ParseNot(), "'not'");
      if (!ok_) return nullptr;
      NodePtr n = Make(Op::kNot, Type::kBool, at);
      n->kids.push_back(std::move(operand));
      return n;
    }
    return ParseComparison();
  }

  static bool Comparable(Type a, Type b) {
    if (!Known(a) || !Known(b)) return true;
    return a == b;
  }

  NodePtr ParseComparison() {
    NodePtr left = ParseAdditive();
    if (!ok_) return nullptr;
    Op op;
    const size_t at = tok_.offset;
    std::string spelled;
    switch (tok_.kind) {
      case Tok::kEq:
        op = Op::kEq;
        spelled = "==";
        break;
      case Tok::kNe:
        op = Op::kNe;
        spelled = "!=";
        break;
      case Tok::kLt:
        op = Op::kLt;
        spelled = "<";
        break;
      case Tok::kLe:
        op = Op::kLe;
        spelled = "<=";
        break;
      case Tok::kGt:
        op = Op::kGt;
        spelled = ">";
        break;
      case Tok::kGe:
        op = Op::kGe;
        spelled = ">=";
        break;
      default:
        if (IsWord("in")) {
          op = Op::kIn;
          spelled = "in";
        } else if (IsWord("not")) {
          op = Op::kNotIn;
          spelled = "not in";
          Advance();
          if (!IsWord("in")) {
            return Error(tok_.offset,
                         "expected 'in' after 'not', found " + Describe(tok_));
          }
        } else {
          return left;
        }
    }
    Advance();
    NodePtr right = ParseAdditive();
    if (!ok_) return nullptr;
    if (tok_.kind >= Tok::kEq && tok_.kind <= Tok::kGe) {
      return Error(tok_.offset,
                   "comparisons do not chain: expected 'and' or ')', found " +
                       Describe(tok_));
    }
    const bool left_null = left->op == Op::kConst && left->type == Type::kNull;
    const bool right_null =
        right->op == Op::kConst && right->type == Type::kNull;
    if (left_null || right_null) {
      if (op != Op::kEq && op != Op::kNe) {
        return Error(at, "'" + spelled +
                             "' with null is always false: use == null, != "
                             "null or exists()");
      }
      NodePtr n =
          Make(op == Op::kEq ? Op::kIsNull : Op::kNotNull, Type::kBool, at);
      n->kids.push_back(left_null ? std::move(right) : std::move(left));
      return n;
    }
    if (op == Op::kIn || op == Op::kNotIn) {
      const Type rt = right->type;
      if (Known(rt) && rt != Type::kList && rt != Type::kGroup) {
        return Error(right->offset,
                     "'" + spelled +
                         "' needs a list or group(...) on the right, found a " +
                         std::string(TypeName(rt)));
      }
      if (rt == Type::kGroup && Known(left->type) &&
          left->type != Type::kString) {
        return Error(left->offset,
                     "group membership needs a country code string, found a " +
                         std::string(TypeName(left->type)));
      }
      if (rt == Type::kList && !Comparable(left->type, right->element)) {
        return Error(left->offset, "cannot look for a " +
                                       std::string(TypeName(left->type)) +
                                       " in a list of " +
                                       std::string(TypeName(right->element)));
      }
    } else {
      if (!Comparable(left->type, right->type)) {
        return Error(at, "cannot compare a " +
                             std::string(TypeName(left->type)) + " with a " +
                             std::string(TypeName(right->type)) + " using '" +
                             spelled + "'");
      }
      if (op != Op::kEq && op != Op::kNe && Known(left->type) &&
          left->type != Type::kNumber && left->type != Type::kDate &&
          left->type != Type::kString) {
        return Error(at, "'" + spelled +
                             "' needs numbers, dates or strings, found a " +
                             std::string(TypeName(left->type)));
      }
    }
    NodePtr n = Make(op, Type::kBool, at);
    // Fast paths for the most common shapes: a fact against string literals.
    if (right->op == Op::kConst && left->op != Op::kConst) {
      if ((op == Op::kEq || op == Op::kNe) && right->type == Type::kString) {
        n->op = op == Op::kEq ? Op::kEqString : Op::kNeString;
        n->constant = right->constant;
        n->kids.push_back(std::move(left));
        return n;
      }
      if ((op == Op::kIn || op == Op::kNotIn) && right->type == Type::kList &&
          right->element == Type::kString) {
        n->op = op == Op::kIn ? Op::kInStrings : Op::kNotInStrings;
        n->constant = right->constant;
        n->kids.push_back(std::move(left));
        return n;
      }
    }
    n->kids.push_back(std::move(left));
    n->kids.push_back(std::move(right));
    return n;
  }

  NodePtr Arithmetic(Op op, NodePtr a, NodePtr b, size_t at) {
    Type result = Type::kAny;
    const Type x = a->type;
    const Type y = b->type;
    const char* name = op == Op::kAdd   ? "+"
                       : op == Op::kSub ? "-"
                       : op == Op::kMul ? "*"
                                        : "/";
    if (Known(x) && Known(y)) {
      if (x == Type::kNumber && y == Type::kNumber) {
        result = Type::kNumber;
      } else if (op == Op::kSub && x == Type::kDate && y == Type::kDate) {
        result = Type::kNumber;
      } else if ((op == Op::kAdd || op == Op::kSub) && x == Type::kDate &&
                 y == Type::kNumber) {
        result = Type::kDate;
      } else {
        return Error(at, std::string("cannot apply '") + name + "' to a " +
                             std::string(TypeName(x)) + " and a " +
                             std::string(TypeName(y)));
      }
    }
    NodePtr n = Make(op, result, at);
    n->kids.push_back(std::move(a));
    n->kids.push_back(std::move(b));
    return n;
  }

  NodePtr ParseAdditive() {
    NodePtr left = ParseMultiplicative();
    while (ok_ && (tok_.kind == Tok::kPlus || tok_.kind == Tok::kMinus)) {
      const Op op = tok_.kind == Tok::kPlus ? Op::kAdd : Op::kSub;
      const size_t at = tok_.offset;
      Advance();
      NodePtr right = ParseMultiplicative();
      if (!ok_) return nullptr;
      left = Arithmetic(op, std::move(left), std::move(right), at);
    }
    return left;
  }

  NodePtr ParseMultiplicative() {
    NodePtr left = ParseUnary();
    while (ok_ && (tok_.kind == Tok::kStar || tok_.kind == Tok::kSlash)) {
      const Op op = tok_.kind == Tok::kStar ? Op::kMul : Op::kDiv;
      const size_t at = tok_.offset;
      Advance();
      NodePtr right = ParseUnary();
      if (!ok_) return nullptr;
      left = Arithmetic(op, std::move(left), std::move(right), at);
    }
    return left;
  }

  NodePtr ParseUnary() {
    if (tok_.kind == Tok::kMinus) {
      const size_t at = tok_.offset;
      Advance();
      NodePtr operand = ParseUnary();
      if (!ok_) return nullptr;
      if (Known(operand->type) && operand->type != Type::kNumber) {
        return Error(at, "unary '-' needs a number, found a " +
                             std::string(TypeName(operand->type)));
      }
      if (operand->op == Op::kConst) {
        operand->constant.number = -operand->constant.number;
        operand->offset = at;
        return operand;
      }
      NodePtr n = Make(Op::kNeg, Type::kNumber, at);
      n->kids.push_back(std::move(operand));
      return n;
    }
    return ParsePostfix();
  }

  NodePtr ParsePostfix() {
    NodePtr n = ParsePrimary();
    while (ok_) {
      if (tok_.kind == Tok::kDot) {
        Advance();
        if (tok_.kind != Tok::kIdent) {
          return Error(tok_.offset, "expected a field name after '.', found " +
                                        Describe(tok_));
        }
        if (n->type != Type::kRecord || n->fields == nullptr) {
          return Error(tok_.offset, "'." + tok_.text + "': a " +
                                        std::string(TypeName(n->type)) +
                                        " has no fields");
        }
        const int index = FieldIndex(*n->fields, tok_.text);
        if (index < 0) {
          return Error(tok_.offset, "unknown fact field '" + tok_.text +
                                        "' (expected one of: " +
                                        FieldNames(*n->fields) + ")");
        }
        const FieldSpec& f = (*n->fields)[static_cast<size_t>(index)];
        NodePtr field = Make(Op::kField, f.type, tok_.offset);
        field->index = index;
        field->element = f.element;
        field->fields = f.fields.empty() ? nullptr : &f.fields;
        field->kids.push_back(std::move(n));
        n = std::move(field);
        Advance();
      } else if (tok_.kind == Tok::kLBracket) {
        const size_t at = tok_.offset;
        if (n->type != Type::kMap) {
          return Error(
              at,
              "'[...]' applies to maps such as ownership.aggregate, not to a " +
                  std::string(TypeName(n->type)));
        }
        Advance();
        NodePtr key = ParseOr();
        if (!ok_) return nullptr;
        if (Known(key->type) && key->type != Type::kString) {
          return Error(key->offset, "a map key must be a string");
        }
        if (!Expect(Tok::kRBracket, " closing the map key")) return nullptr;
        NodePtr get = Make(Op::kMapGet, n->element, at);
        get->kids.push_back(std::move(n));
        get->kids.push_back(std::move(key));
        n = std::move(get);
      } else {
        break;
      }
    }
    return n;
  }

  static std::string FieldNames(const std::vector<FieldSpec>& fields) {
    std::string out;
    for (const FieldSpec& f : fields) {
      if (!out.empty()) out += ", ";
      out += f.name;
    }
    return out;
  }

  NodePtr Constant(Value v, size_t at) {
    NodePtr n = Make(Op::kConst, v.type, at);
    n->constant = v;
    return n;
  }

  NodePtr ParsePrimary() {
    if (!ok_) return nullptr;
    const Token t = tok_;
    switch (t.kind) {
      case Tok::kNumber:
        Advance();
        return Constant(Value::Number(t.number), t.offset);
      case Tok::kString:
        Advance();
        return Constant(Value::String(store_->values.Keep(t.text)), t.offset);
      case Tok::kLParen: {
        Advance();
        NodePtr inner = ParseOr();
        if (!Expect(Tok::kRParen, " closing '('")) return nullptr;
        return inner;
      }
      case Tok::kLBracket:
        return ParseListLiteral();
      case Tok::kIdent:
        break;
      default:
        return Error(
            t.offset,
            "expected a value, a fact or a function, found " + Describe(t));
    }
    if (t.text == "true" || t.text == "false") {
      Advance();
      return Constant(Value::Bool(t.text == "true"), t.offset);
    }
    if (t.text == "null") {
      Advance();
      return Constant(Value(), t.offset);
    }
    if (IsKeyword(t.text)) {
      return Error(t.offset,
                   "expected a value, found keyword '" + t.text + "'");
    }
    Advance();
    if (tok_.kind == Tok::kLParen) return ParseCall(t);
    // Lambda variables shadow fact roots.
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->name == t.text) {
        NodePtr n = Make(Op::kVar, it->type, t.offset);
        n->index = it->var;
        n->fields = it->fields;
        return n;
      }
    }
    if (t.text == "config") {
      if (!Expect(Tok::kDot, " after 'config' (config.NAME)")) return nullptr;
      if (tok_.kind != Tok::kIdent) {
        return Error(tok_.offset, "expected a config name after 'config.'");
      }
      auto it = env_.config.find(tok_.text);
      if (it == env_.config.end()) {
        return Error(tok_.offset, "unknown config value '" + tok_.text +
                                      "' (define it in config.json)");
      }
      NodePtr n = Make(Op::kConfig, it->second.second, tok_.offset);
      n->index = it->second.first;
      config_used_.insert(tok_.text);
      Advance();
      return n;
    }
    const FieldSpec* top = FindField(FactModel(), t.text);
    if (top == nullptr) {
      std::string roots;
      for (const FieldSpec& f : FactModel())
        roots += (roots.empty() ? "" : ", ") + f.name;
      return Error(t.offset, "unknown fact '" + t.text +
                                 "' (facts are: " + roots +
                                 "; plus config.NAME and lambda variables)");
    }
    if (top->type != Type::kRecord) {
      NodePtr n = Make(Op::kSlot, top->type, t.offset);
      n->index = top->slot;
      n->element = top->element;
      n->fields = top->fields.empty() ? nullptr : &top->fields;
      return n;
    }
    if (tok_.kind != Tok::kDot) {
      return Error(tok_.offset, "expected '.' and a field after '" + t.text +
                                    "' (e.g. " + t.text + "." +
                                    top->fields.front().name + ")");
    }
    Advance();
    if (tok_.kind != Tok::kIdent) {
      return Error(tok_.offset,
                   "expected a field name after '" + t.text + ".'");
    }
    const FieldSpec* f = FindField(top->fields, tok_.text);
    if (f == nullptr) {
      return Error(tok_.offset, "unknown fact '" + t.text + "." + tok_.text +
                                    "' (fields of " + t.text + ": " +
                                    FieldNames(top->fields) + ")");
    }
    NodePtr n = Make(Op::kSlot, f->type, t.offset);
    n->index = f->slot;
    n->element = f->element;
    n->fields = f->fields.empty() ? nullptr : &f->fields;
    Advance();
    return n;
  }

  NodePtr ParseListLiteral() {
    const size_t at = tok_.offset;
    Advance();
    NodePtr n = Make(Op::kListLiteral, Type::kList, at);
    bool all_const = true;
    Type element = Type::kAny;
    bool first = true;
    if (tok_.kind != Tok::kRBracket) {
      while (ok_) {
        NodePtr item = ParseOr();
        if (!ok_) return nullptr;
        if (item->op != Op::kConst) all_const = false;
        if (first) {
          element = item->type;
          first = false;
        } else if (element != item->type) {
          element = Type::kAny;
        }
        n->kids.push_back(std::move(item));
        if (tok_.kind == Tok::kComma) {
          Advance();
          continue;
        }
        break;
      }
    }
    if (!Expect(Tok::kRBracket, " closing the list")) return nullptr;
    n->element = element == Type::kNull ? Type::kAny : element;
    if (all_const) {
      ListValue list;
      for (const NodePtr& k : n->kids) list.items.push_back(k->constant);
      store_->values.lists.push_back(std::move(list));
      Value v;
      v.type = Type::kList;
      v.ptr = &store_->values.lists.back();
      NodePtr c = Constant(v, at);
      c->element = n->element;
      return c;
    }
    return n;
  }

  // Parses "(" args ")" of function `name`; the '(' is the current token.
  NodePtr ParseCall(const Token& name) {
    const std::string& f = name.text;
    const size_t at = name.offset;
    Advance();  // (
    if (f == "any" || f == "all" || f == "count" || f == "sum") {
      NodePtr list = ParseOr();
      if (!ok_) return nullptr;
      if (Known(list->type) && list->type != Type::kList) {
        return Error(list->offset, f + "() needs a list first, found a " +
                                       std::string(TypeName(list->type)));
      }
      if (!Expect(Tok::kComma, " and a lambda 'x => ...' after the list"))
        return nullptr;
      if (tok_.kind != Tok::kIdent || IsKeyword(tok_.text)) {
        return Error(
            tok_.offset,
            f + "() needs a lambda 'x => expression' as its second argument");
      }
      Scope scope;
      scope.name = tok_.text;
      scope.var = vars_++;
      if (vars_ > kMaxLambdaVars)
        return Error(tok_.offset, "too many lambdas in one expression");
      scope.type = list->element;
      scope.fields = list->element == Type::kRecord ? list->fields : nullptr;
      Advance();
      if (!Expect(Tok::kArrow, " after the lambda variable")) return nullptr;
      scopes_.push_back(scope);
      NodePtr body = ParseOr();
      scopes_.pop_back();
      if (!ok_) return nullptr;
      if (f == "sum") {
        if (Known(body->type) && body->type != Type::kNumber) {
          return Error(body->offset,
                       "sum() needs a number per element, found a " +
                           std::string(TypeName(body->type)));
        }
      } else {
        body = CheckBool(std::move(body), f + "()");
        if (!ok_) return nullptr;
      }
      if (!Expect(Tok::kRParen, " closing " + f + "(")) return nullptr;
      const Op op = f == "any"     ? Op::kAny
                    : f == "all"   ? Op::kAll
                    : f == "count" ? Op::kCount
                                   : Op::kSum;
      NodePtr n = Make(
          op, op == Op::kAny || op == Op::kAll ? Type::kBool : Type::kNumber,
          at);
      n->index = scope.var;
      n->kids.push_back(std::move(list));
      n->kids.push_back(std::move(body));
      return n;
    }
    std::vector<NodePtr> args;
    if (tok_.kind != Tok::kRParen) {
      while (ok_) {
        NodePtr a = ParseOr();
        if (!ok_) return nullptr;
        args.push_back(std::move(a));
        if (tok_.kind == Tok::kComma) {
          Advance();
          continue;
        }
        break;
      }
    }
    if (!Expect(Tok::kRParen, " closing " + f + "(")) return nullptr;
    auto arity = [&](size_t lo, size_t hi) {
      if (args.size() < lo || args.size() > hi) {
        Error(at, f + "() takes " +
                      (lo == hi
                           ? std::to_string(lo)
                           : std::to_string(lo) + " or " + std::to_string(hi)) +
                      " argument" + (hi == 1 ? "" : "s") + ", found " +
                      std::to_string(args.size()));
        return false;
      }
      return true;
    };
    auto want = [&](size_t i, Type t, const char* what) {
      if (Known(args[i]->type) && args[i]->type != t &&
          args[i]->type != Type::kNull) {
        Error(args[i]->offset, f + "() argument " + std::to_string(i + 1) +
                                   " must be " + what + ", found a " +
                                   std::string(TypeName(args[i]->type)));
        return false;
      }
      return true;
    };
    auto literal = [&](size_t i, const char* what) -> const std::string* {
      if (args[i]->op != Op::kConst || args[i]->type != Type::kString) {
        Error(args[i]->offset, f + "() argument " + std::to_string(i + 1) +
                                   " must be a string literal (" + what + ")");
        return nullptr;
      }
      static thread_local std::string s;
      s = std::string(args[i]->constant.text);
      return &s;
    };
    auto node = [&](Op op, Type type) {
      NodePtr n = Make(op, type, at);
      for (NodePtr& a : args) n->kids.push_back(std::move(a));
      return n;
    };
    if (f == "group") {
      if (!arity(1, 1)) return nullptr;
      const std::string* g = literal(0, "a country group such as \"D:5\"");
      if (!g) return nullptr;
      const int index = Groups().Index(*g);
      if (index < 0) {
        std::string known;
        for (const std::string& n : Groups().names)
          known += (known.empty() ? "" : ", ") + n;
        return Error(args[0]->offset, "unknown country group \"" + *g +
                                          "\" (known: " + known + ")");
      }
      NodePtr n = Make(Op::kGroup, Type::kGroup, at);
      n->index = index;
      return n;
    }
    if (f == "date") {
      if (!arity(1, 1)) return nullptr;
      const std::string* d = literal(0, "\"YYYY-MM-DD\"");
      if (!d) return nullptr;
      auto parsed = ParseDate(*d);
      if (!parsed)
        return Error(args[0]->offset,
                     "invalid date \"" + *d + "\": expected YYYY-MM-DD");
      return Constant(Value::DateValue(*parsed), at);
    }
    if (f == "date_in") {
      if (!arity(3, 3) || !want(0, Type::kDate, "a date")) return nullptr;
      Date bounds[2];
      for (size_t i = 1; i <= 2; ++i) {
        const std::string* d = literal(i, "\"YYYY-MM-DD\"");
        if (!d) return nullptr;
        if (d->empty()) {
          bounds[i - 1] = i == 1 ? kMinDate : kMaxDate;
          continue;
        }
        auto parsed = ParseDate(*d);
        if (!parsed)
          return Error(args[i]->offset,
                       "invalid date \"" + *d + "\": expected YYYY-MM-DD");
        bounds[i - 1] = *parsed;
      }
      NodePtr n = Make(Op::kDateIn, Type::kBool, at);
      n->kids.push_back(std::move(args[0]));
      n->constant.number = bounds[0];
      n->index = bounds[1];
      return n;
    }
    if (f == "len") {
      if (!arity(1, 1)) return nullptr;
      if (Known(args[0]->type) && args[0]->type != Type::kList &&
          args[0]->type != Type::kString) {
        return Error(args[0]->offset,
                     "len() needs a list or a string, found a " +
                         std::string(TypeName(args[0]->type)));
      }
      return node(Op::kLen, Type::kNumber);
    }
    if (f == "exists") {
      if (!arity(1, 1)) return nullptr;
      return node(Op::kExists, Type::kBool);
    }
    if (f == "matches") {
      if (!arity(2, 2) || !want(0, Type::kString, "a string")) return nullptr;
      const std::string* re = literal(1, "a regular expression");
      if (!re) return nullptr;
      auto pattern = text::Pattern::Compile(*re);
      if (!pattern) {
        return Error(args[1]->offset, "invalid regular expression: " +
                                          pattern.error().message());
      }
      store_->patterns.push_back(std::move(*pattern));
      NodePtr n = Make(Op::kMatches, Type::kBool, at);
      n->index = static_cast<int>(store_->patterns.size() - 1);
      n->kids.push_back(std::move(args[0]));
      return n;
    }
    if (f == "lower" || f == "upper") {
      if (!arity(1, 1) || !want(0, Type::kString, "a string")) return nullptr;
      return node(f == "lower" ? Op::kLower : Op::kUpper, Type::kString);
    }
    if (f == "days_between") {
      if (!arity(2, 2) || !want(0, Type::kDate, "a date") ||
          !want(1, Type::kDate, "a date")) {
        return nullptr;
      }
      return node(Op::kDaysBetween, Type::kNumber);
    }
    if (f == "embargoed") {
      if (!arity(1, 2) || !want(0, Type::kString, "a country code"))
        return nullptr;
      if (args.size() == 2 && !want(1, Type::kString, "a region"))
        return nullptr;
      return node(Op::kEmbargoed, Type::kBool);
    }
    if (f == "ear_embargoed") {
      if (!arity(1, 1) || !want(0, Type::kString, "a country code"))
        return nullptr;
      return node(Op::kEarEmbargoed, Type::kBool);
    }
    return Error(
        at, "unknown function '" + f +
                "()' (functions: group, embargoed, ear_embargoed, any, all, "
                "count, sum, len, "
                "exists, matches, lower, upper, days_between, date, date_in)");
  }

  Lexer lexer_;
  Token tok_;
  const CompileEnv& env_;
  CompiledStore* store_;
  std::vector<Scope> scopes_;
  std::set<std::string> config_used_;
  int vars_ = 0;
  bool ok_ = true;
  CompileError error_;
};

// --- Evaluation -------------------------------------------------------------

Value TypeError(const Node& node, EvalContext* ctx, std::string message) {
  if (!ctx->failed) {
    ctx->failed = true;
    ctx->error_offset = node.offset;
    ctx->error = std::move(message);
  }
  return Value();
}

std::string Kinds(const Value& a, const Value& b) {
  return "a " + std::string(TypeName(a.type)) + " and a " +
         std::string(TypeName(b.type));
}

bool ListEquals(const ListValue& a, const ListValue& b);

// Equality of two non-null values of one type; `*ok` false on a type clash.
bool Equal(const Value& a, const Value& b, bool* ok) {
  if (a.type != b.type) {
    *ok = false;
    return false;
  }
  switch (a.type) {
    case Type::kBool:
      return a.boolean == b.boolean;
    case Type::kNumber:
    case Type::kDate:
      return a.number == b.number;
    case Type::kString:
      return a.text == b.text;
    case Type::kList:
      return ListEquals(a.list(), b.list());
    default:
      *ok = false;
      return false;
  }
}

bool ListEquals(const ListValue& a, const ListValue& b) {
  if (a.items.size() != b.items.size()) return false;
  for (size_t i = 0; i < a.items.size(); ++i) {
    bool ok = true;
    if (a.items[i].is_null() || b.items[i].is_null()) {
      if (a.items[i].is_null() != b.items[i].is_null()) return false;
      continue;
    }
    if (!Equal(a.items[i], b.items[i], &ok) || !ok) return false;
  }
  return true;
}

Value Compare(const Node& node, EvalContext* ctx) {
  const Value a = Eval(*node.kids[0], ctx);
  const Value b = Eval(*node.kids[1], ctx);
  if (ctx->failed || a.is_null() || b.is_null()) return Value::Bool(false);
  if (node.op == Op::kEq || node.op == Op::kNe) {
    bool ok = true;
    const bool eq = Equal(a, b, &ok);
    if (!ok) return TypeError(node, ctx, "cannot compare " + Kinds(a, b));
    return Value::Bool(node.op == Op::kEq ? eq : !eq);
  }
  int cmp;
  if (a.type == Type::kNumber && b.type == Type::kNumber) {
    cmp = a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
  } else if (a.type == Type::kDate && b.type == Type::kDate) {
    cmp = a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
  } else if (a.type == Type::kString && b.type == Type::kString) {
    cmp = a.text.compare(b.text);
  } else {
    return TypeError(node, ctx, "cannot order " + Kinds(a, b));
  }
  switch (node.op) {
    case Op::kLt:
      return Value::Bool(cmp < 0);
    case Op::kLe:
      return Value::Bool(cmp <= 0);
    case Op::kGt:
      return Value::Bool(cmp > 0);
    default:
      return Value::Bool(cmp >= 0);
  }
}

bool InGroup(int group, std::string_view country, Date date) {
  const int c = CountryIndex(country);
  if (c < 0) return false;
  return InRanges(
      Groups().members[static_cast<size_t>(group)][static_cast<size_t>(c)],
      date);
}

Value Membership(const Node& node, EvalContext* ctx) {
  const Value x = Eval(*node.kids[0], ctx);
  const Node& rhs = *node.kids[1];
  bool found = false;
  if (rhs.op == Op::kGroup) {
    if (ctx->failed || x.is_null()) return Value::Bool(false);
    if (x.type != Type::kString) {
      return TypeError(
          node, ctx,
          "group membership needs a country code string, found a " +
              std::string(TypeName(x.type)));
    }
    found = InGroup(rhs.index, x.text,
                    static_cast<Date>(ctx->decision_date.number));
  } else {
    const Value list = Eval(rhs, ctx);
    if (ctx->failed || x.is_null() || list.is_null()) return Value::Bool(false);
    if (list.type != Type::kList) {
      return TypeError(node, ctx,
                       "'in' needs a list on the right, found a " +
                           std::string(TypeName(list.type)));
    }
    for (const Value& item : list.list().items) {
      if (item.is_null()) continue;
      bool ok = true;
      if (Equal(x, item, &ok)) {
        found = true;
        break;
      }
      if (!ok) {
        return TypeError(node, ctx,
                         "cannot look for a " + std::string(TypeName(x.type)) +
                             " in a list holding a " +
                             std::string(TypeName(item.type)));
      }
    }
  }
  return Value::Bool(node.op == Op::kIn ? found : !found);
}

Value ArithmeticValue(const Node& node, EvalContext* ctx) {
  const Value a = Eval(*node.kids[0], ctx);
  const Value b = Eval(*node.kids[1], ctx);
  if (ctx->failed || a.is_null() || b.is_null()) return Value();
  if (a.type == Type::kNumber && b.type == Type::kNumber) {
    switch (node.op) {
      case Op::kAdd:
        return Value::Number(a.number + b.number);
      case Op::kSub:
        return Value::Number(a.number - b.number);
      case Op::kMul:
        return Value::Number(a.number * b.number);
      default:
        if (b.number == 0) return TypeError(node, ctx, "division by zero");
        return Value::Number(a.number / b.number);
    }
  }
  if (node.op == Op::kSub && a.type == Type::kDate && b.type == Type::kDate) {
    return Value::Number(a.number - b.number);
  }
  if ((node.op == Op::kAdd || node.op == Op::kSub) && a.type == Type::kDate &&
      b.type == Type::kNumber) {
    return Value::DateValue(static_cast<Date>(
        a.number + (node.op == Op::kAdd ? b.number : -b.number)));
  }
  return TypeError(node, ctx, "cannot do arithmetic on " + Kinds(a, b));
}

ValueStore& Scratch(EvalContext* ctx) {
  if (!ctx->scratch) ctx->scratch = std::make_unique<ValueStore>();
  return *ctx->scratch;
}

Value Lambda(const Node& node, EvalContext* ctx) {
  const Value list = Eval(*node.kids[0], ctx);
  if (ctx->failed) return Value();
  if (list.is_null()) {
    return (node.op == Op::kAny || node.op == Op::kAll) ? Value::Bool(false)
                                                        : Value::Number(0);
  }
  if (list.type != Type::kList) {
    return TypeError(
        node, ctx,
        "expected a list, found a " + std::string(TypeName(list.type)));
  }
  Value& var = ctx->vars[static_cast<size_t>(node.index)];
  double total = 0;
  for (const Value& item : list.list().items) {
    var = item;
    const Value r = Eval(*node.kids[1], ctx);
    if (ctx->failed) return Value();
    if (node.op == Op::kSum) {
      if (r.is_null()) continue;
      if (r.type != Type::kNumber) {
        return TypeError(
            *node.kids[1], ctx,
            "sum() needs numbers, found a " + std::string(TypeName(r.type)));
      }
      total += r.number;
      continue;
    }
    const bool t = Truthy(r, *node.kids[1], ctx);
    if (ctx->failed) return Value();
    if (node.op == Op::kAny && t) return Value::Bool(true);
    if (node.op == Op::kAll && !t) return Value::Bool(false);
    if (node.op == Op::kCount && t) total += 1;
  }
  if (node.op == Op::kAny) return Value::Bool(false);
  if (node.op == Op::kAll) return Value::Bool(true);
  return Value::Number(total);
}

Value StringArg(const Node& node, size_t i, EvalContext* ctx) {
  const Value v = Eval(*node.kids[i], ctx);
  if (!ctx->failed && !v.is_null() && v.type != Type::kString) {
    return TypeError(
        node, ctx,
        "expected a string argument, found a " + std::string(TypeName(v.type)));
  }
  return v;
}

bool LooksLikeSubdivision(std::string_view s) {
  return s.size() >= 4 && s.size() <= 6 && s[2] == '-' &&
         CountryIndex(s.substr(0, 2)) >= 0;
}

struct RegionRanges {
  std::vector<Range> ranges = [] {
    std::vector<Range> out;
    for (const auto& r : reference::SanctionedRegions()) {
      out.push_back({FromOr(r.effective_from, kMinDate),
                     FromOr(r.effective_to, kMaxDate)});
    }
    return out;
  }();
};

const RegionRanges& Regions() {
  static const RegionRanges* regions = new RegionRanges();
  return *regions;
}

}  // namespace

std::int32_t SanctionedRegionMask(std::string_view text) {
  std::int32_t mask = 0;
  if (text.empty()) return mask;
  const bool sub = LooksLikeSubdivision(text);
  const auto& all = reference::SanctionedRegions();
  for (size_t i = 0; i < all.size() && i < 31; ++i) {
    // A date on which region i is in force, so the lookup can find it.
    const std::string day = !all[i].effective_from.empty()
                                ? all[i].effective_from
                            : !all[i].effective_to.empty() ? all[i].effective_to
                                                           : "2020-01-01";
    const reference::SanctionedRegion* found =
        reference::FindSanctionedRegion(sub ? text : "", sub ? "" : text, day);
    if (found == &all[i]) mask |= 1 << i;
  }
  return mask;
}

bool Truthy(const Value& v, const Node& node, EvalContext* ctx) {
  if (v.type == Type::kBool) return v.boolean;
  if (v.is_null()) return false;
  TypeError(node, ctx,
            "expected a boolean, found a " + std::string(TypeName(v.type)));
  return false;
}

Value Eval(const Node& node, EvalContext* ctx) {
  switch (node.op) {
    case Op::kConst:
      return node.constant;
    case Op::kSlot:
      if (node.index == kDecisionDateSlot) return ctx->decision_date;
      if (node.index == kRequestAppliesToSlot) return ctx->request_applies_to;
      return ctx->slots[node.index];
    case Op::kVar:
      return ctx->vars[static_cast<size_t>(node.index)];
    case Op::kConfig:
      return ctx->config[node.index];
    case Op::kField: {
      const Node& of = *node.kids[0];
      const Value r = of.op == Op::kVar
                          ? ctx->vars[static_cast<size_t>(of.index)]
                          : Eval(of, ctx);
      if (r.is_null()) return Value();
      if (r.type != Type::kRecord)
        return TypeError(node, ctx, "field access on a non-record");
      return r.record().fields[static_cast<size_t>(node.index)];
    }
    case Op::kMapGet: {
      const Value m = Eval(*node.kids[0], ctx);
      const Value k = Eval(*node.kids[1], ctx);
      if (ctx->failed || m.is_null() || k.is_null()) return Value();
      if (k.type != Type::kString)
        return TypeError(node, ctx, "a map key must be a string");
      for (const auto& [key, value] : m.map().entries) {
        if (key == k.text) return value;
      }
      return Value();
    }
    case Op::kNot: {
      const bool t = Truthy(Eval(*node.kids[0], ctx), *node.kids[0], ctx);
      return Value::Bool(!t);
    }
    case Op::kAnd: {
      if (!Truthy(Eval(*node.kids[0], ctx), *node.kids[0], ctx))
        return Value::Bool(false);
      return Value::Bool(Truthy(Eval(*node.kids[1], ctx), *node.kids[1], ctx));
    }
    case Op::kOr: {
      if (Truthy(Eval(*node.kids[0], ctx), *node.kids[0], ctx))
        return Value::Bool(true);
      return Value::Bool(Truthy(Eval(*node.kids[1], ctx), *node.kids[1], ctx));
    }
    case Op::kEq:
    case Op::kNe:
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe:
      return Compare(node, ctx);
    case Op::kIn:
    case Op::kNotIn:
      return Membership(node, ctx);
    case Op::kEqString:
    case Op::kNeString:
    case Op::kInStrings:
    case Op::kNotInStrings: {
      const Value a = Eval(*node.kids[0], ctx);
      if (ctx->failed || a.is_null()) return Value::Bool(false);
      if (a.type != Type::kString) {
        return TypeError(node, ctx,
                         "cannot compare a " + std::string(TypeName(a.type)) +
                             " with a string");
      }
      bool found = false;
      if (node.op == Op::kEqString || node.op == Op::kNeString) {
        found = a.text == node.constant.text;
      } else {
        for (const Value& item : node.constant.list().items) {
          if (item.text == a.text) {
            found = true;
            break;
          }
        }
      }
      return Value::Bool((node.op == Op::kEqString || node.op == Op::kInStrings)
                             ? found
                             : !found);
    }
    case Op::kIsNull:
      return Value::Bool(Eval(*node.kids[0], ctx).is_null());
    case Op::kNotNull:
    case Op::kExists:
      return Value::Bool(!Eval(*node.kids[0], ctx).is_null());
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
      return ArithmeticValue(node, ctx);
    case Op::kNeg: {
      const Value v = Eval(*node.kids[0], ctx);
      if (v.is_null()) return v;
      if (v.type != Type::kNumber)
        return TypeError(node, ctx, "unary '-' needs a number");
      return Value::Number(-v.number);
    }
    case Op::kListLiteral: {
      ListValue list;
      for (const auto& k : node.kids) list.items.push_back(Eval(*k, ctx));
      ValueStore& s = Scratch(ctx);
      s.lists.push_back(std::move(list));
      Value v;
      v.type = Type::kList;
      v.ptr = &s.lists.back();
      return v;
    }
    case Op::kGroup: {
      Value v;
      v.type = Type::kGroup;
      v.number = node.index;
      return v;
    }
    case Op::kAny:
    case Op::kAll:
    case Op::kCount:
    case Op::kSum:
      return Lambda(node, ctx);
    case Op::kLen: {
      const Value v = Eval(*node.kids[0], ctx);
      if (v.is_null()) return Value::Number(0);
      if (v.type == Type::kList)
        return Value::Number(static_cast<double>(v.list().items.size()));
      if (v.type == Type::kString)
        return Value::Number(static_cast<double>(v.text.size()));
      return TypeError(node, ctx,
                       "len() needs a list or a string, found a " +
                           std::string(TypeName(v.type)));
    }
    case Op::kMatches: {
      const Value s = StringArg(node, 0, ctx);
      if (ctx->failed || s.is_null()) return Value::Bool(false);
      return Value::Bool(
          ctx->compiled->patterns[static_cast<size_t>(node.index)].PartialMatch(
              s.text));
    }
    case Op::kLower:
    case Op::kUpper: {
      const Value s = StringArg(node, 0, ctx);
      if (ctx->failed || s.is_null()) return Value();
      std::string out(s.text);
      for (char& c : out) {
        if (node.op == Op::kLower && c >= 'A' && c <= 'Z')
          c = static_cast<char>(c - 'A' + 'a');
        if (node.op == Op::kUpper && c >= 'a' && c <= 'z')
          c = static_cast<char>(c - 'a' + 'A');
      }
      return Value::String(Scratch(ctx).Keep(std::move(out)));
    }
    case Op::kDaysBetween: {
      const Value a = Eval(*node.kids[0], ctx);
      const Value b = Eval(*node.kids[1], ctx);
      if (ctx->failed || a.is_null() || b.is_null()) return Value();
      if (a.type != Type::kDate || b.type != Type::kDate) {
        return TypeError(
            node, ctx, "days_between() needs two dates, found " + Kinds(a, b));
      }
      return Value::Number(b.number - a.number);
    }
    case Op::kDateIn: {
      const Value d = Eval(*node.kids[0], ctx);
      if (ctx->failed || d.is_null()) return Value::Bool(false);
      if (d.type != Type::kDate)
        return TypeError(node, ctx, "date_in() needs a date");
      return Value::Bool(node.constant.number <= d.number &&
                         d.number <= node.index);
    }
    case Op::kEmbargoed: {
      const Value c = StringArg(node, 0, ctx);
      const Value r = node.kids.size() > 1 ? StringArg(node, 1, ctx) : Value();
      if (ctx->failed) return Value();
      const Date date = static_cast<Date>(ctx->decision_date.number);
      if (!c.is_null()) {
        const int index = CountryIndex(c.text);
        if (index >= 0 &&
            InRanges(Groups().ofac_embargo[static_cast<size_t>(index)], date)) {
          return Value::Bool(true);
        }
      }
      if (!r.is_null() && r.regions >= 0) {
        const auto& ranges = Regions().ranges;
        for (size_t i = 0; i < ranges.size() && i < 31; ++i) {
          if ((r.regions & (1 << i)) && ranges[i].from <= date &&
              date <= ranges[i].to) {
            return Value::Bool(true);
          }
        }
        return Value::Bool(false);
      }
      if (!r.is_null() && !r.text.empty()) {
        const std::string day = FormatDate(date);
        const bool sub = LooksLikeSubdivision(r.text);
        return Value::Bool(reference::FindSanctionedRegion(sub ? r.text : "",
                                                           sub ? "" : r.text,
                                                           day) != nullptr);
      }
      return Value::Bool(false);
    }
    case Op::kEarEmbargoed: {
      const Value c = StringArg(node, 0, ctx);
      if (ctx->failed || c.is_null()) return Value::Bool(false);
      const int index = CountryIndex(c.text);
      return Value::Bool(
          index >= 0 &&
          InRanges(Groups().ear_embargo[static_cast<size_t>(index)],
                   static_cast<Date>(ctx->decision_date.number)));
    }
  }
  return Value();
}

bool CompileExpression(std::string_view source, const CompileEnv& env,
                       CompiledStore* store, Expression* out,
                       CompileError* error) {
  Parser parser(source, env, store);
  return parser.Parse(out, error);
}

std::string RenderValue(const Value& v) {
  switch (v.type) {
    case Type::kNull:
      return "(none)";
    case Type::kBool:
      return v.boolean ? "true" : "false";
    case Type::kNumber: {
      char buffer[64];
      if (std::fabs(v.number) < 1e15 && v.number == std::floor(v.number)) {
        std::snprintf(buffer, sizeof buffer, "%.0f", v.number);
      } else {
        std::snprintf(buffer, sizeof buffer, "%.6g", v.number);
      }
      return buffer;
    }
    case Type::kString:
      return std::string(v.text);
    case Type::kDate:
      return FormatDate(static_cast<Date>(v.number));
    case Type::kList: {
      std::string out;
      for (const Value& item : v.list().items) {
        if (!out.empty()) out += ", ";
        out += RenderValue(item);
      }
      return out.empty() ? "(none)" : out;
    }
    case Type::kMap: {
      std::string out;
      for (const auto& [k, value] : v.map().entries) {
        if (!out.empty()) out += ", ";
        out += std::string(k) + ": " + RenderValue(value);
      }
      return out.empty() ? "(none)" : out;
    }
    case Type::kRecord:
      return "(record)";
    case Type::kGroup:
      return Groups().names[static_cast<size_t>(v.number)];
    case Type::kAny:
      return "?";
  }
  return "?";
}

bool CompileTemplate(std::string_view source, const CompileEnv& env,
                     CompiledStore* store, Template* out, CompileError* error) {
  size_t pos = 0;
  std::string literal;
  while (pos < source.size()) {
    if (source.substr(pos).starts_with("{{{{")) {
      literal += "{{";
      pos += 4;
      continue;
    }
    if (!source.substr(pos).starts_with("{{")) {
      literal += source[pos++];
      continue;
    }
    const size_t end = source.find("}}", pos + 2);
    if (end == std::string_view::npos) {
      *error = {pos, "'{{' without a closing '}}' in the explanation"};
      return false;
    }
    if (!literal.empty()) {
      out->parts.push_back({std::move(literal), {}, 0});
      literal.clear();
    }
    Template::Part part;
    part.offset = pos + 2;
    CompileError inner;
    if (!CompileExpression(source.substr(pos + 2, end - pos - 2), env, store,
                           &part.expr, &inner)) {
      *error = {part.offset + inner.offset, inner.message};
      return false;
    }
    out->parts.push_back(std::move(part));
    pos = end + 2;
  }
  if (!literal.empty()) out->parts.push_back({std::move(literal), {}, 0});
  return true;
}

bool RenderTemplate(const Template& t, EvalContext* ctx, std::string* out) {
  for (const Template::Part& part : t.parts) {
    if (!part.expr.root) {
      *out += part.text;
      continue;
    }
    const Value v = Eval(*part.expr.root, ctx);
    if (ctx->failed) return false;
    *out += RenderValue(v);
  }
  return true;
}

}  // namespace clearance::rules::internal
