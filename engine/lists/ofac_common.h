// Internal: what OFAC's legacy CSV sets (SDN and non-SDN consolidated) and
// its ENHANCED_XML have in common: the vocabulary of identifier and feature
// labels ("Passport", "Tax ID No.", "Digital Currency Address - XBT", ...),
// OFAC's date spelling ("01 Jan 1962", "circa 1962", "1960 to 1962"), the
// legacy "Remarks" field (a semicolon-separated list of facts), and the one
// legacy CSV set reader that both legacy formats share.
//
// The SDN advanced XML parser (ofac_advanced_xml.cc) keeps its own mapping.
//
// Thread safety: all functions are reentrant; the compiled patterns they use
// are immutable after first use.
#ifndef CLEARANCE_ENGINE_LISTS_OFAC_COMMON_H_
#define CLEARANCE_ENGINE_LISTS_OFAC_COMMON_H_

#include <string>
#include <string_view>

#include "engine/common/error.h"
#include "engine/lists/lists.h"
#include "engine/lists/model.h"
#include "engine/lists/parsers.h"

namespace clearance::lists::internal {

// OFAC's date forms as ISO 8601 text: "01 Jan 1962" -> "1962-01-01",
// "Jan 1962" -> "1962-01", "1962" -> "1962", "circa 1962" -> "1962",
// "1960 to 1962" and "circa 1960-1962" -> "1960/1962", "2010-05-03" stays.
// Returns "" when `text` is not one of these forms.
std::string NormalizeOfacDate(std::string_view text);

// Maps a country name as OFAC writes it to ISO alpha-2; "" when unmapped.
std::string OfacCountryCode(std::string_view name);

// What an OFAC label (legacy remark prefix, ENHANCED_XML feature type or
// identity document type) denotes.
struct OfacLabel {
  enum class Kind {
    kIdentifier,     // `type` is the canonical Identifier::type
    kCryptoAddress,  // "Digital Currency Address - XBT"; `currency` set
    kDateOfBirth,
    kPlaceOfBirth,
    kNationality,
    kCitizenship,
    kAttribute,  // `type` is the attribute key, e.g. "gender"
  };
  Kind kind = Kind::kAttribute;
  std::string type;
  std::string currency;
};

// Classifies `label` (case-sensitive, trailing ":" / " -" ignored). Labels
// not in OFAC's identifier vocabulary are attributes keyed by the label in
// snake_case ("Organization Established Date" ->
// "organization_established_date").
OfacLabel ClassifyOfacLabel(std::string_view label);

// Extracts the facts of a legacy Remarks text into `party`: dates and places
// of birth, nationalities and citizenships (ISO codes; unmapped names kept
// as "nationality"/"citizenship" attributes), identifiers with issuing
// country and dates, digital currency addresses, "Linked To:" relationships
// (other_name only; see ResolveLinkedNames), weak a.k.a./f.k.a. names in
// single quotes, and other labelled facts as attributes. `party.type` must
// be set (it decides name parts). Does not touch `party.remarks`.
void ApplyOfacRemarks(std::string_view remarks, Party& party);

// Sets Relationship::other_source_id for relationships whose other_name is
// the primary name of exactly one party of `document`; a name that matches
// only with a trailing "." (OFAC's sentence stop merged with "S.A.") is
// corrected to the listed spelling.
void ResolveLinkedNames(ListDocument& document);

// The files of one legacy CSV set and the list they make.
struct OfacLegacyLayout {
  std::string_view main_file;      // "sdn.csv" / "cons_prim.csv"
  std::string_view address_file;   // "add.csv" / "cons_add.csv"
  std::string_view alias_file;     // "alt.csv" / "cons_alt.csv"
  std::string_view comments_file;  // "sdn_comments.csv" / "cons_comments.csv"
  std::string_view list_code;
  std::string_view list_name;
};

// Reads one legacy CSV set (main file first, the others optional, matched by
// file name) into one ListDocument appended to `out.lists`. Malformed rows
// (field count, non-numeric or duplicate ids, rows of the member files for
// an id the main file lacks) fail with kParse naming the file and line.
Result<void> ParseOfacLegacySet(const Paths& paths, const ParseOptions& options,
                                const OfacLegacyLayout& layout,
                                ParsedSource& out);

}  // namespace clearance::lists::internal

#endif  // CLEARANCE_ENGINE_LISTS_OFAC_COMMON_H_
