#include <gtest/gtest.h>

#include "engine/common/error.h"
#include "engine/crypto/sha256.h"
#include "engine/text/pattern.h"
#include "engine/text/script.h"

namespace clearance {
namespace {

TEST(Error, ToStringNamesCodeAndMessage) {
  Error e(ErrorCode::kParse, "sdn.csv line 4: expected 12 fields");
  EXPECT_EQ(e.ToString(), "parse: sdn.csv line 4: expected 12 fields");
  EXPECT_EQ(e.WithContext("import").message(),
            "import: sdn.csv line 4: expected 12 fields");
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(crypto::Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(crypto::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Script, DetectsCommonListScripts) {
  EXPECT_EQ(text::DetectScript("BANCO NACIONAL DE CUBA"), "Latn");
  EXPECT_EQ(text::DetectScript("北京智谱华章科技有限公司"), "Hani");
  EXPECT_EQ(text::DetectScript("ООО Ромашка"), "Cyrl");
  EXPECT_EQ(text::DetectScript("محمد"), "Arab");
  EXPECT_EQ(text::DetectScript("123 - ,"), "Zyyy");
  EXPECT_EQ(text::DetectScript("\xff\xfe"), "Zzzz");
}

TEST(Script, Windows1252) {
  EXPECT_EQ(text::Windows1252ToUtf8("caf\xe9 \x80"), "café €");
  EXPECT_TRUE(text::IsValidUtf8("café"));
  EXPECT_FALSE(text::IsValidUtf8("caf\xe9"));
}

TEST(Pattern, FindAllWithGroups) {
  auto p = text::Pattern::Compile(R"(Digital Currency Address - (\w+) (\w+))");
  ASSERT_TRUE(p.has_value());
  auto matches = p->FindAll(
      "x; Digital Currency Address - XBT 1abc; Digital Currency Address - ETH "
      "0xdef;");
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].groups[1], "XBT");
  EXPECT_EQ(matches[1].groups[2], "0xdef");
}

TEST(Pattern, BadPatternIsAnError) {
  auto p = text::Pattern::Compile("(unclosed");
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace clearance
