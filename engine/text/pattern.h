// Compiled regular expressions (RE2: linear time, safe on untrusted input).
// This is the one place the engine includes RE2; other modules use Pattern.
//
// Usage:
//   auto p = Pattern::Compile(R"(Digital Currency Address - (\w+)
//   ([0-9A-Za-z]+))"); if (!p) ...p.error()... for (const auto& m :
//   p->FindAll(text)) use(m.groups[1], m.groups[2]);
//
// Thread safety: a compiled Pattern is immutable and may be shared.
#ifndef CLEARANCE_ENGINE_TEXT_PATTERN_H_
#define CLEARANCE_ENGINE_TEXT_PATTERN_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"

namespace clearance::text {

struct PatternMatch {
  size_t offset = 0;                     // of the whole match in the input
  std::vector<std::string_view> groups;  // [0] is the whole match
};

class Pattern {
 public:
  // kInvalidArgument with RE2's message when `regex` does not compile.
  static Result<Pattern> Compile(std::string_view regex,
                                 bool case_insensitive = false);
  // For patterns written in the source code: aborts on a bad pattern.
  static Pattern MustCompile(std::string_view regex,
                             bool case_insensitive = false);

  // True if the whole of `text` matches.
  bool FullMatch(std::string_view text) const;
  // True if some part of `text` matches.
  bool PartialMatch(std::string_view text) const;
  // Leftmost non-overlapping matches, with capture groups. Views point
  // into `text`.
  std::vector<PatternMatch> FindAll(std::string_view text) const;
  // Replaces every match with `rewrite` (\1 refers to group 1).
  std::string ReplaceAll(std::string_view text, std::string_view rewrite) const;

  int group_count() const;

 private:
  struct Impl;
  explicit Pattern(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace clearance::text

#endif  // CLEARANCE_ENGINE_TEXT_PATTERN_H_
