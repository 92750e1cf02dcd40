// Internal: the fact model (docs/rules.md § 3) and the flat value table a
// fact set is converted into, once per request, so that evaluation reads
// facts by pre-resolved slot and never touches JSON.
#ifndef CLEARANCE_ENGINE_RULES_FACT_MODEL_H_
#define CLEARANCE_ENGINE_RULES_FACT_MODEL_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/rules/rules.h"

namespace clearance::rules::internal {

enum class Type : std::uint8_t {
  kNull,
  kBool,
  kNumber,
  kString,
  kDate,
  kList,
  kRecord,
  kMap,
  kGroup,
  kAny,  // static type not known at load time (config values)
};
std::string_view TypeName(Type type);

struct ListValue;
struct RecordValue;
struct MapValue;

// A value seen by expressions. Strings, lists, records and maps point into
// storage owned by a Facts, the RuleSet (constants) or the evaluation's
// scratch space; a Value never owns.
struct Value {
  Type type = Type::kNull;
  bool boolean = false;
  // For strings of `region` facts: bit i set when the text names
  // reference::SanctionedRegions()[i] (any date); -1 = not resolved.
  std::int32_t regions = -1;
  union {
    double number = 0;  // kNumber; kDate as days; kGroup as group index
    const void* ptr;    // kList / kRecord / kMap: ListValue / ...
  };
  std::string_view text;  // kString

  static Value Bool(bool b) {
    Value v;
    v.type = Type::kBool;
    v.boolean = b;
    return v;
  }
  static Value Number(double n) {
    Value v;
    v.type = Type::kNumber;
    v.number = n;
    return v;
  }
  static Value String(std::string_view s) {
    Value v;
    v.type = Type::kString;
    v.text = s;
    return v;
  }
  static Value DateValue(Date d) {
    Value v;
    v.type = Type::kDate;
    v.number = d;
    return v;
  }
  bool is_null() const { return type == Type::kNull; }
  const ListValue& list() const { return *static_cast<const ListValue*>(ptr); }
  const RecordValue& record() const {
    return *static_cast<const RecordValue*>(ptr);
  }
  const MapValue& map() const { return *static_cast<const MapValue*>(ptr); }
};

struct ListValue {
  std::vector<Value> items;
};
struct RecordValue {
  std::vector<Value> fields;  // by FieldSpec index
};
struct MapValue {
  std::vector<std::pair<std::string_view, Value>> entries;
};

// Owns the bytes Values point to. Addresses stay stable (deques).
struct ValueStore {
  std::deque<std::string> strings;
  std::deque<ListValue> lists;
  std::deque<RecordValue> records;
  std::deque<MapValue> maps;
  std::string_view Keep(std::string s) {
    strings.push_back(std::move(s));
    return strings.back();
  }
};

// A field of the fact model.
struct FieldSpec {
  std::string name;
  Type type = Type::kNull;     // kString, kNumber, kBool, kDate, kList, kMap,
                               // kRecord (a top-level object)
  Type element = Type::kNull;  // kList / kMap: type of the elements
  std::vector<FieldSpec> fields;  // kRecord, or kList of kRecord: the fields
  int slot = -1;  // leaves of top-level objects and top-level lists
};

// The whole model: top-level names (decision, account, ip_events, ...).
const std::vector<FieldSpec>& FactModel();
// Number of slots in a fact table.
int SlotCount();
// Slots the engine fills from Evaluate's arguments.
inline constexpr int kDecisionDateSlot = 0;
inline constexpr int kRequestAppliesToSlot = 1;

// Finds the child named `name` of `fields`; nullptr if none.
const FieldSpec* FindField(const std::vector<FieldSpec>& fields,
                           std::string_view name);
// Index of the child named `name`; -1 if none.
int FieldIndex(const std::vector<FieldSpec>& fields, std::string_view name);

}  // namespace clearance::rules::internal

namespace clearance::rules {

struct Facts::Impl {
  std::vector<internal::Value> slots;
  internal::ValueStore store;
};

}  // namespace clearance::rules

#endif  // CLEARANCE_ENGINE_RULES_FACT_MODEL_H_
