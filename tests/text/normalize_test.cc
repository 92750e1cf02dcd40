#include "engine/text/normalize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_support.h"

namespace clearance::text {
namespace {

const NameNormalizer& Normalizer() {
  static const std::unique_ptr<NameNormalizer> n = [] {
    auto created = NameNormalizer::Create();
    if (!created) {
      ADD_FAILURE() << created.error().ToString();
      std::abort();
    }
    return std::move(*created);
  }();
  return *n;
}

std::string Keys(const std::vector<NameToken>& tokens) {
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) out += ' ';
    out += t.key;
  }
  return out;
}

std::string Describe(const NormalizedName& n) {
  std::string out = n.script + " [" + Keys(n.tokens) + "]";
  for (const auto& t : n.tokens) {
    if (t.role == TokenRole::kLegalForm)
      out += " LF(" + t.key + "=" + t.legal_form + ")";
  }
  for (const auto& v : n.variants) out += " | " + Keys(v);
  return out;
}

bool HasVariant(const NormalizedName& n, const std::string& keys) {
  if (Keys(n.tokens) == keys) return true;
  for (const auto& v : n.variants) {
    if (Keys(v) == keys) return true;
  }
  return false;
}

TEST(NameNormalizer, AsciiPersonName) {
  auto n = Normalizer().Normalize("Vladimir PUTIN", NameKind::kPerson);
  EXPECT_EQ(Keys(n.tokens), "vladimir putin");
  EXPECT_EQ(n.tokens[1].surface, "PUTIN");
  EXPECT_EQ(n.script, "Latn");
  EXPECT_FALSE(n.comma_inverted);
  EXPECT_TRUE(n.variants.empty());
}

TEST(NameNormalizer, CommaInvertedPersonIsReordered) {
  auto n = Normalizer().Normalize("PUTIN, Vladimir Vladimirovich",
                                  NameKind::kPerson);
  EXPECT_EQ(Keys(n.tokens), "vladimir vladimirovich putin");
  EXPECT_TRUE(n.comma_inverted);
  auto u = Normalizer().Normalize("MADURO MOROS, Nicolas");
  EXPECT_EQ(Keys(u.tokens), "nicolas maduro moros");
  EXPECT_TRUE(u.comma_inverted);
}

TEST(NameNormalizer, EntityWithCommaIsNotReordered) {
  auto n = Normalizer().Normalize("Acme Trading Co., Ltd.");
  EXPECT_EQ(Keys(n.tokens), "acme trading co ltd");
  EXPECT_FALSE(n.comma_inverted);
  auto e = Normalizer().Normalize("Smith, Jones", NameKind::kEntity);
  EXPECT_FALSE(e.comma_inverted);
  auto inc = Normalizer().Normalize("Widgets, Inc.");
  EXPECT_FALSE(inc.comma_inverted);
  EXPECT_EQ(Keys(inc.tokens), "widgets inc");
}

TEST(NameNormalizer, DiacriticsFoldedSurfaceKept) {
  auto n = Normalizer().Normalize("Nguyễn Tấn Dũng", NameKind::kPerson);
  EXPECT_EQ(Keys(n.tokens), "nguyen tan dung");
  EXPECT_EQ(n.tokens[0].surface, "Nguyễn");
  auto g = Normalizer().Normalize("Müller Straße Đặng Łódź Øresund");
  EXPECT_EQ(Keys(g.tokens), "muller strasse dang lodz oresund");
}

TEST(NameNormalizer, LegalFormsTagged) {
  auto n = Normalizer().Normalize("Beijing Zhipu Huazhang Technology Co., Ltd.",
                                  NameKind::kEntity);
  ASSERT_EQ(n.tokens.size(), 6u) << Describe(n);
  EXPECT_EQ(n.tokens[4].role, TokenRole::kLegalForm);
  EXPECT_EQ(n.tokens[5].role, TokenRole::kLegalForm);
  EXPECT_EQ(n.tokens[4].legal_form, "company limited");
  EXPECT_EQ(n.CompactKey(), "beijingzhipuhuazhangtechnology");

  auto llc = Normalizer().Normalize("Acme Holdings LLC");
  EXPECT_EQ(llc.tokens.back().role, TokenRole::kLegalForm);
  EXPECT_EQ(llc.tokens.back().legal_form, "limited liability company");

  auto gmbh = Normalizer().Normalize("Müller Maschinen GmbH & Co. KG",
                                     NameKind::kEntity);
  EXPECT_EQ(Keys(gmbh.tokens), "muller maschinen gmbh and co kg")
      << Describe(gmbh);
  for (size_t i = 2; i < gmbh.tokens.size(); ++i) {
    EXPECT_EQ(gmbh.tokens[i].role, TokenRole::kLegalForm) << i;
  }
  auto sa = Normalizer().Normalize("Grupo Industrial S.A. de C.V.");
  EXPECT_EQ(Keys(sa.tokens), "grupo industrial sa de cv");
  EXPECT_EQ(sa.tokens[2].role, TokenRole::kLegalForm);
  EXPECT_EQ(sa.tokens[4].role, TokenRole::kLegalForm);

  auto pt = Normalizer().Normalize("PT Bank Negara Indonesia Tbk");
  EXPECT_EQ(pt.tokens.front().role, TokenRole::kLegalForm) << Describe(pt);
  EXPECT_EQ(pt.tokens.back().role, TokenRole::kLegalForm);

  auto pte = Normalizer().Normalize("Ocean Star Pte. Ltd.");
  EXPECT_EQ(pte.tokens[2].legal_form, "private limited") << Describe(pte);

  // A short ambiguous form in the middle of a name stays a word.
  auto ag = Normalizer().Normalize("Ag Processing Inc");
  EXPECT_EQ(ag.tokens[0].role, TokenRole::kWord) << Describe(ag);
  // Person names get no legal forms.
  auto person = Normalizer().Normalize("Li Sa", NameKind::kPerson);
  EXPECT_EQ(person.tokens[1].role, TokenRole::kWord);
}

TEST(NameNormalizer, CyrillicLegalFormAndTransliteration) {
  auto n = Normalizer().Normalize("ООО Ромашка");
  EXPECT_EQ(Keys(n.tokens), "ooo romashka") << Describe(n);
  EXPECT_EQ(n.tokens[0].role, TokenRole::kLegalForm);
  EXPECT_EQ(n.tokens[0].legal_form, "limited liability company");
  EXPECT_EQ(n.tokens[0].surface, "ООО");
  EXPECT_EQ(n.script, "Cyrl");
  auto latin = Normalizer().Normalize("OOO Romashka");
  EXPECT_EQ(latin.tokens[0].legal_form, "limited liability company");

  auto pao = Normalizer().Normalize("ПАО Сбербанк");
  EXPECT_EQ(pao.tokens[0].legal_form, "joint stock company");

  auto d = Normalizer().Normalize("Дмитрий Медведев", NameKind::kPerson);
  EXPECT_EQ(Keys(d.tokens), "dmitriy medvedev") << Describe(d);
  EXPECT_TRUE(HasVariant(d, "dmitry medvedev")) << Describe(d);
  auto p =
      Normalizer().Normalize("Путин Владимир Владимирович", NameKind::kPerson);
  EXPECT_EQ(Keys(p.tokens), "putin vladimir vladimirovich");
}

TEST(NameNormalizer, HanEntity) {
  auto n = Normalizer().Normalize("北京智谱华章科技有限公司");
  EXPECT_EQ(n.script, "Hani");
  EXPECT_EQ(Keys(n.tokens), "beijing zhipuhuazhang technology youxiangongsi")
      << Describe(n);
  EXPECT_EQ(n.tokens.back().role, TokenRole::kLegalForm);
  EXPECT_EQ(n.tokens.back().legal_form, "chinese company limited");
  EXPECT_EQ(n.tokens.back().surface, "有限公司");
  EXPECT_EQ(n.tokens[1].surface, "智谱华章");
  EXPECT_EQ(n.CompactKey(), "beijingzhipuhuazhangtechnology");
  EXPECT_TRUE(
      HasVariant(n, "beijing zhi pu hua zhang technology youxiangongsi"))
      << Describe(n);
  EXPECT_TRUE(HasVariant(n, "beijing zhipuhuazhang keji youxiangongsi"))
      << Describe(n);

  // Same company written in pinyin with a pinyin legal form.
  auto py =
      Normalizer().Normalize("Beijing Zhipu Huazhang Keji Youxian Gongsi");
  EXPECT_EQ(py.tokens[4].role, TokenRole::kLegalForm) << Describe(py);
}

TEST(NameNormalizer, HanPerson) {
  auto n = Normalizer().Normalize("习近平");
  EXPECT_EQ(Keys(n.tokens), "xi jinping") << Describe(n);
  EXPECT_TRUE(HasVariant(n, "xi jin ping"));
  auto k = Normalizer().Normalize("金正恩", NameKind::kPerson);
  EXPECT_TRUE(HasVariant(k, "kim jong un")) << Describe(k);
  auto j = Normalizer().Normalize("山田太郎", NameKind::kPerson);
  EXPECT_TRUE(HasVariant(j, "yamada taro")) << Describe(j);
}

TEST(NameNormalizer, Hangul) {
  auto n = Normalizer().Normalize("김정은", NameKind::kPerson);
  EXPECT_EQ(n.script, "Hang");
  EXPECT_TRUE(HasVariant(n, "kim jong un")) << Describe(n);
  EXPECT_TRUE(HasVariant(n, "kim jongun")) << Describe(n);
  auto u = Normalizer().Normalize("김정은");
  EXPECT_TRUE(HasVariant(u, "kim jong un")) << Describe(u);
}

TEST(NameNormalizer, Arabic) {
  auto n = Normalizer().Normalize("محمد علي", NameKind::kPerson);
  EXPECT_EQ(Keys(n.tokens), "mohammed ali") << Describe(n);
  EXPECT_TRUE(HasVariant(n, "muhammad ali"));
  auto a = Normalizer().Normalize("عبد الله الأسد", NameKind::kPerson);
  EXPECT_EQ(Keys(a.tokens), "abdullah al assad") << Describe(a);
  auto h = Normalizer().Normalize("حسن نصرالله");
  EXPECT_EQ(Keys(h.tokens), "hassan nasrallah") << Describe(h);
  // Harakat do not prevent the lookup.
  auto d = Normalizer().Normalize("مُحَمَّد");
  EXPECT_EQ(Keys(d.tokens), "mohammed") << Describe(d);
  // Unknown words still give Latin.
  auto x = Normalizer().Normalize("بتروكيماويات");
  ASSERT_EQ(x.tokens.size(), 1u);
  EXPECT_FALSE(x.tokens[0].key.empty());
}

TEST(NameNormalizer, GreekHebrewThaiKanaGiveLatin) {
  for (const char* s :
       {"Αλέξης Τσίπρας", "בנימין נתניהו", "ทักษิณ ชินวัตร", "ヤマダ タロウ"}) {
    auto n = Normalizer().Normalize(s, NameKind::kPerson);
    ASSERT_FALSE(n.tokens.empty()) << s;
    for (const auto& t : n.tokens) {
      EXPECT_FALSE(t.key.empty()) << s;
      for (char c : t.key)
        EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << s;
    }
  }
  EXPECT_EQ(Keys(Normalizer().Normalize("Αλέξης Τσίπρας").tokens),
            "alexes tsipras");
  EXPECT_EQ(Keys(Normalizer().Normalize("ヤマダ タロウ").tokens),
            "yamada tarou");
}

TEST(NameNormalizer, Abbreviations) {
  auto n = Normalizer().Normalize("Acme Intl Tech Svcs Grp");
  EXPECT_EQ(Keys(n.tokens), "acme international technology services group");
  EXPECT_EQ(n.tokens[1].surface, "Intl");
  auto apos = Normalizer().Normalize("Int'l Mfg & Eng Co");
  EXPECT_EQ(Keys(apos.tokens), "international manufacturing and engineering co")
      << Describe(apos);
  EXPECT_EQ(apos.tokens.back().role, TokenRole::kLegalForm);
  NormalizerOptions options;
  options.expand_abbreviations = false;
  auto raw = NameNormalizer::Create(options);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(Keys((*raw)->Normalize("Acme Intl").tokens), "acme intl");
}

TEST(NameNormalizer, RolesNumbersInitials) {
  auto n = Normalizer().Normalize("John F. Kennedy 1963", NameKind::kPerson);
  ASSERT_EQ(n.tokens.size(), 4u);
  EXPECT_EQ(n.tokens[1].role, TokenRole::kInitial);
  EXPECT_EQ(n.tokens[3].role, TokenRole::kNumber);
  auto corp = Normalizer().Normalize("11420 CORP.");
  EXPECT_EQ(corp.tokens[0].role, TokenRole::kNumber);
  EXPECT_EQ(corp.tokens[1].role, TokenRole::kLegalForm);
}

TEST(NameNormalizer, BadInput) {
  const NameNormalizer& n = Normalizer();
  EXPECT_TRUE(n.Normalize("").tokens.empty());
  EXPECT_TRUE(n.Normalize("  ,.;--!!  ").tokens.empty());
  EXPECT_TRUE(n.Normalize("\xff\xfe\xc3").tokens.empty());
  auto ctrl = n.Normalize("Ivan\x01\x02Petrov\u200f\u200d");
  EXPECT_EQ(Keys(ctrl.tokens), "ivan petrov");
  auto zw = n.Normalize("Zhi\u200bpu");
  EXPECT_EQ(Keys(zw.tokens), "zhipu");
  auto bad = n.Normalize("Ab\xc3(cd \xe2\x82 Ef");
  EXPECT_FALSE(bad.tokens.empty());
  std::string huge;
  for (int i = 0; i < 2000; ++i) huge += "北京a Б ";
  auto big = n.Normalize(huge);
  EXPECT_LE(big.original.size(), kMaxNameBytes);
  EXPECT_LE(big.variants.size(), kMaxVariants);
  std::string mixed =
      "Sberbank Сбербанк 北京 محمد 김 ΑΒΓ 123 🙂 \t\n";
  auto m = n.Normalize(mixed);
  EXPECT_GE(m.tokens.size(), 6u) << Describe(m);
}

TEST(NameNormalizer, ThreadSafe) {
  const std::vector<std::string> names = {"北京智谱华章科技有限公司",
                                          "PUTIN, Vladimir",
                                          "ООО Ромашка",
                                          "محمد علي",
                                          "김정은",
                                          "Nguyễn Tấn Dũng",
                                          "山田太郎",
                                          "Αλέξης Τσίπρας"};
  std::vector<std::string> expected;
  for (const auto& s : names)
    expected.push_back(Describe(Normalizer().Normalize(s)));
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        for (size_t i = 0; i < names.size(); ++i) {
          if (Describe(Normalizer().Normalize(names[i])) != expected[i])
            ++failures[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

TEST(PhoneticKey, SharedKeys) {
  EXPECT_EQ(PhoneticKey("mohammed"), PhoneticKey("muhammad"));
  EXPECT_EQ(PhoneticKey("mohammed"), PhoneticKey("mohamed"));
  EXPECT_EQ(PhoneticKey("mohammed"), PhoneticKey("muhamad"));
  EXPECT_EQ(PhoneticKey("vladimir"), PhoneticKey("wladimir"));
  EXPECT_EQ(PhoneticKey("khaled"), PhoneticKey("khalid"));
  EXPECT_EQ(PhoneticKey("osama"), PhoneticKey("usama"));
  EXPECT_EQ(PhoneticKey("philip"), PhoneticKey("filip"));
  EXPECT_EQ(PhoneticKey("abdullah"), PhoneticKey("abdallah"));
  EXPECT_NE(PhoneticKey("putin"), PhoneticKey("bush"));
  EXPECT_NE(PhoneticKey("george"), PhoneticKey("habbash"));
  EXPECT_EQ(PhoneticKey(""), "");
  EXPECT_EQ(PhoneticKey("1963"), "1963");
}

// Splits one CSV record (RFC 4180 quoting; GLEIF rows have no embedded
// newlines).
std::vector<std::string> CsvFields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

// Share of the active GLEIF ELF abbreviations of the jurisdictions that matter
// most to us that the shipped legal-form table recognises (the whole
// abbreviation tagged kLegalForm when given alone as an entity name).
TEST(LegalForms, GleifCoverage) {
  const std::string path =
      testing::SharedDataFile("reference/gleif_elf_codes_1.4.1.csv");
  if (path.empty()) GTEST_SKIP() << "gleif_elf_codes_1.4.1.csv absent";
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  const std::vector<std::string> header = CsvFields(line);
  auto column = [&](const std::string& name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) -
                               header.begin());
  };
  const size_t country = column("Country Code (ISO 3166-1)");
  const size_t local = column("Abbreviations Local language");
  const size_t translit = column("Abbreviations transliterated");
  const size_t status = column("ELF Status ACTV/INAC");
  ASSERT_LT(std::max({country, local, translit, status}), header.size());
  const std::set<std::string> kKey = {"CN", "HK", "SG", "RU", "DE", "GB", "US",
                                      "FR", "IT", "ES", "NL", "JP", "KR", "AE",
                                      "TR", "IN", "VN", "MY", "ID"};
  std::map<std::string, std::set<std::string>> abbreviations;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = CsvFields(line);
    if (f.size() < header.size() || f[status] != "ACTV") continue;
    if (!kKey.contains(f[country])) continue;
    for (size_t col : {local, translit}) {
      std::stringstream parts(f[col]);
      std::string part;
      while (std::getline(parts, part, ';')) {
        while (!part.empty() && part.front() == ' ') part.erase(0, 1);
        while (!part.empty() && part.back() == ' ') part.pop_back();
        if (!part.empty()) abbreviations[f[country]].insert(part);
      }
    }
  }
  size_t total = 0;
  size_t found = 0;
  std::string misses;
  for (const auto& [cc, set] : abbreviations) {
    size_t cc_found = 0;
    for (const std::string& a : set) {
      const NormalizedName n = Normalizer().Normalize(a, NameKind::kEntity);
      const bool ok =
          !n.tokens.empty() &&
          std::all_of(n.tokens.begin(), n.tokens.end(), [](const NameToken& t) {
            return t.role == TokenRole::kLegalForm;
          });
      if (ok) {
        ++cc_found;
      } else {
        misses += "  " + cc + " '" + a + "' -> " + Describe(n) + "\n";
      }
    }
    std::printf("%s: %zu/%zu\n", cc.c_str(), cc_found, set.size());
    total += set.size();
    found += cc_found;
  }
  const double share = total == 0 ? 0.0 : static_cast<double>(found) / total;
  std::printf(
      "GLEIF key-jurisdiction abbreviations recognised: %zu/%zu (%.1f%%)\n"
      "misses:\n%s",
      found, total, 100.0 * share, misses.c_str());
  ASSERT_GT(total, 100u);
  EXPECT_GE(share, 0.90);
}

TEST(NameNormalizer, HebrewNamesReadWithVowels) {
  auto n = Normalizer().Normalize("משה כהן", NameKind::kPerson);
  EXPECT_EQ(Keys(n.tokens), "moshe cohen") << Describe(n);
  EXPECT_EQ(Keys(Normalizer().Normalize("דוד").tokens), "david");
}

TEST(NameNormalizer, ThaiNamesTableAndRtgsFold) {
  EXPECT_EQ(Keys(Normalizer().Normalize("สมชาย").tokens), "somchai");
  // Not in the table: ICU's "smchay"-style output folded towards RTGS.
  auto n = Normalizer().Normalize("สมชัย");
  EXPECT_FALSE(n.tokens.empty());
}

TEST(NameNormalizer, GivenNameGroupsShared) {
  auto greek = Normalizer().Normalize("Αλέξανδρος", NameKind::kPerson);
  auto latin = Normalizer().Normalize("Alexander", NameKind::kPerson);
  ASSERT_EQ(greek.tokens.size(), 1u);
  ASSERT_EQ(latin.tokens.size(), 1u);
  EXPECT_EQ(greek.tokens[0].key, "alexandros");
  EXPECT_NE(greek.tokens[0].equivalence, 0);
  EXPECT_EQ(greek.tokens[0].equivalence, latin.tokens[0].equivalence);
  auto other = Normalizer().Normalize("Peter", NameKind::kPerson);
  EXPECT_NE(other.tokens[0].equivalence, latin.tokens[0].equivalence);
}

TEST(NameNormalizer, LegalFormFamiliesAndPlaces) {
  auto ooo = Normalizer().Normalize("Tekhnoprom OOO", NameKind::kEntity);
  auto llc = Normalizer().Normalize("Tekhnoprom LLC", NameKind::kEntity);
  auto jsc = Normalizer().Normalize("Tekhnoprom JSC", NameKind::kEntity);
  ASSERT_EQ(ooo.tokens.back().role, TokenRole::kLegalForm) << Describe(ooo);
  EXPECT_NE(ooo.tokens.back().equivalence, 0);
  EXPECT_EQ(ooo.tokens.back().equivalence, llc.tokens.back().equivalence);
  EXPECT_NE(jsc.tokens.back().equivalence, llc.tokens.back().equivalence);
  auto beijing = Normalizer().Normalize("Beijing Zhipu", NameKind::kEntity);
  EXPECT_TRUE(beijing.tokens[0].place);
  EXPECT_FALSE(beijing.tokens[1].place);
}

}  // namespace
}  // namespace clearance::text
