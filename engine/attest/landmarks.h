// Location landmarks: measurement points under the operator's control at
// known coordinates, which time signed challenges to a GPU host (see
// location.h). The default set is data/attest/landmarks.json, compiled into
// the binary; each entry names a real metro with public city-centre
// coordinates (the file states its sources).
//
// Thread safety: the functions are thread-safe; DefaultLandmarks() parses
// once and returns a reference valid for the life of the program.
#ifndef CLEARANCE_ENGINE_ATTEST_LANDMARKS_H_
#define CLEARANCE_ENGINE_ATTEST_LANDMARKS_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/attest/country_boundaries.h"
#include "engine/common/error.h"

namespace clearance::attest {

struct Landmark {
  std::string id;       // stable, e.g. "sg-sin"
  std::string city;     // "Singapore"
  std::string country;  // ISO alpha-2 of the site, "SG"
  GeoPoint position;    // WGS84 degrees
};

// Parses {"landmarks": [{"id", "city", "country", "lat", "lon"}, ...]}.
// Errors: kParse naming `source` and the entry (bad JSON, missing field,
// latitude outside [-90, 90], longitude outside [-180, 180], duplicate id).
Result<std::vector<Landmark>> ParseLandmarks(std::string_view json,
                                             std::string_view source);

// Reads and parses a landmark file. Errors: kNotFound, kIo, kParse.
Result<std::vector<Landmark>> LoadLandmarks(const std::string& path);

// The embedded data/attest/landmarks.json. Aborts if it does not parse (a
// build defect; the file is tested).
const std::vector<Landmark>& DefaultLandmarks();

// The landmark with `id`, or nullptr.
const Landmark* FindLandmark(std::span<const Landmark> landmarks,
                             std::string_view id);

}  // namespace clearance::attest

#endif  // CLEARANCE_ENGINE_ATTEST_LANDMARKS_H_
