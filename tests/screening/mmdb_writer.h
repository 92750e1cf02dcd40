// Test helper: writes MaxMind DB files (MaxMind DB File Format Spec 2.0), so
// tests can read real .mmdb files with the real libmaxminddb without
// shipping a commercial or licensed database.
//
//   MmdbWriter writer({.ip_version = 6, .record_size = 28});
//   writer.Insert("198.51.100.0/24", MmdbCity("UA", "40", "Sevastopol"));
//   testing::WriteFile(path, writer.Build());
//
// What it writes: a binary search tree of `record_size` (24, 28 or 32) bit
// records, the 16-byte data section separator, a data section of maps,
// arrays, UTF-8 strings and unsigned integers (each distinct value once, no
// pointers), then "\xAB\xCD\xEFMaxMind.com" and the metadata map
// (node_count, record_size, ip_version, database_type, languages,
// binary_format_major_version 2, minor 0, build_epoch, description). In an
// IPv6 tree IPv4 networks live at ::a.b.c.d/(96+len), where libmaxminddb
// looks for them; no ::ffff:0:0/96 or 2002::/16 aliases are written.
//
// Insert less specific networks before more specific ones inside them (a
// later, shorter prefix replaces everything below it). Header-only so that
// every test binary can use it without a build change.
#ifndef CLEARANCE_TESTS_SCREENING_MMDB_WRITER_H_
#define CLEARANCE_TESTS_SCREENING_MMDB_WRITER_H_

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace clearance::testing {

// A value of the MMDB data section.
struct MmdbValue {
  enum class Type { kString, kUint16, kUint32, kUint64, kMap, kArray };
  Type type = Type::kString;
  std::string text;
  std::uint64_t number = 0;
  std::vector<std::pair<std::string, MmdbValue>> map;  // in file order
  std::vector<MmdbValue> array;

  static MmdbValue String(std::string s) {
    MmdbValue v;
    v.text = std::move(s);
    return v;
  }
  static MmdbValue Uint(Type type, std::uint64_t n) {
    MmdbValue v;
    v.type = type;
    v.number = n;
    return v;
  }
  static MmdbValue Map(std::vector<std::pair<std::string, MmdbValue>> items) {
    MmdbValue v;
    v.type = Type::kMap;
    v.map = std::move(items);
    return v;
  }
  static MmdbValue Array(std::vector<MmdbValue> items) {
    MmdbValue v;
    v.type = Type::kArray;
    v.array = std::move(items);
    return v;
  }

  // Appends the encoding (spec "Output Data Section") to `out`.
  void Encode(std::string* out) const {
    switch (type) {
      case Type::kString:
        Control(2, text.size(), out);
        out->append(text);
        break;
      case Type::kUint16:
      case Type::kUint32:
      case Type::kUint64: {
        std::string bytes;  // big-endian, no leading zero bytes
        for (std::uint64_t n = number; n != 0; n >>= 8)
          bytes.insert(bytes.begin(), static_cast<char>(n & 0xff));
        Control(type == Type::kUint16   ? 5
                : type == Type::kUint32 ? 6
                                        : 9,
                bytes.size(), out);
        out->append(bytes);
        break;
      }
      case Type::kMap:
        Control(7, map.size(), out);
        for (const auto& [key, value] : map) {
          String(key).Encode(out);
          value.Encode(out);
        }
        break;
      case Type::kArray:
        Control(11, array.size(), out);
        for (const MmdbValue& item : array) item.Encode(out);
        break;
    }
  }

 private:
  // Control byte: 3 type bits (0 = extended: type - 7 in the next byte),
  // 5 size bits (29/30/31 = size in the next 1/2/3 bytes, offset by 29,
  // 285, 65821).
  static void Control(int type_number, std::size_t size, std::string* out) {
    std::uint8_t control = type_number <= 7 ? type_number << 5 : 0;
    std::string size_bytes;
    if (size < 29) {
      control |= size;
    } else if (size < 285) {
      control |= 29;
      size_bytes.push_back(static_cast<char>(size - 29));
    } else if (size < 65821) {
      control |= 30;
      size -= 285;
      size_bytes = {static_cast<char>(size >> 8), static_cast<char>(size)};
    } else {
      control |= 31;
      size -= 65821;
      size_bytes = {static_cast<char>(size >> 16), static_cast<char>(size >> 8),
                    static_cast<char>(size)};
    }
    out->push_back(static_cast<char>(control));
    if (type_number > 7) out->push_back(static_cast<char>(type_number - 7));
    out->append(size_bytes);
  }
};

// A GeoIP2-City style record: country.iso_code, subdivisions[0].iso_code
// (when `subdivision` is not empty) and city.names.en (when `city` is not).
inline MmdbValue MmdbCity(const std::string& country,
                          const std::string& subdivision,
                          const std::string& city) {
  std::vector<std::pair<std::string, MmdbValue>> items;
  if (!city.empty()) {
    items.emplace_back(
        "city",
        MmdbValue::Map(
            {{"names", MmdbValue::Map({{"en", MmdbValue::String(city)}})}}));
  }
  items.emplace_back(
      "country", MmdbValue::Map({{"iso_code", MmdbValue::String(country)}}));
  if (!subdivision.empty()) {
    items.emplace_back("subdivisions",
                       MmdbValue::Array({MmdbValue::Map(
                           {{"iso_code", MmdbValue::String(subdivision)}})}));
  }
  return MmdbValue::Map(std::move(items));
}

class MmdbWriter {
 public:
  struct Options {
    int ip_version = 6;    // 4 or 6
    int record_size = 28;  // 24, 28 or 32
    std::string database_type = "Clearance-Test-City";
    std::vector<std::string> languages = {"en"};
    std::map<std::string, std::string> description = {
        {"en", "Synthetic City database written by tests"}};
    std::uint64_t build_epoch = 1767225600;  // 2026-01-01T00:00:00Z
  };

  explicit MmdbWriter(Options options) : options_(std::move(options)) {
    nodes_.push_back({});  // the root
  }

  // `network` is "a.b.c.d/len" or "v6::/len" (an IPv4 network in an IPv6
  // tree goes under ::/96). False for a malformed network, an IPv6 network
  // in an IPv4 tree, or a zero-length prefix (the root must be a node).
  bool Insert(const std::string& network, const MmdbValue& data) {
    const std::size_t slash = network.find('/');
    if (slash == std::string::npos) return false;
    const std::string address = network.substr(0, slash);
    const std::string prefix = network.substr(slash + 1);
    int length = 0;
    const auto [end, ec] =
        std::from_chars(prefix.data(), prefix.data() + prefix.size(), length);
    if (ec != std::errc() || end != prefix.data() + prefix.size()) return false;
    std::array<std::uint8_t, 16> bits{};
    if (inet_pton(AF_INET, address.c_str(), bits.data()) == 1) {
      if (length < 1 || length > 32) return false;
      if (options_.ip_version == 6) {
        std::memmove(bits.data() + 12, bits.data(), 4);
        std::memset(bits.data(), 0, 12);
        length += 96;
      }
    } else if (options_.ip_version == 6 &&
               inet_pton(AF_INET6, address.c_str(), bits.data()) == 1) {
      if (length < 1 || length > 128) return false;
    } else {
      return false;
    }

    std::string encoded;
    data.Encode(&encoded);
    std::size_t data_index = data_.size();
    for (std::size_t i = 0; i < data_.size(); ++i) {
      if (data_[i] == encoded) data_index = i;
    }
    if (data_index == data_.size()) data_.push_back(encoded);
    const Record leaf{Record::Kind::kData, data_index};

    std::size_t node = 0;
    for (int i = 0; i < length; ++i) {
      const int bit = (bits[i / 8] >> (7 - i % 8)) & 1;
      if (i == length - 1) {
        nodes_[node][bit] = leaf;
        break;
      }
      const Record next = nodes_[node][bit];
      if (next.kind == Record::Kind::kNode) {
        node = next.index;
        continue;
      }
      // Empty, or a less specific network: split it into a node whose two
      // halves keep what was there.
      nodes_.push_back({next, next});
      nodes_[node][bit] = {Record::Kind::kNode, nodes_.size() - 1};
      node = nodes_.size() - 1;
    }
    return true;
  }

  // The whole file; "" when a record value does not fit in record_size bits
  // (a data section past 2^24 bytes needs 28 or 32 bit records).
  std::string Build() const {
    const std::uint64_t node_count = nodes_.size();
    std::vector<std::uint64_t> data_offset;
    std::string data_section;
    for (const std::string& d : data_) {
      data_offset.push_back(data_section.size());
      data_section.append(d);
    }
    auto value = [&](const Record& r) -> std::uint64_t {
      switch (r.kind) {
        case Record::Kind::kEmpty:
          return node_count;
        case Record::Kind::kNode:
          return r.index;
        case Record::Kind::kData:
          return node_count + 16 + data_offset[r.index];
      }
      return node_count;
    };
    std::string out;
    for (const auto& node : nodes_) {
      const std::uint64_t left = value(node[0]), right = value(node[1]);
      if (std::max(left, right) >> options_.record_size != 0) return "";
      auto put = [&out](std::uint64_t v, int bytes) {
        for (int b = bytes - 1; b >= 0; --b)
          out.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
      };
      if (options_.record_size == 24) {
        put(left, 3);
        put(right, 3);
      } else if (options_.record_size == 28) {
        // The middle byte holds the top nibbles: left's high, right's low.
        put(left & 0xffffff, 3);
        out.push_back(
            static_cast<char>(((left >> 20) & 0xf0) | ((right >> 24) & 0x0f)));
        put(right & 0xffffff, 3);
      } else {
        put(left, 4);
        put(right, 4);
      }
    }
    out.append(16, '\0');
    out.append(data_section);
    out.append("\xAB\xCD\xEFMaxMind.com");
    std::vector<std::pair<std::string, MmdbValue>> description;
    for (const auto& [language, text] : options_.description)
      description.emplace_back(language, MmdbValue::String(text));
    std::vector<MmdbValue> languages;
    for (const std::string& l : options_.languages)
      languages.push_back(MmdbValue::String(l));
    using T = MmdbValue::Type;
    MmdbValue::Map(
        {{"binary_format_major_version", MmdbValue::Uint(T::kUint16, 2)},
         {"binary_format_minor_version", MmdbValue::Uint(T::kUint16, 0)},
         {"build_epoch", MmdbValue::Uint(T::kUint64, options_.build_epoch)},
         {"database_type", MmdbValue::String(options_.database_type)},
         {"description", MmdbValue::Map(std::move(description))},
         {"ip_version", MmdbValue::Uint(T::kUint16, options_.ip_version)},
         {"languages", MmdbValue::Array(std::move(languages))},
         {"node_count", MmdbValue::Uint(T::kUint32, node_count)},
         {"record_size", MmdbValue::Uint(T::kUint16, options_.record_size)}})
        .Encode(&out);
    return out;
  }

  std::size_t node_count() const { return nodes_.size(); }

 private:
  struct Record {
    enum class Kind { kEmpty, kNode, kData };
    Kind kind = Kind::kEmpty;
    std::size_t index = 0;  // node index or data index
  };
  Options options_;
  std::vector<std::array<Record, 2>> nodes_;
  std::vector<std::string> data_;  // encoded, distinct
};

}  // namespace clearance::testing

#endif  // CLEARANCE_TESTS_SCREENING_MMDB_WRITER_H_
