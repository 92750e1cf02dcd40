#include "engine/text/pattern.h"

#include <re2/re2.h>

#include <cstdio>
#include <cstdlib>

namespace clearance::text {

struct Pattern::Impl {
  explicit Impl(std::string_view regex, const RE2::Options& options)
      : re(re2::StringPiece(regex.data(), regex.size()), options) {}
  RE2 re;
};

Result<Pattern> Pattern::Compile(std::string_view regex,
                                 bool case_insensitive) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_case_sensitive(!case_insensitive);
  auto impl = std::make_shared<const Impl>(regex, options);
  if (!impl->re.ok()) {
    return Fail(ErrorCode::kInvalidArgument, "invalid regular expression '" +
                                                 std::string(regex) +
                                                 "': " + impl->re.error());
  }
  return Pattern(std::move(impl));
}

Pattern Pattern::MustCompile(std::string_view regex, bool case_insensitive) {
  auto p = Compile(regex, case_insensitive);
  if (!p) {
    std::fprintf(stderr, "%s\n", p.error().ToString().c_str());
    std::abort();
  }
  return *std::move(p);
}

bool Pattern::FullMatch(std::string_view text) const {
  return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), impl_->re);
}

bool Pattern::PartialMatch(std::string_view text) const {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()),
                           impl_->re);
}

int Pattern::group_count() const { return impl_->re.NumberOfCapturingGroups(); }

std::vector<PatternMatch> Pattern::FindAll(std::string_view text) const {
  std::vector<PatternMatch> out;
  const int n = impl_->re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> groups(n);
  const re2::StringPiece input(text.data(), text.size());
  size_t pos = 0;
  while (pos <= text.size()) {
    if (!impl_->re.Match(input, pos, text.size(), RE2::UNANCHORED,
                         groups.data(), n)) {
      break;
    }
    PatternMatch m;
    m.offset = static_cast<size_t>(groups[0].data() - text.data());
    for (const auto& g : groups) {
      m.groups.emplace_back(g.data() ? std::string_view(g.data(), g.size())
                                     : std::string_view());
    }
    const size_t end = m.offset + groups[0].size();
    out.push_back(std::move(m));
    pos = end > pos ? end : pos + 1;  // an empty match must still advance
  }
  return out;
}

std::string Pattern::ReplaceAll(std::string_view text,
                                std::string_view rewrite) const {
  std::string out(text);
  RE2::GlobalReplace(&out, impl_->re,
                     re2::StringPiece(rewrite.data(), rewrite.size()));
  return out;
}

}  // namespace clearance::text
