#include "engine/attest/landmarks.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "engine/common/embedded.h"

namespace clearance {
const std::vector<EmbeddedFile>& AttestLandmarks();
}

namespace clearance::attest {

Result<std::vector<Landmark>> ParseLandmarks(std::string_view json,
                                             std::string_view source) {
  const std::string where(source);
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("landmarks") ||
      !doc["landmarks"].is_array()) {
    return Fail(ErrorCode::kParse,
                where + ": expected a JSON object with a \"landmarks\" array");
  }
  std::vector<Landmark> out;
  std::set<std::string> ids;
  size_t index = 0;
  for (const auto& entry : doc["landmarks"]) {
    const std::string at = where + " landmark #" + std::to_string(index++);
    if (!entry.is_object() || !entry.contains("id") ||
        !entry["id"].is_string() || !entry.contains("lat") ||
        !entry["lat"].is_number() || !entry.contains("lon") ||
        !entry["lon"].is_number()) {
      return Fail(
          ErrorCode::kParse,
          at + ": needs \"id\" (string), \"lat\" and \"lon\" (numbers)");
    }
    Landmark l;
    l.id = entry["id"].get<std::string>();
    l.city = entry.value("city", "");
    l.country = entry.value("country", "");
    l.position = {entry["lat"].get<double>(), entry["lon"].get<double>()};
    if (l.position.lat < -90 || l.position.lat > 90 || l.position.lon < -180 ||
        l.position.lon > 180) {
      return Fail(ErrorCode::kParse,
                  at + " (" + l.id + "): coordinates out of range");
    }
    if (!ids.insert(l.id).second) {
      return Fail(ErrorCode::kParse, at + ": duplicate id \"" + l.id + "\"");
    }
    out.push_back(std::move(l));
  }
  return out;
}

Result<std::vector<Landmark>> LoadLandmarks(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return Fail(ErrorCode::kNotFound, path + ": no such landmark file");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return Fail(ErrorCode::kIo, path + ": cannot read");
  }
  return ParseLandmarks(text.str(), path);
}

const std::vector<Landmark>& DefaultLandmarks() {
  static const std::vector<Landmark>* landmarks = [] {
    for (const auto& file : AttestLandmarks()) {
      auto parsed = ParseLandmarks(file.content, file.name);
      if (!parsed) {
        std::fprintf(stderr, "embedded %s: %s\n",
                     std::string(file.name).c_str(),
                     parsed.error().ToString().c_str());
        std::abort();
      }
      return new std::vector<Landmark>(std::move(*parsed));
    }
    std::abort();  // the build embeds exactly one file
  }();
  return *landmarks;
}

const Landmark* FindLandmark(std::span<const Landmark> landmarks,
                             std::string_view id) {
  for (const auto& l : landmarks) {
    if (l.id == id) return &l;
  }
  return nullptr;
}

}  // namespace clearance::attest
