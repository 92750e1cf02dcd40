// Internal: the OFAC SDN ADVANCED_XML reader behind
// ParseOfacAdvancedXml() (parsers.h), exposed with its element counts so
// that tests can check what was read against what the file holds.
//
// The file is streamed once through XmlReader (expat); memory grows with
// the parties kept, never with the file. Sections are expected in the
// schema's order: ReferenceValueSets, Locations, IDRegDocuments,
// DistinctParties, ProfileRelationships, SanctionsEntries. Any reference
// that resolves to nothing (a reference-value ID, a LocationID, a
// ProfileID, an IdentityID, a NamePartGroupID) is an error naming the file,
// the line and the element; so are a DistinctParty without FixedRef, a
// party without a primary name, and malformed or truncated XML. On error
// nothing is returned.
//
// Thread safety: reentrant; calls share no state.
#ifndef CLEARANCE_ENGINE_LISTS_OFAC_ADVANCED_XML_H_
#define CLEARANCE_ENGINE_LISTS_OFAC_ADVANCED_XML_H_

#include <map>
#include <string>
#include <vector>

#include "engine/common/error.h"
#include "engine/lists/lists.h"
#include "engine/lists/model.h"

namespace clearance::lists::internal {

// What the file held, counted while reading it.
struct OfacAdvancedStats {
  long distinct_parties = 0;   // <DistinctParty>
  long aliases = 0;            // <Alias>
  long documented_names = 0;   // <DocumentedName>: one Name each
  long locations = 0;          // <Location> in the Locations section
  long id_documents = 0;       // <IDRegDocument>
  long relationships = 0;      // <ProfileRelationship>
  long sanctions_entries = 0;  // <SanctionsEntry>
  // <NamePartValue> elements per ISO 15924 script of their ScriptID
  // ("Latn", "Hani", "Cyrl", "Arab", ...).
  std::map<std::string, long> name_parts_by_script;
};

// Reads the ADVANCED_XML file at `path` (.bz2/.gz/.zip allowed) into one
// ListDocument with code "OFAC-SDN". Non-fatal oddities are appended to
// `warnings` (may be null); counts go to `stats` (may be null) and are only
// meaningful when the call succeeds.
Result<ListDocument> ReadOfacAdvancedXml(const std::string& path,
                                         const ParseOptions& options,
                                         std::vector<std::string>* warnings,
                                         OfacAdvancedStats* stats);

}  // namespace clearance::lists::internal

#endif  // CLEARANCE_ENGINE_LISTS_OFAC_ADVANCED_XML_H_
