#include "engine/rules/report.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <utility>

namespace clearance::rules {

namespace {

// --- A small parser for the rule expression grammar (docs/rules.md § 2) ---
//
// It mirrors the engine's grammar but keeps names and literal text, which
// the compiled tree does not, so the report can say what a condition means.

struct Ex {
  enum Kind {
    kNumber,
    kString,
    kBool,
    kNull,
    kList,
    kPath,
    kCall,
    kLambda,
    kNot,
    kNeg,
    kAnd,
    kOr,
    kCompare,
    kArith
  };
  Kind kind = kNull;
  std::string text;  // literal text, path, function name, operator, var
  std::vector<Ex> kids;
};

struct Token {
  enum Kind { kEnd, kNumber, kString, kIdent, kPunct };
  Kind kind = kEnd;
  std::string text;
};

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) { Next(); }

  bool Parse(Ex* out) {
    if (!ParseOr(out)) return false;
    return tok_.kind == Token::kEnd;
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() &&
           std::isspace(static_cast<unsigned char>(s_[pos_])))
      ++pos_;
  }

  void Next() {
    SkipSpace();
    tok_ = Token{};
    if (pos_ >= s_.size()) return;
    const char c = s_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t start = pos_;
      while (pos_ < s_.size() &&
             (std::isdigit(static_cast<unsigned char>(s_[pos_])) ||
              s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E' ||
              ((s_[pos_] == '+' || s_[pos_] == '-') && pos_ > start &&
               (s_[pos_ - 1] == 'e' || s_[pos_ - 1] == 'E')))) {
        ++pos_;
      }
      tok_ = {Token::kNumber, std::string(s_.substr(start, pos_ - start))};
      return;
    }
    if (c == '\'' || c == '"') {
      std::string value;
      ++pos_;
      while (pos_ < s_.size() && s_[pos_] != c) {
        if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) {
          ++pos_;
          const char e = s_[pos_];
          value += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        } else {
          value += s_[pos_];
        }
        ++pos_;
      }
      if (pos_ < s_.size()) ++pos_;  // closing quote
      tok_ = {Token::kString, value};
      return;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = pos_;
      while (pos_ < s_.size() &&
             (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
              s_[pos_] == '_')) {
        ++pos_;
      }
      tok_ = {Token::kIdent, std::string(s_.substr(start, pos_ - start))};
      return;
    }
    static constexpr std::string_view kTwo[] = {"==", "!=", "<=", ">=", "=>"};
    for (std::string_view two : kTwo) {
      if (s_.substr(pos_, 2) == two) {
        tok_ = {Token::kPunct, std::string(two)};
        pos_ += 2;
        return;
      }
    }
    tok_ = {Token::kPunct, std::string(1, c)};
    ++pos_;
  }

  bool IsPunct(std::string_view p) const {
    return tok_.kind == Token::kPunct && tok_.text == p;
  }
  bool IsWord(std::string_view w) const {
    return tok_.kind == Token::kIdent && tok_.text == w;
  }
  bool Expect(std::string_view p) {
    if (!IsPunct(p)) return false;
    Next();
    return true;
  }

  bool ParseOr(Ex* out) {
    Ex first;
    if (!ParseAnd(&first)) return false;
    if (!IsWord("or")) {
      *out = std::move(first);
      return true;
    }
    Ex node{Ex::kOr, "", {}};
    node.kids.push_back(std::move(first));
    while (IsWord("or")) {
      Next();
      Ex next;
      if (!ParseAnd(&next)) return false;
      node.kids.push_back(std::move(next));
    }
    *out = std::move(node);
    return true;
  }

  bool ParseAnd(Ex* out) {
    Ex first;
    if (!ParseNot(&first)) return false;
    if (!IsWord("and")) {
      *out = std::move(first);
      return true;
    }
    Ex node{Ex::kAnd, "", {}};
    node.kids.push_back(std::move(first));
    while (IsWord("and")) {
      Next();
      Ex next;
      if (!ParseNot(&next)) return false;
      node.kids.push_back(std::move(next));
    }
    *out = std::move(node);
    return true;
  }

  bool ParseNot(Ex* out) {
    if (IsWord("not")) {
      Next();
      Ex kid;
      if (!ParseNot(&kid)) return false;
      *out = Ex{Ex::kNot, "", {}};
      out->kids.push_back(std::move(kid));
      return true;
    }
    return ParseComparison(out);
  }

  bool ParseComparison(Ex* out) {
    Ex left;
    if (!ParseAdditive(&left)) return false;
    std::string op;
    if (tok_.kind == Token::kPunct &&
        (tok_.text == "==" || tok_.text == "!=" || tok_.text == "<" ||
         tok_.text == "<=" || tok_.text == ">" || tok_.text == ">=")) {
      op = tok_.text;
      Next();
    } else if (IsWord("in")) {
      op = "in";
      Next();
    } else if (IsWord("not")) {
      Next();
      if (!IsWord("in")) return false;
      Next();
      op = "not in";
    } else {
      *out = std::move(left);
      return true;
    }
    Ex right;
    if (!ParseAdditive(&right)) return false;
    *out = Ex{Ex::kCompare, op, {}};
    out->kids.push_back(std::move(left));
    out->kids.push_back(std::move(right));
    return true;
  }

  bool ParseAdditive(Ex* out) {
    if (!ParseMultiplicative(out)) return false;
    while (IsPunct("+") || IsPunct("-")) {
      std::string op = tok_.text;
      Next();
      Ex right;
      if (!ParseMultiplicative(&right)) return false;
      Ex node{Ex::kArith, op, {}};
      node.kids.push_back(std::move(*out));
      node.kids.push_back(std::move(right));
      *out = std::move(node);
    }
    return true;
  }

  bool ParseMultiplicative(Ex* out) {
    if (!ParseUnary(out)) return false;
    while (IsPunct("*") || IsPunct("/")) {
      std::string op = tok_.text;
      Next();
      Ex right;
      if (!ParseUnary(&right)) return false;
      Ex node{Ex::kArith, op, {}};
      node.kids.push_back(std::move(*out));
      node.kids.push_back(std::move(right));
      *out = std::move(node);
    }
    return true;
  }

  bool ParseUnary(Ex* out) {
    if (IsPunct("-")) {
      Next();
      Ex kid;
      if (!ParseUnary(&kid)) return false;
      if (kid.kind == Ex::kNumber) {
        kid.text = "-" + kid.text;
        *out = std::move(kid);
        return true;
      }
      *out = Ex{Ex::kNeg, "", {}};
      out->kids.push_back(std::move(kid));
      return true;
    }
    return ParsePostfix(out);
  }

  bool ParsePostfix(Ex* out) {
    if (!ParsePrimary(out)) return false;
    while (true) {
      if (IsPunct(".")) {
        Next();
        if (tok_.kind != Token::kIdent || out->kind != Ex::kPath) return false;
        out->text += "." + tok_.text;
        Next();
      } else if (IsPunct("[")) {
        Next();
        if (tok_.kind != Token::kString || out->kind != Ex::kPath) return false;
        out->text += "[" + tok_.text + "]";
        Next();
        if (!Expect("]")) return false;
      } else {
        return true;
      }
    }
  }

  bool ParsePrimary(Ex* out) {
    switch (tok_.kind) {
      case Token::kEnd:
        return false;
      case Token::kNumber:
        *out = Ex{Ex::kNumber, tok_.text, {}};
        Next();
        return true;
      case Token::kString:
        *out = Ex{Ex::kString, tok_.text, {}};
        Next();
        return true;
      case Token::kPunct:
        if (IsPunct("(")) {
          Next();
          if (!ParseOr(out)) return false;
          return Expect(")");
        }
        if (IsPunct("[")) {
          Next();
          *out = Ex{Ex::kList, "", {}};
          if (IsPunct("]")) {
            Next();
            return true;
          }
          while (true) {
            Ex item;
            if (!ParseOr(&item)) return false;
            out->kids.push_back(std::move(item));
            if (IsPunct(",")) {
              Next();
              continue;
            }
            return Expect("]");
          }
        }
        return false;
      case Token::kIdent:
        break;
    }
    std::string name = tok_.text;
    Next();
    if (name == "true" || name == "false") {
      *out = Ex{Ex::kBool, name, {}};
      return true;
    }
    if (name == "null") {
      *out = Ex{Ex::kNull, name, {}};
      return true;
    }
    if (!IsPunct("(")) {
      *out = Ex{Ex::kPath, name, {}};
      return true;
    }
    Next();
    *out = Ex{Ex::kCall, name, {}};
    if (IsPunct(")")) {
      Next();
      return true;
    }
    while (true) {
      // A lambda: IDENT "=>" expr.
      Ex arg;
      if (tok_.kind == Token::kIdent) {
        const size_t save_pos = pos_;
        const Token save_tok = tok_;
        std::string var = tok_.text;
        Next();
        if (IsPunct("=>")) {
          Next();
          Ex body;
          if (!ParseOr(&body)) return false;
          arg = Ex{Ex::kLambda, var, {}};
          arg.kids.push_back(std::move(body));
        } else {
          pos_ = save_pos;
          tok_ = save_tok;
          if (!ParseOr(&arg)) return false;
        }
      } else if (!ParseOr(&arg)) {
        return false;
      }
      out->kids.push_back(std::move(arg));
      if (IsPunct(",")) {
        Next();
        continue;
      }
      return Expect(")");
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  Token tok_;
};

// --- Phrase tables -----------------------------------------------------------

struct FactPhrase {
  std::string_view path;
  std::string_view noun;      // "the customer's country"
  std::string_view sentence;  // for booleans: "the customer is a reseller"
};

constexpr FactPhrase kFacts[] = {
    {"decision.date", "the decision date", ""},
    {"request.applies_to", "the request kind", ""},
    {"account.legal_name", "the customer's legal name", ""},
    {"account.type", "the customer type", ""},
    {"account.country", "the customer's country (incorporation or residence)",
     ""},
    {"account.kyc_address_country", "the KYC address country", ""},
    {"account.hq_country", "the customer's headquarters country", ""},
    {"account.ultimate_parent_country",
     "the ultimate parent's headquarters country", ""},
    {"account.addresses", "the customer's addresses", ""},
    {"account.beneficial_owners", "the beneficial owners", ""},
    {"account.email_domain", "the email domain", ""},
    {"account.phone_country", "the phone number's country", ""},
    {"account.is_reseller", "whether the customer is a reseller",
     "the customer is a reseller"},
    {"account.downstream_customers", "the reseller's downstream customers", ""},
    {"account.end_user_type", "the end-user type", ""},
    {"account.is_informed_letter",
     "whether a BIS is-informed letter is on file",
     "a BIS is-informed letter is on file for the customer"},
    {"account.kyc_missing", "the missing CIP fields", ""},
    {"account.verified", "whether the customer's identity is verified",
     "the customer's identity is verified"},
    {"account.verification_failures",
     "the number of failed verification attempts", ""},
    {"account.cip_attested", "whether the reseller has attested to its CIP",
     "the reseller has attested to its CIP"},
    {"account.age_days", "the company's age in days", ""},
    {"ip_events", "the login IP events", ""},
    {"payments", "the payments", ""},
    {"hits", "the list hits", ""},
    {"ownership.controlled_by_listed",
     "whether a listed party controls the customer",
     "a listed party controls the customer (without owning 50%)"},
    {"ownership.unknown_percentages",
     "whether a listed owner's percentage is unknown",
     "a listed party owns part of the customer, percentage unknown"},
    {"ownership.paths", "the ownership chains", ""},
    {"workload.gpu_model", "the GPU model", ""},
    {"workload.eccn", "the ECCN", ""},
    {"workload.tpp", "the total processing performance (TPP)", ""},
    {"workload.performance_density", "the performance density", ""},
    {"workload.dram_bandwidth", "the DRAM bandwidth (GB/s)", ""},
    {"workload.designed_for_datacenter",
     "whether the item is designed for datacenters",
     "the item is designed or marketed for datacenters"},
    {"workload.count", "the number of GPUs", ""},
    {"workload.cluster_fp64_pflops", "the destination system's FP64 petaflops",
     ""},
    {"workload.datacenter_country",
     "the destination (data-centre or ship-to) country", ""},
    {"workload.datacenter_is_veu",
     "whether the destination is a validated end user",
     "the destination data centre is a validated end user (VEU)"},
    {"workload.deployment", "the deployment kind", ""},
    {"workload.export_from", "the country the hardware leaves from", ""},
    {"workload.declared_end_use", "the declared end use", ""},
    {"workload.workload_type", "the workload type", ""},
    {"workload.est_training_ops", "the estimated training operations", ""},
    {"attestation.model_verdict", "the GPU attestation verdict", ""},
    {"attestation.model_matches_claim",
     "whether the attested GPU model matches the claim",
     "the attested GPU model matches the claimed one"},
    {"attestation.location_excludes_restricted",
     "whether location evidence excludes restricted destinations",
     "location evidence rules out restricted destinations"},
    {"attestation.location_claim_consistent",
     "whether the claimed data centre is consistent with the location "
     "evidence",
     "the claimed data centre is consistent with the location evidence"},
    {"attestation.identified_model", "the GPU model the evidence identifies",
     ""},
    {"attestation.eccn", "the ECCN of the identified GPU model", ""},
    {"attestation.tpp", "the TPP of the identified GPU model", ""},
    {"attestation.possible_restricted",
     "the restricted destinations the location evidence cannot exclude", ""},
    {"red_flags", "the unresolved red flags", ""},
};

struct ElementPhrase {
  std::string_view list;  // the list fact path
  std::string_view noun;  // "list hit"
};

constexpr ElementPhrase kElements[] = {
    {"hits", "list hit"},
    {"ip_events", "login"},
    {"payments", "payment"},
    {"account.addresses", "address"},
    {"account.beneficial_owners", "beneficial owner"},
    {"account.downstream_customers", "downstream customer"},
};

// Element fields that are booleans: "the hit is confirmed".
constexpr std::string_view kBooleanFields[] = {"confirmed", "listed"};

std::string Words(std::string_view identifier) {
  std::string out(identifier);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::string Quote(std::string_view s) {
  return "\u201c" + std::string(s) + "\u201d";
}

std::string GroupPhrase(std::string_view group) {
  if (group == "MACAU") return "Macau";
  if (group == "AI-DIFFUSION-TIER1") {
    return "an AI Diffusion Tier 1 country (Supp. No. 5 to part 740)";
  }
  return "Country Group " + std::string(group);
}

class Describer {
 public:
  explicit Describer(const ConfigValues& config) : config_(config) {}

  PlainCondition Condition(const Ex& e) {
    switch (e.kind) {
      case Ex::kAnd:
      case Ex::kOr: {
        PlainCondition node;
        node.text = e.kind == Ex::kAnd ? "all of the following"
                                       : "any of the following";
        Flatten(e, e.kind, &node);
        return node;
      }
      case Ex::kNot:
        return Negated(e.kids[0]);
      case Ex::kCall:
        if ((e.text == "any" || e.text == "all") && e.kids.size() == 2 &&
            e.kids[1].kind == Ex::kLambda) {
          return Quantified(e);
        }
        return Leaf(Sentence(e));
      default:
        return Leaf(Sentence(e));
    }
  }

 private:
  static PlainCondition Leaf(std::string text) {
    PlainCondition c;
    c.text = std::move(text);
    return c;
  }

  void Flatten(const Ex& e, Ex::Kind kind, PlainCondition* node) {
    for (const Ex& kid : e.kids) {
      if (kid.kind == kind) {
        Flatten(kid, kind, node);
      } else {
        node->children.push_back(Condition(kid));
      }
    }
  }

  PlainCondition Quantified(const Ex& e) {
    const Ex& lambda = e.kids[1];
    const std::string noun = ElementNoun(e.kids[0]);
    vars_[lambda.text] = noun;
    PlainCondition body = Condition(lambda.kids[0]);
    vars_.erase(lambda.text);
    const std::string head =
        (e.text == "any" ? "at least one " : "every ") + noun +
        (noun == "element" ? " of " + Noun(e.kids[0]) : "");
    if (body.children.empty()) return Leaf(head + " has: " + body.text);
    body.text = head + " for which " + body.text + " hold";
    return body;
  }

  PlainCondition Negated(const Ex& e) {
    if (e.kind == Ex::kOr || e.kind == Ex::kAnd) {
      PlainCondition node;
      node.text = e.kind == Ex::kOr ? "none of the following"
                                    : "not all of the following";
      Flatten(e, e.kind, &node);
      return node;
    }
    if (e.kind == Ex::kNot) return Condition(e.kids[0]);
    if (e.kind == Ex::kPath) {
      if (std::string s = BooleanSentence(e.text); !s.empty()) {
        return Leaf("it is not established that " + s);
      }
    }
    if (e.kind == Ex::kCompare && e.text == "in") {
      Ex copy = e;
      copy.text = "not in";
      return Leaf(Sentence(copy));
    }
    if (e.kind == Ex::kCall && e.text == "matches" && e.kids.size() == 2) {
      return Leaf(Noun(e.kids[0]) + " does not match the pattern " +
                  Quote(e.kids[1].text));
    }
    PlainCondition inner = Condition(e);
    if (inner.children.empty())
      return Leaf("it is not the case that " + inner.text);
    inner.text = "it is not the case that " + inner.text;
    return inner;
  }

  std::string ElementNoun(const Ex& list) {
    if (list.kind == Ex::kPath) {
      for (const ElementPhrase& p : kElements) {
        if (list.text == p.list) return std::string(p.noun);
      }
    }
    return "element";
  }

  // "the payment's instrument country"; boolean fields in sentence form.
  std::string VarField(const std::string& noun, std::string_view field) {
    return "the " + noun + "'s " + Words(field);
  }

  std::string BooleanSentence(std::string_view path) {
    for (const FactPhrase& f : kFacts) {
      if (path == f.path && !f.sentence.empty()) return std::string(f.sentence);
    }
    const size_t dot = path.find('.');
    if (dot != std::string_view::npos) {
      auto var = vars_.find(std::string(path.substr(0, dot)));
      const std::string_view field = path.substr(dot + 1);
      if (var != vars_.end() &&
          std::find(std::begin(kBooleanFields), std::end(kBooleanFields),
                    field) != std::end(kBooleanFields)) {
        return "the " + var->second + " is " + Words(field);
      }
    }
    return "";
  }

  std::string ConfigPhrase(std::string_view name) {
    std::string out = "the configured " + std::string(name);
    auto it = config_.find(name);
    if (it != config_.end()) out += " (currently " + it->second + ")";
    return out;
  }

  std::string PathNoun(const std::string& path) {
    for (const FactPhrase& f : kFacts) {
      if (path == f.path) return std::string(f.noun);
    }
    if (path.rfind("config.", 0) == 0) return ConfigPhrase(path.substr(7));
    if (path.rfind("ownership.aggregate[", 0) == 0) {
      const std::string family = path.substr(20, path.size() - 21);
      static const std::map<std::string, std::string> kHolders = {
          {"OFAC", "blocked persons (OFAC SDNs)"},
          {"BIS-EL", "Entity List parties"},
          {"BIS-MEU", "Military End-User List parties"},
          {"BIS-744.8", "15 CFR 744.8 SDN parties"}};
      auto it = kHolders.find(family);
      return "the aggregate share (%) held by " +
             (it != kHolders.end() ? it->second : family + " parties");
    }
    const size_t dot = path.find('.');
    auto var = vars_.find(path.substr(0, dot));
    if (var != vars_.end()) {
      if (dot == std::string::npos) return "the " + var->second;
      return VarField(var->second, path.substr(dot + 1));
    }
    return Words(path);
  }

  std::string ListItems(const Ex& list) {
    std::string out;
    for (size_t i = 0; i < list.kids.size(); ++i) {
      if (i) out += i + 1 == list.kids.size() ? " or " : ", ";
      out += Value(list.kids[i]);
    }
    return out;
  }

  std::string Value(const Ex& e) {
    switch (e.kind) {
      case Ex::kString:
        return e.text.empty() ? "empty" : e.text;
      default:
        return Noun(e);
    }
  }

  // A value as a noun phrase.
  std::string Noun(const Ex& e) {
    switch (e.kind) {
      case Ex::kNumber:
      case Ex::kBool:
        return e.text;
      case Ex::kNull:
        return "unknown";
      case Ex::kString:
        return Quote(e.text);
      case Ex::kList:
        return "[" + ListItems(e) + "]";
      case Ex::kPath:
        return PathNoun(e.text);
      case Ex::kNeg:
        return "minus " + Noun(e.kids[0]);
      case Ex::kArith: {
        static const std::map<std::string, std::string> kOps = {
            {"+", " plus "},
            {"-", " minus "},
            {"*", " times "},
            {"/", " divided by "}};
        return Noun(e.kids[0]) + kOps.at(e.text) + Noun(e.kids[1]);
      }
      case Ex::kCall:
        return CallNoun(e);
      default:
        return "whether " + FlattenCondition(Condition(e));
    }
  }

  std::string CallNoun(const Ex& e) {
    const std::string& f = e.text;
    const size_t n = e.kids.size();
    if (f == "date" && n == 1) return e.kids[0].text;
    if (f == "lower" && n == 1) return Noun(e.kids[0]) + " (in lower case)";
    if (f == "upper" && n == 1) return Noun(e.kids[0]) + " (in upper case)";
    if (f == "len" && n == 1)
      return "the number of " + StripThe(Noun(e.kids[0]));
    if (f == "group" && n == 1) return GroupPhrase(e.kids[0].text);
    if (f == "days_between" && n == 2) {
      return "the days from " + Noun(e.kids[0]) + " to " + Noun(e.kids[1]);
    }
    if ((f == "count" || f == "sum") && n == 2 &&
        e.kids[1].kind == Ex::kLambda) {
      const std::string noun = ElementNoun(e.kids[0]);
      vars_[e.kids[1].text] = noun;
      std::string body = FlattenCondition(Condition(e.kids[1].kids[0]));
      if (f == "sum") body = Noun(e.kids[1].kids[0]);
      vars_.erase(e.kids[1].text);
      if (f == "count") {
        return "the number of " + noun + "s for which " + body;
      }
      return "the sum of " + body + " over " + Noun(e.kids[0]);
    }
    return "whether " + Sentence(e);
  }

  static std::string StripThe(std::string s) {
    if (s.rfind("the ", 0) == 0) s.erase(0, 4);
    return s;
  }

  // A boolean leaf as a sentence.
  std::string Sentence(const Ex& e) {
    switch (e.kind) {
      case Ex::kPath: {
        if (std::string s = BooleanSentence(e.text); !s.empty()) return s;
        return PathNoun(e.text) + " is true";
      }
      case Ex::kBool:
        return e.text == "true" ? "always" : "never";
      case Ex::kCompare:
        return Comparison(e);
      case Ex::kCall:
        return CallSentence(e);
      case Ex::kAnd:
      case Ex::kOr:
      case Ex::kNot:
        return FlattenCondition(Condition(e));
      default:
        return Noun(e) + " is true";
    }
  }

  std::string CallSentence(const Ex& e) {
    const std::string& f = e.text;
    const size_t n = e.kids.size();
    if (f == "exists" && n == 1) return Noun(e.kids[0]) + " is known";
    if (f == "matches" && n == 2) {
      return Noun(e.kids[0]) + " matches the pattern " + Quote(e.kids[1].text);
    }
    if (f == "embargoed" && n == 1) {
      return Noun(e.kids[0]) +
             " is under a comprehensive OFAC embargo on the decision date";
    }
    if (f == "embargoed" && n == 2) {
      return Noun(e.kids[0]) + ", or its region " + Noun(e.kids[1]) +
             ", is under a comprehensive OFAC embargo on the decision date "
             "(Cuba, Iran, North Korea, Syria to 2025-06-30; Crimea, DNR, LNR)";
    }
    if (f == "ear_embargoed" && n == 1) {
      return Noun(e.kids[0]) +
             " is under an EAR embargo (15 CFR part 746) on the decision date";
    }
    if (f == "date_in" && n == 3) {
      const std::string& to = e.kids[2].text;
      return Noun(e.kids[0]) + " is " +
             (to.empty() ? "on or after " + e.kids[1].text
                         : "between " + e.kids[1].text + " and " + to +
                               " (inclusive)");
    }
    if ((f == "any" || f == "all") && n == 2 && e.kids[1].kind == Ex::kLambda) {
      return FlattenCondition(Quantified(e));
    }
    return Noun(e) + " is true";
  }

  std::string Comparison(const Ex& e) {
    const Ex& left = e.kids[0];
    const Ex& right = e.kids[1];
    const std::string& op = e.text;
    if (op == "in" || op == "not in") {
      const std::string is = op == "in" ? " is " : " is not ";
      if (right.kind == Ex::kCall && right.text == "group" &&
          right.kids.size() == 1) {
        const std::string& g = right.kids[0].text;
        if (g == "MACAU") return Noun(left) + is + "Macau";
        return Noun(left) + is + "in " + GroupPhrase(g) +
               " on the decision date";
      }
      if (right.kind == Ex::kList) {
        if (right.kids.size() == 1)
          return Noun(left) + is + Value(right.kids[0]);
        return Noun(left) + is + (op == "in" ? "one of " : "none of ") +
               ListItems(right);
      }
      return Noun(right) + (op == "in" ? " include " : " do not include ") +
             Value(left);
    }
    if (right.kind == Ex::kNull) {
      return Noun(left) + (op == "==" ? " is not known" : " is known");
    }
    if (right.kind == Ex::kBool && (op == "==" || op == "!=")) {
      const bool want = (right.text == "true") == (op == "==");
      if (left.kind == Ex::kPath) {
        if (std::string s = BooleanSentence(left.text); !s.empty()) {
          return want ? s : "it is known to be false that " + s;
        }
      }
      return Noun(left) + (want ? " is true" : " is false");
    }
    static const std::map<std::string, std::string> kOps = {
        {"==", " is "},          {"!=", " is not "},
        {"<", " is less than "}, {"<=", " is at most "},
        {">", " is more than "}, {">=", " is at least "}};
    std::string rhs = Value(right);
    if (left.kind == Ex::kPath && left.text == "decision.date") {
      static const std::map<std::string, std::string> kDateOps = {
          {"==", " is "},       {"!=", " is not "},
          {"<", " is before "}, {"<=", " is on or before "},
          {">", " is after "},  {">=", " is on or after "}};
      return Noun(left) + kDateOps.at(op) + rhs;
    }
    return Noun(left) + kOps.at(op) + rhs;
  }

  const ConfigValues& config_;
  std::map<std::string, std::string> vars_;  // lambda variable -> element noun
};

// --- Helpers shared by the renderers ----------------------------------------

std::string Escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Markdown table cells: no pipes or newlines.
std::string Cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string Anchor(std::string_view id, size_t index) {
  std::string out = "rule-";
  for (char c : id) {
    out += std::isalnum(static_cast<unsigned char>(c))
               ? static_cast<char>(std::tolower(c))
               : '-';
  }
  return out + "-" + std::to_string(index);
}

std::string ConfigValueText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

struct FamilyInfo {
  std::string_view file;
  std::string_view title;
};

constexpr FamilyInfo kFamilies[] = {
    {"ofac.json", "OFAC sanctions"},
    {"ear_lists.json", "EAR list-based controls"},
    {"ear_advanced_computing.json", "EAR advanced computing"},
    {"iaas_cip.json", "Proposed IaaS customer identification (readiness)"},
    {"country_embargo.json", "Country groups and embargoes"},
    {"red_flags.json", "Know-your-customer red flags"},
};

std::string FamilyTitle(std::string_view file) {
  for (const FamilyInfo& f : kFamilies) {
    if (f.file == file) return std::string(f.title);
  }
  std::string stem(file.substr(0, file.rfind('.')));
  return Words(stem);
}

struct TestView {
  const RuleTest* test = nullptr;
  const TestResult* result = nullptr;  // null when not run
};

// Everything a renderer needs, computed once.
struct Model {
  const RuleSet* rules = nullptr;
  ReportOptions options;
  ConfigValues config_values;      // for condition phrases
  std::vector<std::string> files;  // in catalog order
  std::map<std::string, std::vector<size_t>> by_file;
  std::vector<PlainCondition> conditions;    // per rule index
  std::vector<std::vector<TestView>> tests;  // per rule index
  size_t tests_total = 0, tests_passed = 0;
  size_t in_force = 0;
};

Model BuildModel(const RuleSet& rules, const ReportOptions& options) {
  Model m;
  m.rules = &rules;
  m.options = options;
  for (const ConfigItem& item : rules.config()) {
    m.config_values[item.name] =
        ConfigValueText(item.value) + (item.uncertain ? " [U]" : "");
  }
  const auto& all = rules.rules();
  m.tests.resize(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    const Rule& rule = all[i];
    if (!m.by_file.contains(rule.file)) m.files.push_back(rule.file);
    m.by_file[rule.file].push_back(i);
    m.conditions.push_back(DescribeCondition(rule.when, m.config_values));
    for (const RuleTest& t : rule.tests) m.tests[i].push_back({&t, nullptr});
    if (InForce(rule, options.as_of)) ++m.in_force;
  }
  // Known families in the order regulations.md presents them, others after.
  auto rank = [](const std::string& file) {
    size_t i = 0;
    for (; i < std::size(kFamilies); ++i) {
      if (kFamilies[i].file == file) break;
    }
    return i;
  };
  std::stable_sort(m.files.begin(), m.files.end(),
                   [&](const std::string& a, const std::string& b) {
                     return rank(a) < rank(b);
                   });
  for (const TestResult& r : rules.test_results()) {
    if (r.rule_index < m.tests.size() &&
        r.test_index < m.tests[r.rule_index].size()) {
      m.tests[r.rule_index][r.test_index].result = &r;
    }
  }
  for (const auto& list : m.tests) {
    for (const TestView& t : list) {
      ++m.tests_total;
      if (t.result && t.result->passed) ++m.tests_passed;
    }
  }
  return m;
}

std::string ExpectText(const std::optional<Outcome>& o) {
  return o ? std::string(OutcomeName(*o)) : "NOT_FIRED";
}

std::string AppliesText(const std::vector<AppliesTo>& kinds) {
  std::string out;
  for (AppliesTo k : kinds) {
    if (!out.empty()) out += ", ";
    out += AppliesToName(k);
  }
  return out;
}

std::string RangeText(const Rule& rule) {
  return FormatDate(rule.effective_from) + " to " +
         (rule.effective_to ? FormatDate(*rule.effective_to)
                            : std::string("open"));
}

std::string InForceText(const Rule& rule, Date as_of) {
  if (as_of < rule.effective_from) return "not yet in force";
  if (rule.effective_to && as_of > *rule.effective_to) return "expired";
  return "in force";
}

std::string ConfigUsedText(const Model& m, const Rule& rule) {
  std::string out;
  for (const std::string& name : rule.config_used) {
    if (!out.empty()) out += "; ";
    out += name;
    auto it = m.config_values.find(name);
    if (it != m.config_values.end()) out += " = " + it->second;
  }
  return out;
}

constexpr std::string_view kBasisLegend[][2] = {
    {"REG", "a binding regulation in force"},
    {"REG-DORMANT", "on the books but not enforced by announced agency policy"},
    {"PROPOSED", "a proposed rule (NPRM) only, not binding"},
    {"GUIDANCE", "agency guidance that informs the knowledge standard"},
    {"POLICY", "the provider's own risk appetite, beyond the law"},
};

// --- HTML --------------------------------------------------------------------

constexpr std::string_view kCss = R"css(
:root { --ink:#1b1f24; --muted:#57606a; --line:#d0d7de; --soft:#f6f8fa; --accent:#0b4f8a; }
* { box-sizing: border-box; }
body { font: 15px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif;
       color: var(--ink); background: #fff; margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 21px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; margin-top: 40px; }
h3 { font-size: 17px; margin: 0 0 6px; }
h3 code { font-size: 15px; }
a { color: var(--accent); text-decoration: none; }
code, .expr { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.subtitle { color: var(--muted); margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
.meta th { width: 170px; }
.rule { border: 1px solid var(--line); border-left: 5px solid var(--accent); border-radius: 4px;
        padding: 12px 16px; margin: 16px 0; }
.rule.off { border-left-color: #8c959f; }
.badge { display: inline-block; border: 1px solid var(--line); border-radius: 10px; padding: 0 8px;
         font-size: 12px; margin-right: 4px; white-space: nowrap; }
.o-DENY { background: #ffebe9; border-color: #cf222e; }
.o-LICENSE_REQUIRED { background: #fff1e5; border-color: #bc4c00; }
.o-ESCALATE { background: #fff8c5; border-color: #9a6700; }
.o-REPORT { background: #ddf4ff; border-color: #0969da; }
.o-ALLOW { background: #dafbe1; border-color: #1a7f37; }
.inforce { background: #dafbe1; border-color: #1a7f37; }
.notinforce { background: #eaeef2; }
.unc { background: #fbefff; border-color: #8250df; }
.pass { color: #1a7f37; font-weight: 600; }
td.nw { white-space: nowrap; }
.fail { color: #cf222e; font-weight: 600; }
.cond ul { margin: 2px 0; padding-left: 22px; }
.cond > ul { padding-left: 18px; }
.expr { background: var(--soft); border: 1px solid var(--line); padding: 6px 8px; white-space: pre-wrap;
        word-break: break-word; margin: 4px 0 8px; }
.toc ol { columns: 2; column-gap: 32px; padding-left: 20px; }
.toc li { break-inside: avoid; }
.summary-grid td:first-child { width: 240px; }
.note { background: var(--soft); border: 1px solid var(--line); padding: 8px 12px; border-radius: 4px; }
.small { font-size: 12.5px; color: var(--muted); }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  .family { break-before: page; page-break-before: always; }
  .rule { break-inside: auto; page-break-inside: auto; }
  .rule h3, .rule > p { break-after: avoid; page-break-after: avoid; }
  tr, .cond li, .expr { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; }
  th, .expr, .note { background: none !important; }
  .badge { background: none !important; }
  .toc ol { columns: 1; }
}
)css";

void HtmlCondition(const PlainCondition& c, std::ostringstream& out) {
  out << "<li>" << Escape(c.text);
  if (!c.children.empty()) {
    out << ":<ul>";
    for (const PlainCondition& kid : c.children) HtmlCondition(kid, out);
    out << "</ul>";
  }
  out << "</li>";
}

// --- Decision statistics
// ---------------------------------------------------------

const RuleFiringStats* FiringOf(const Model& m, std::string_view rule_id) {
  if (!m.options.decisions) return nullptr;
  auto it = m.options.decisions->rules.find(rule_id);
  return it == m.options.decisions->rules.end() ? nullptr : &it->second;
}

std::string PeriodText(const DecisionStatistics& d) {
  return FormatDate(d.from) + " to " + FormatDate(d.to);
}

// "DENY 3, ESCALATE 1" in precedence order, then any other outcome.
std::string OutcomeCountsText(
    const std::map<std::string, std::int64_t, std::less<>>& counts) {
  static constexpr std::string_view kOrder[] = {"DENY", "LICENSE_REQUIRED",
                                                "ESCALATE", "REPORT", "ALLOW"};
  std::string out;
  auto add = [&](std::string_view name, std::int64_t n) {
    if (!out.empty()) out += ", ";
    out += std::string(name) + " " + std::to_string(n);
  };
  for (std::string_view o : kOrder) {
    if (auto it = counts.find(o); it != counts.end()) add(o, it->second);
  }
  for (const auto& [o, n] : counts) {
    if (std::find(std::begin(kOrder), std::end(kOrder), o) == std::end(kOrder))
      add(o, n);
  }
  return out;
}

// The "Fired (period)" and "Overridden" cells of a rule record; "" without
// statistics.
std::string FiredText(const Model& m, const Rule& r) {
  if (!m.options.decisions) return "";
  const RuleFiringStats* f = FiringOf(m, r.id);
  std::string text = std::to_string(f ? f->fired : 0) + " of " +
                     std::to_string(m.options.decisions->decisions) +
                     " decisions, " + PeriodText(*m.options.decisions);
  if (f && !f->outcomes.empty())
    text += " (" + OutcomeCountsText(f->outcomes) + ")";
  return text;
}

std::string OverriddenText(const Model& m, const Rule& r) {
  if (!m.options.decisions) return "";
  const RuleFiringStats* f = FiringOf(m, r.id);
  return std::to_string(f ? f->overridden : 0) + " overridden, " +
         std::to_string(f ? f->cleared : 0) + " with a hit cleared";
}

// Rule ids in the statistics: catalog order first, then ids this rule set
// does not hold (decisions made under an older rule set).
std::vector<std::pair<std::string, bool>> StatsRuleOrder(const Model& m) {
  std::vector<std::pair<std::string, bool>> ids;
  std::set<std::string, std::less<>> known;
  for (const Rule& r : m.rules->rules()) {
    if (known.insert(r.id).second && FiringOf(m, r.id))
      ids.push_back({r.id, true});
  }
  for (const auto& [id, stats] : m.options.decisions->rules) {
    if (!known.contains(id)) ids.push_back({id, false});
  }
  return ids;
}

std::string RenderHtml(const Model& m) {
  const RuleSet& set = *m.rules;
  const std::string as_of = FormatDate(m.options.as_of);
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
         "charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, "
         "initial-scale=1\">\n"
      << "<title>Clearance rule report as of " << as_of << "</title>\n<style>"
      << kCss << "</style>\n</head>\n<body>\n<main>\n";
  out << "<h1>Clearance screening rules: report for regulators</h1>\n"
      << "<p class=\"subtitle\">Rules as of <strong>" << as_of
      << "</strong> &middot; rule set <code>" << Escape(set.hash())
      << "</code>";
  if (!m.options.generator.empty())
    out << " &middot; " << Escape(m.options.generator);
  out << "</p>\n";

  out << "<table class=\"summary-grid\">\n"
      << "<tr><td>Rule-set content hash (sha256)</td><td><code>"
      << Escape(set.hash()) << "</code></td></tr>\n"
      << "<tr><td>Rule records</td><td>" << set.rules().size() << " ("
      << m.in_force << " in force on " << as_of << ")</td></tr>\n"
      << "<tr><td>Rule tests</td><td>" << m.tests_passed << " of "
      << m.tests_total << " passed</td></tr>\n"
      << "<tr><td>Outcome precedence</td><td>DENY &gt; LICENSE_REQUIRED &gt; "
         "ESCALATE &gt; "
         "REPORT &gt; ALLOW; all fired rules are reported</td></tr>\n"
      << "</table>\n";

  out << "<nav class=\"toc\"><h2>Contents</h2><ol>\n"
      << "<li><a href=\"#basis\">Basis of authority</a></li>\n";
  for (const std::string& file : m.files) {
    out << "<li><a href=\"#family-" << Escape(file) << "\">"
        << Escape(FamilyTitle(file)) << "</a> <span class=\"small\">("
        << m.by_file.at(file).size() << " records)</span><ol>";
    for (size_t i : m.by_file.at(file)) {
      const Rule& r = set.rules()[i];
      out << "<li><a href=\"#" << Anchor(r.id, i) << "\"><code>" << Escape(r.id)
          << "</code></a>"
          << (InForce(r, m.options.as_of)
                  ? ""
                  : " <span class=\"small\">(not in force)</span>")
          << "</li>";
    }
    out << "</ol></li>\n";
  }
  out << "<li><a href=\"#config\">Configuration and uncertain items</a></li>\n"
      << "<li><a href=\"#decisions\">Rule firing "
         "statistics</a></li>\n</ol></nav>\n";

  out << "<section id=\"basis\"><h2>Basis of "
         "authority</h2><table><tr><th>basis</th>"
         "<th>meaning</th></tr>\n";
  for (const auto& b : kBasisLegend) {
    out << "<tr><td><code>" << b[0] << "</code></td><td>" << b[1]
        << "</td></tr>\n";
  }
  out << "</table><p class=\"small\">[U] marks material regulations.md rates "
         "as uncertain: it "
         "is configuration maintained by counsel, shown with its current "
         "value. Shadow rules "
         "are evaluated and traced but never change a "
         "decision.</p></section>\n";

  for (const std::string& file : m.files) {
    out << "<section class=\"family\" id=\"family-" << Escape(file) << "\"><h2>"
        << Escape(FamilyTitle(file)) << " <span class=\"small\">("
        << Escape(file) << ")</span></h2>\n";
    for (size_t i : m.by_file.at(file)) {
      const Rule& r = set.rules()[i];
      const bool on = InForce(r, m.options.as_of);
      out << "<article class=\"rule" << (on ? "" : " off") << "\" id=\""
          << Anchor(r.id, i) << "\">\n<h3><code>" << Escape(r.id)
          << "</code> &mdash; " << Escape(r.title) << "</h3>\n<p>";
      out << "<span class=\"badge o-" << OutcomeName(r.outcome) << "\">"
          << OutcomeName(r.outcome) << "</span>";
      out << "<span class=\"badge\">" << BasisName(r.basis) << "</span>";
      out << "<span class=\"badge " << (on ? "inforce" : "notinforce") << "\">"
          << InForceText(r, m.options.as_of) << " on " << as_of << "</span>";
      if (r.shadow) out << "<span class=\"badge\">shadow</span>";
      if (r.uncertain) out << "<span class=\"badge unc\">[U] uncertain</span>";
      out << "</p>\n<p>" << Escape(r.summary)
          << "</p>\n<table class=\"meta\">\n";
      auto row = [&](std::string_view k, const std::string& v) {
        if (!v.empty())
          out << "<tr><th>" << k << "</th><td>" << Escape(v) << "</td></tr>\n";
      };
      row("CFR", r.citation.cfr);
      row("Federal Register", r.citation.fr);
      row("FR document", r.citation.fr_doc);
      row("Other source", r.citation.other);
      row("URL", r.citation.url);
      row("Effective", RangeText(r) + " (inclusive)");
      row("Applies to", AppliesText(r.applies_to));
      row("Mode", r.shadow ? "shadow (traced, never decisive)" : "enforce");
      row("Uncertainty", r.uncertain_note);
      row("Configuration read", ConfigUsedText(m, r));
      row("Source", r.file + " line " + std::to_string(r.line));
      row("Fired (period)", FiredText(m, r));
      row("Overridden", OverriddenText(m, r));
      out << "</table>\n<div class=\"cond\"><strong>Fires when</strong><ul>";
      HtmlCondition(m.conditions[i], out);
      out << "</ul></div>\n<div class=\"expr\">" << Escape(r.when)
          << "</div>\n";
      out << "<p><strong>Explanation given:</strong> " << Escape(r.explanation)
          << "</p>\n";
      out << "<table><tr><th>test</th><th>as "
             "of</th><th>request</th><th>expected</th>"
             "<th>actual</th><th>result</th></tr>\n";
      for (const TestView& t : m.tests[i]) {
        out << "<tr><td>" << Escape(t.test->name);
        if (t.test->config.is_object() && !t.test->config.empty()) {
          out << " <span class=\"small\">(config "
              << Escape(t.test->config.dump()) << ")</span>";
        }
        out << "</td><td class=\"nw\">" << FormatDate(t.test->as_of)
            << "</td><td>" << AppliesToName(t.test->applies_to) << "</td><td>"
            << ExpectText(t.test->expect) << "</td>";
        if (t.result) {
          out << "<td>" << ExpectText(t.result->actual) << "</td><td class=\""
              << (t.result->passed ? "pass\">PASS" : "fail\">FAIL");
          if (!t.result->error.empty()) out << " " << Escape(t.result->error);
          out << "</td>";
        } else {
          out << "<td>&ndash;</td><td class=\"fail\">not run</td>";
        }
        out << "</tr>\n";
      }
      out << "</table>\n</article>\n";
    }
    out << "</section>\n";
  }

  out << "<section class=\"family\" id=\"config\"><h2>Configuration and "
         "uncertain items</h2>"
         "<table><tr><th>name</th><th>value</th><th>[U]</th><th>note</"
         "th><th>source</th></tr>\n";
  for (const ConfigItem& c : set.config()) {
    out << "<tr><td><code>" << Escape(c.name) << "</code></td><td><code>"
        << Escape(ConfigValueText(c.value)) << "</code></td><td>"
        << (c.uncertain ? "<span class=\"badge unc\">[U]</span>" : "")
        << "</td><td>" << Escape(c.note) << "</td><td>" << Escape(c.citation)
        << "</td></tr>\n";
  }
  out << "</table>\n<p class=\"small\">Uncertain rule records:";
  bool any = false;
  for (size_t i = 0; i < set.rules().size(); ++i) {
    const Rule& r = set.rules()[i];
    if (!r.uncertain) continue;
    out << (any ? ", " : " ") << "<a href=\"#" << Anchor(r.id, i) << "\"><code>"
        << Escape(r.id) << "</code></a>";
    any = true;
  }
  out << (any ? "." : " none.") << "</p></section>\n";

  out << "<section id=\"decisions\"><h2>Rule firing statistics</h2>";
  if (!m.options.decisions) {
    out << "<p class=\"note\">" << Escape(m.options.decisions_note)
        << ". How often each rule fired over a period, and how many of those "
           "decisions were "
           "overridden, is reported when a decision database is given "
           "(<code>--decisions DB --from DATE --to DATE</code>).</p>";
  } else {
    const DecisionStatistics& d = *m.options.decisions;
    out << "<p>Decisions created " << PeriodText(d) << " (inclusive) in <code>"
        << Escape(d.database) << "</code>: <strong>" << d.decisions
        << "</strong>"
        << (d.outcomes.empty()
                ? ""
                : " (" + Escape(OutcomeCountsText(d.outcomes)) + ")")
        << "; " << d.overridden << " later overridden, " << d.cleared
        << " with a hit cleared"
        << (d.unreadable ? "; " + std::to_string(d.unreadable) +
                               " without a readable list of fired rules"
                         : "")
        << ".</p>\n<table><tr><th>rule</th><th>Fired (period)</th>"
           "<th>outcomes produced</th><th>Overridden</th><th>hit "
           "cleared</th></tr>\n";
    for (const auto& [id, in_set] : StatsRuleOrder(m)) {
      const RuleFiringStats& f = d.rules.find(id)->second;
      out << "<tr><td><code>" << Escape(id) << "</code>"
          << (in_set ? ""
                     : " <span class=\"small\">(not in this rule set)</span>")
          << "</td><td>" << f.fired << "</td><td>"
          << Escape(OutcomeCountsText(f.outcomes)) << "</td><td>"
          << f.overridden << "</td><td>" << f.cleared << "</td></tr>\n";
    }
    out << "</table><p class=\"small\">Rules that did not fire in the period "
           "are not listed. A decision counts as overridden when a reviewer "
           "recorded an override on it (at any time, approved or "
           "not).</p>";
  }
  out << "</section>\n";
  out << "</main>\n</body>\n</html>\n";
  return out.str();
}

// --- Markdown
// ------------------------------------------------------------------

void MdCondition(const PlainCondition& c, int depth, std::ostringstream& out) {
  out << std::string(static_cast<size_t>(depth) * 2, ' ') << "- " << c.text
      << (c.children.empty() ? "" : ":") << "\n";
  for (const PlainCondition& kid : c.children) MdCondition(kid, depth + 1, out);
}

std::string RenderMarkdown(const Model& m) {
  const RuleSet& set = *m.rules;
  const std::string as_of = FormatDate(m.options.as_of);
  std::ostringstream out;
  out << "# Clearance screening rules: report for regulators\n\n"
      << "- Rules as of: **" << as_of << "**\n"
      << "- Rule-set content hash (sha256): `" << set.hash() << "`\n"
      << "- Rule records: " << set.rules().size() << " (" << m.in_force
      << " in force on " << as_of << ")\n"
      << "- Rule tests: " << m.tests_passed << " of " << m.tests_total
      << " passed\n"
      << "- Outcome precedence: DENY > LICENSE_REQUIRED > ESCALATE > REPORT > "
         "ALLOW\n";
  if (!m.options.generator.empty())
    out << "- Generated by: " << m.options.generator << "\n";
  out << "\n## Contents\n\n";
  for (const std::string& file : m.files) {
    out << "- " << FamilyTitle(file) << " (`" << file << "`)\n";
    for (size_t i : m.by_file.at(file)) {
      const Rule& r = set.rules()[i];
      out << "  - [`" << r.id << "`](#" << Anchor(r.id, i) << ")"
          << (InForce(r, m.options.as_of) ? "" : " (not in force)") << "\n";
    }
  }
  out << "- [Configuration and uncertain items](#config)\n"
      << "- [Rule firing statistics](#decisions)\n\n## Basis of authority\n\n"
      << "| basis | meaning |\n|---|---|\n";
  for (const auto& b : kBasisLegend)
    out << "| `" << b[0] << "` | " << b[1] << " |\n";
  for (const std::string& file : m.files) {
    out << "\n## " << FamilyTitle(file) << " (`" << file << "`)\n";
    for (size_t i : m.by_file.at(file)) {
      const Rule& r = set.rules()[i];
      out << "\n<a id=\"" << Anchor(r.id, i) << "\"></a>\n### `" << r.id
          << "`: " << r.title << "\n\n**" << OutcomeName(r.outcome) << "** · "
          << BasisName(r.basis) << " · " << InForceText(r, m.options.as_of)
          << " on " << as_of << (r.shadow ? " · shadow" : "")
          << (r.uncertain ? " · **[U] uncertain**" : "") << "\n\n"
          << r.summary << "\n\n| | |\n|---|---|\n";
      auto row = [&](std::string_view k, const std::string& v) {
        if (!v.empty()) out << "| " << k << " | " << Cell(v) << " |\n";
      };
      row("CFR", r.citation.cfr);
      row("Federal Register", r.citation.fr);
      row("FR document", r.citation.fr_doc);
      row("Other source", r.citation.other);
      row("URL", r.citation.url);
      row("Effective", RangeText(r) + " (inclusive)");
      row("Applies to", AppliesText(r.applies_to));
      row("Mode", r.shadow ? "shadow (traced, never decisive)" : "enforce");
      row("Uncertainty", r.uncertain_note);
      row("Configuration read", ConfigUsedText(m, r));
      row("Source", r.file + " line " + std::to_string(r.line));
      row("Fired (period)", FiredText(m, r));
      row("Overridden", OverriddenText(m, r));
      out << "\n**Fires when:**\n\n";
      MdCondition(m.conditions[i], 0, out);
      out << "\n```\n"
          << r.when << "\n```\n\n**Explanation given:** " << r.explanation
          << "\n\n| test | as of | request | expected | actual | result |\n"
             "|---|---|---|---|---|---|\n";
      for (const TestView& t : m.tests[i]) {
        std::string name = t.test->name;
        if (t.test->config.is_object() && !t.test->config.empty()) {
          name += " (config " + t.test->config.dump() + ")";
        }
        out << "| " << Cell(name) << " | " << FormatDate(t.test->as_of) << " | "
            << AppliesToName(t.test->applies_to) << " | "
            << ExpectText(t.test->expect) << " | ";
        if (t.result) {
          out << ExpectText(t.result->actual) << " | "
              << (t.result->passed ? "PASS" : "FAIL " + Cell(t.result->error))
              << " |\n";
        } else {
          out << "– | not run |\n";
        }
      }
    }
  }
  out << "\n<a id=\"config\"></a>\n## Configuration and uncertain items\n\n"
      << "| name | value | [U] | note | source |\n|---|---|---|---|---|\n";
  for (const ConfigItem& c : set.config()) {
    out << "| `" << c.name << "` | `" << Cell(ConfigValueText(c.value))
        << "` | " << (c.uncertain ? "[U]" : "") << " | " << Cell(c.note)
        << " | " << Cell(c.citation) << " |\n";
  }
  out << "\n<a id=\"decisions\"></a>\n## Rule firing statistics\n\n";
  if (!m.options.decisions) {
    out << m.options.decisions_note
        << ". How often each rule fired over a period, and how many of those "
           "decisions were "
           "overridden, is reported when a decision database is given "
           "(`--decisions DB --from DATE --to DATE`).\n";
  } else {
    const DecisionStatistics& d = *m.options.decisions;
    out << "Decisions created " << PeriodText(d) << " (inclusive) in `"
        << d.database << "`: **" << d.decisions << "**"
        << (d.outcomes.empty() ? ""
                               : " (" + OutcomeCountsText(d.outcomes) + ")")
        << "; " << d.overridden << " later overridden, " << d.cleared
        << " with a hit cleared"
        << (d.unreadable ? "; " + std::to_string(d.unreadable) +
                               " without a readable list of fired rules"
                         : "")
        << ".\n\n| rule | Fired (period) | outcomes produced | Overridden | "
           "hit cleared |\n|---|---|---|---|---|\n";
    for (const auto& [id, in_set] : StatsRuleOrder(m)) {
      const RuleFiringStats& f = d.rules.find(id)->second;
      out << "| `" << id << "`" << (in_set ? "" : " (not in this rule set)")
          << " | " << f.fired << " | " << OutcomeCountsText(f.outcomes) << " | "
          << f.overridden << " | " << f.cleared << " |\n";
    }
    out << "\nRules that did not fire in the period are not listed. A "
           "decision counts as overridden when a reviewer recorded an "
           "override on it (at any time, approved or not).\n";
  }
  return out.str();
}

// --- JSON
// ---------------------------------------------------------------------

nlohmann::ordered_json ConditionJson(const PlainCondition& c) {
  nlohmann::ordered_json j;
  j["text"] = c.text;
  if (!c.children.empty()) {
    j["children"] = nlohmann::ordered_json::array();
    for (const PlainCondition& kid : c.children)
      j["children"].push_back(ConditionJson(kid));
  }
  return j;
}

nlohmann::ordered_json FiringJson(const RuleFiringStats& f) {
  nlohmann::ordered_json j;
  j["fired"] = f.fired;
  j["outcomes"] = nlohmann::ordered_json::object();
  for (const auto& [o, n] : f.outcomes) j["outcomes"][o] = n;
  j["overridden"] = f.overridden;
  j["cleared"] = f.cleared;
  return j;
}

std::string RenderJson(const Model& m) {
  const RuleSet& set = *m.rules;
  nlohmann::ordered_json j;
  j["report"] = "clearance-rules";
  j["as_of"] = FormatDate(m.options.as_of);
  j["ruleset_hash"] = set.hash();
  if (!m.options.generator.empty()) j["generator"] = m.options.generator;
  j["counts"] = {{"rules", set.rules().size()},
                 {"in_force", m.in_force},
                 {"tests", m.tests_total},
                 {"tests_passed", m.tests_passed}};
  j["rules"] = nlohmann::ordered_json::array();
  for (size_t i = 0; i < set.rules().size(); ++i) {
    const Rule& r = set.rules()[i];
    nlohmann::ordered_json rj;
    rj["id"] = r.id;
    rj["family"] = FamilyTitle(r.file);
    rj["file"] = r.file;
    rj["line"] = r.line;
    rj["title"] = r.title;
    rj["summary"] = r.summary;
    nlohmann::ordered_json cj;
    if (!r.citation.cfr.empty()) cj["cfr"] = r.citation.cfr;
    if (!r.citation.fr.empty()) cj["fr"] = r.citation.fr;
    if (!r.citation.fr_doc.empty()) cj["fr_doc"] = r.citation.fr_doc;
    if (!r.citation.other.empty()) cj["other"] = r.citation.other;
    if (!r.citation.url.empty()) cj["url"] = r.citation.url;
    rj["citation"] = cj;
    rj["basis"] = BasisName(r.basis);
    rj["applies_to"] = nlohmann::ordered_json::array();
    for (AppliesTo k : r.applies_to)
      rj["applies_to"].push_back(AppliesToName(k));
    rj["effective_from"] = FormatDate(r.effective_from);
    rj["effective_to"] =
        r.effective_to ? nlohmann::ordered_json(FormatDate(*r.effective_to))
                       : nullptr;
    rj["in_force"] = InForce(r, m.options.as_of);
    rj["mode"] = r.shadow ? "shadow" : "enforce";
    rj["uncertain"] = r.uncertain;
    if (!r.uncertain_note.empty()) rj["uncertain_note"] = r.uncertain_note;
    rj["outcome"] = OutcomeName(r.outcome);
    rj["when"] = r.when;
    rj["condition_plain"] = FlattenCondition(m.conditions[i]);
    rj["condition_tree"] = ConditionJson(m.conditions[i]);
    rj["explanation"] = r.explanation;
    rj["config_used"] = nlohmann::ordered_json::array();
    for (const std::string& name : r.config_used) {
      for (const ConfigItem& c : set.config()) {
        if (c.name == name) {
          rj["config_used"].push_back(
              {{"name", name}, {"value", c.value}, {"uncertain", c.uncertain}});
        }
      }
    }
    if (m.options.decisions) {
      const RuleFiringStats* f = FiringOf(m, r.id);
      rj["decisions"] = FiringJson(f ? *f : RuleFiringStats{});
    }
    rj["tests"] = nlohmann::ordered_json::array();
    for (const TestView& t : m.tests[i]) {
      nlohmann::ordered_json tj;
      tj["name"] = t.test->name;
      tj["as_of"] = FormatDate(t.test->as_of);
      tj["applies_to"] = AppliesToName(t.test->applies_to);
      if (t.test->config.is_object()) tj["config"] = t.test->config;
      tj["expect"] = ExpectText(t.test->expect);
      if (t.result) {
        tj["actual"] = ExpectText(t.result->actual);
        tj["passed"] = t.result->passed;
        if (!t.result->error.empty()) tj["error"] = t.result->error;
      } else {
        tj["actual"] = nullptr;
        tj["passed"] = false;
      }
      rj["tests"].push_back(std::move(tj));
    }
    j["rules"].push_back(std::move(rj));
  }
  j["config"] = nlohmann::ordered_json::array();
  for (const ConfigItem& c : set.config()) {
    j["config"].push_back({{"name", c.name},
                           {"value", c.value},
                           {"uncertain", c.uncertain},
                           {"note", c.note},
                           {"citation", c.citation}});
  }
  if (!m.options.decisions) {
    j["decisions"] = {{"available", false}, {"note", m.options.decisions_note}};
  } else {
    const DecisionStatistics& d = *m.options.decisions;
    nlohmann::ordered_json dj;
    dj["available"] = true;
    dj["database"] = d.database;
    dj["from"] = FormatDate(d.from);
    dj["to"] = FormatDate(d.to);
    dj["decisions"] = d.decisions;
    dj["outcomes"] = nlohmann::ordered_json::object();
    for (const auto& [o, n] : d.outcomes) dj["outcomes"][o] = n;
    dj["overridden"] = d.overridden;
    dj["cleared"] = d.cleared;
    dj["unreadable"] = d.unreadable;
    dj["rules"] = nlohmann::ordered_json::array();
    for (const auto& [id, in_set] : StatsRuleOrder(m)) {
      const RuleFiringStats& f = d.rules.find(id)->second;
      nlohmann::ordered_json rj = FiringJson(f);
      rj["id"] = id;
      rj["in_rule_set"] = in_set;
      dj["rules"].push_back(std::move(rj));
    }
    j["decisions"] = std::move(dj);
  }
  return j.dump(2) + "\n";
}

}  // namespace

std::optional<ReportFormat> ParseReportFormat(std::string_view name) {
  if (name == "html") return ReportFormat::kHtml;
  if (name == "md" || name == "markdown") return ReportFormat::kMarkdown;
  if (name == "json") return ReportFormat::kJson;
  return std::nullopt;
}

PlainCondition DescribeCondition(std::string_view expression,
                                 const ConfigValues& config) {
  Ex root;
  Parser parser(expression);
  if (!parser.Parse(&root)) {
    PlainCondition raw;
    raw.text = std::string(expression);
    raw.parsed = false;
    return raw;
  }
  Describer describer(config);
  return describer.Condition(root);
}

std::string FlattenCondition(const PlainCondition& c) {
  if (c.children.empty()) return c.text;
  std::string out = c.text + ": (";
  for (size_t i = 0; i < c.children.size(); ++i) {
    if (i) out += "; ";
    out += FlattenCondition(c.children[i]);
  }
  return out + ")";
}

bool InForce(const Rule& rule, Date date) {
  return date >= rule.effective_from &&
         (!rule.effective_to || date <= *rule.effective_to);
}

DecisionStatsBuilder::DecisionStatsBuilder(Date from, Date to)
    : from_(from), to_(to) {}

void DecisionStatsBuilder::AddDecision(std::string_view id,
                                       std::string_view created_at,
                                       std::string_view outcome,
                                       std::string_view output_json) {
  const auto date = ParseDate(created_at.substr(0, 10));
  if (!date || *date < from_ || *date > to_) return;
  Counted c;
  c.outcome = std::string(outcome);
  const auto j = nlohmann::json::parse(output_json, nullptr, false);
  const auto fired = j.is_object() ? j.find("fired") : j.end();
  if (!j.is_object() || fired == j.end() || !fired->is_array()) {
    c.readable = false;
  } else {
    for (const auto& f : *fired) {
      if (!f.is_object() || !f.contains("id") || !f["id"].is_string()) {
        c.readable = false;
        continue;
      }
      std::string rule_outcome;
      if (auto o = f.find("outcome"); o != f.end() && o->is_string())
        rule_outcome = o->get<std::string>();
      c.fired.emplace_back(f["id"].get<std::string>(), std::move(rule_outcome));
    }
  }
  decisions_.insert_or_assign(std::string(id), std::move(c));
}

void DecisionStatsBuilder::AddOverride(std::string_view decision_id) {
  overridden_.emplace(decision_id);
}

void DecisionStatsBuilder::AddClearedHit(std::string_view decision_id) {
  cleared_.emplace(decision_id);
}

DecisionStatistics DecisionStatsBuilder::Finish() && {
  DecisionStatistics d;
  d.from = from_;
  d.to = to_;
  for (const auto& [id, c] : decisions_) {
    const bool overridden = overridden_.contains(id);
    const bool cleared = cleared_.contains(id);
    ++d.decisions;
    ++d.outcomes[c.outcome.empty() ? "(none)" : c.outcome];
    d.overridden += overridden;
    d.cleared += cleared;
    if (!c.readable) ++d.unreadable;
    // A rule listed twice in one decision counts once.
    std::set<std::string_view> seen;
    for (const auto& [rule, outcome] : c.fired) {
      if (!seen.insert(rule).second) continue;
      RuleFiringStats& f = d.rules[rule];
      ++f.fired;
      ++f.outcomes[outcome.empty() ? "(none)" : outcome];
      f.overridden += overridden;
      f.cleared += cleared;
    }
  }
  return d;
}

std::string RenderRulesReport(const RuleSet& rules,
                              const ReportOptions& options,
                              ReportFormat format) {
  const Model model = BuildModel(rules, options);
  switch (format) {
    case ReportFormat::kHtml:
      return RenderHtml(model);
    case ReportFormat::kMarkdown:
      return RenderMarkdown(model);
    case ReportFormat::kJson:
      return RenderJson(model);
  }
  return {};
}

}  // namespace clearance::rules
