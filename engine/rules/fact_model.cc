#include "engine/rules/fact_model.h"

#include <string>
#include <utility>

#include "engine/rules/expression.h"

namespace clearance::rules::internal {
namespace {

FieldSpec Leaf(std::string name, Type type) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = type;
  return f;
}
FieldSpec S(std::string name) { return Leaf(std::move(name), Type::kString); }
FieldSpec N(std::string name) { return Leaf(std::move(name), Type::kNumber); }
FieldSpec B(std::string name) { return Leaf(std::move(name), Type::kBool); }
FieldSpec StringList(std::string name) {
  FieldSpec f = Leaf(std::move(name), Type::kList);
  f.element = Type::kString;
  return f;
}
FieldSpec RecordList(std::string name, std::vector<FieldSpec> fields) {
  FieldSpec f = Leaf(std::move(name), Type::kList);
  f.element = Type::kRecord;
  f.fields = std::move(fields);
  return f;
}
FieldSpec Object(std::string name, std::vector<FieldSpec> fields) {
  FieldSpec f = Leaf(std::move(name), Type::kRecord);
  f.fields = std::move(fields);
  return f;
}

// Keep in step with docs/rules.md § 3 and docs/schemas/facts.schema.json.
std::vector<FieldSpec> BuildModel() {
  FieldSpec aggregate = Leaf("aggregate", Type::kMap);
  aggregate.element = Type::kNumber;
  std::vector<FieldSpec> model = {
      Object("decision", {Leaf("date", Type::kDate)}),
      Object("request", {S("applies_to")}),
      Object(
          "account",
          {S("legal_name"), S("type"), S("country"), S("kyc_address_country"),
           S("hq_country"), S("ultimate_parent_country"),
           RecordList("addresses", {S("country"), S("region")}),
           RecordList("beneficial_owners",
                      {S("name"), S("country"), N("share"), B("listed")}),
           S("email_domain"), S("phone_country"), B("is_reseller"),
           RecordList("downstream_customers",
                      {S("name"), S("country"), S("hq_country"), B("listed")}),
           S("end_user_type"), B("is_informed_letter"),
           StringList("kyc_missing"), B("verified"), N("verification_failures"),
           B("cip_attested"), N("age_days")}),
      RecordList("ip_events",
                 {S("address"), S("country"), S("region"), S("anonymizer")}),
      RecordList("payments",
                 {S("method"), S("instrument_country"), S("crypto_address"),
                  S("chain"), B("listed"), N("sanctioned_exposure")}),
      RecordList("hits", {S("list"), S("party_id"), N("score"), S("strength"),
                          S("kind"), S("subject"), B("confirmed"),
                          StringList("footnotes")}),
      Object("ownership", {aggregate, B("controlled_by_listed"),
                           B("unknown_percentages"), StringList("paths")}),
      Object(
          "workload",
          {S("gpu_model"), S("eccn"), N("tpp"), N("performance_density"),
           N("dram_bandwidth"), B("designed_for_datacenter"), N("count"),
           N("cluster_fp64_pflops"), S("datacenter_country"),
           B("datacenter_is_veu"), S("deployment"), S("export_from"),
           S("declared_end_use"), S("workload_type"), N("est_training_ops")}),
      Object("attestation",
             {S("model_verdict"), B("model_matches_claim"),
              B("location_excludes_restricted"), B("location_claim_consistent"),
              S("identified_model"), S("eccn"), N("tpp"),
              StringList("possible_restricted")}),
      StringList("red_flags"),
  };
  int slot = 0;
  for (FieldSpec& top : model) {
    if (top.type == Type::kRecord) {
      for (FieldSpec& f : top.fields) f.slot = slot++;
    } else {
      top.slot = slot++;
    }
  }
  return model;
}

struct Model {
  std::vector<FieldSpec> fields = BuildModel();
  int slots = [this] {
    int n = 0;
    for (const FieldSpec& top : fields) {
      n += top.type == Type::kRecord ? static_cast<int>(top.fields.size()) : 1;
    }
    return n;
  }();
};

const Model& GetModel() {
  static const Model* model = new Model();
  return *model;
}

}  // namespace

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "boolean";
    case Type::kNumber:
      return "number";
    case Type::kString:
      return "string";
    case Type::kDate:
      return "date";
    case Type::kList:
      return "list";
    case Type::kRecord:
      return "record";
    case Type::kMap:
      return "map";
    case Type::kGroup:
      return "country group";
    case Type::kAny:
      return "any";
  }
  return "?";
}

const std::vector<FieldSpec>& FactModel() { return GetModel().fields; }
int SlotCount() { return GetModel().slots; }

const FieldSpec* FindField(const std::vector<FieldSpec>& fields,
                           std::string_view name) {
  for (const FieldSpec& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

int FieldIndex(const std::vector<FieldSpec>& fields, std::string_view name) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace clearance::rules::internal

namespace clearance::rules {

using internal::FieldSpec;
using internal::Type;
using internal::Value;

namespace {

Result<Value> Convert(const FieldSpec& spec, Type type, const nlohmann::json& j,
                      const std::string& path, internal::ValueStore* store);

Result<Value> ConvertRecord(const std::vector<FieldSpec>& fields,
                            const nlohmann::json& j, const std::string& path,
                            internal::ValueStore* store) {
  if (!j.is_object()) {
    return Fail(ErrorCode::kInvalidArgument,
                "facts: " + path + ": expected an object");
  }
  internal::RecordValue record;
  record.fields.resize(fields.size());
  for (const auto& [key, value] : j.items()) {
    const int index = internal::FieldIndex(fields, key);
    if (index < 0) {
      return Fail(ErrorCode::kInvalidArgument,
                  "facts: unknown field " + path + "." + key +
                      " (see docs/rules.md, Fact model)");
    }
    const FieldSpec& f = fields[static_cast<size_t>(index)];
    auto v = Convert(f, f.type, value, path + "." + key, store);
    if (!v) return std::unexpected(v.error());
    record.fields[static_cast<size_t>(index)] = *v;
  }
  store->records.push_back(std::move(record));
  Value out;
  out.type = Type::kRecord;
  out.ptr = &store->records.back();
  return out;
}

Result<Value> Convert(const FieldSpec& spec, Type type, const nlohmann::json& j,
                      const std::string& path, internal::ValueStore* store) {
  if (j.is_null()) return Value();
  auto wrong = [&](std::string_view expected) {
    return Fail(ErrorCode::kInvalidArgument, "facts: " + path + ": expected " +
                                                 std::string(expected) +
                                                 ", found " + j.type_name());
  };
  switch (type) {
    case Type::kBool:
      if (!j.is_boolean()) return wrong("a boolean");
      return Value::Bool(j.get<bool>());
    case Type::kNumber:
      if (!j.is_number()) return wrong("a number");
      return Value::Number(j.get<double>());
    case Type::kString: {
      if (!j.is_string()) return wrong("a string");
      Value v = Value::String(store->Keep(j.get<std::string>()));
      if (spec.name == "region")
        v.regions = internal::SanctionedRegionMask(v.text);
      return v;
    }
    case Type::kDate: {
      if (!j.is_string()) return wrong("a date \"YYYY-MM-DD\"");
      auto d = ParseDate(j.get<std::string>());
      if (!d) return wrong("a date \"YYYY-MM-DD\"");
      return Value::DateValue(*d);
    }
    case Type::kList: {
      if (!j.is_array()) return wrong("a list");
      internal::ListValue list;
      list.items.reserve(j.size());
      for (size_t i = 0; i < j.size(); ++i) {
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        Result<Value> v =
            spec.element == Type::kRecord
                ? ConvertRecord(spec.fields, j[i], item_path, store)
                : Convert(spec, spec.element, j[i], item_path, store);
        if (!v) return std::unexpected(v.error());
        list.items.push_back(*v);
      }
      store->lists.push_back(std::move(list));
      Value out;
      out.type = Type::kList;
      out.ptr = &store->lists.back();
      return out;
    }
    case Type::kMap: {
      if (!j.is_object()) return wrong("an object");
      internal::MapValue map;
      for (const auto& [key, value] : j.items()) {
        auto v = Convert(spec, spec.element, value, path + "[\"" + key + "\"]",
                         store);
        if (!v) return std::unexpected(v.error());
        map.entries.emplace_back(store->Keep(key), *v);
      }
      store->maps.push_back(std::move(map));
      Value out;
      out.type = Type::kMap;
      out.ptr = &store->maps.back();
      return out;
    }
    default:
      return wrong("a known type");
  }
}

}  // namespace

Facts::Facts(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Facts::Facts(Facts&&) noexcept = default;
Facts& Facts::operator=(Facts&&) noexcept = default;
Facts::~Facts() = default;

Result<Facts> Facts::FromJson(const nlohmann::json& facts) {
  auto impl = std::make_unique<Impl>();
  impl->slots.resize(static_cast<size_t>(internal::SlotCount()));
  if (facts.is_null()) return Facts(std::move(impl));
  if (!facts.is_object()) {
    return Fail(ErrorCode::kInvalidArgument,
                "facts: expected a JSON object at the top level");
  }
  for (const auto& [key, value] : facts.items()) {
    if (key == "$schema") continue;
    const FieldSpec* top = internal::FindField(internal::FactModel(), key);
    if (top == nullptr) {
      return Fail(
          ErrorCode::kInvalidArgument,
          "facts: unknown field " + key + " (see docs/rules.md, Fact model)");
    }
    if (top->type != Type::kRecord) {
      auto v = Convert(*top, top->type, value, key, &impl->store);
      if (!v) return std::unexpected(v.error());
      impl->slots[static_cast<size_t>(top->slot)] = *v;
      continue;
    }
    if (value.is_null()) continue;
    if (!value.is_object()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "facts: " + key + ": expected an object");
    }
    for (const auto& [name, field_value] : value.items()) {
      const FieldSpec* f = internal::FindField(top->fields, name);
      if (f == nullptr) {
        return Fail(ErrorCode::kInvalidArgument,
                    "facts: unknown field " + key + "." + name +
                        " (see docs/rules.md, Fact model)");
      }
      auto v =
          Convert(*f, f->type, field_value, key + "." + name, &impl->store);
      if (!v) return std::unexpected(v.error());
      impl->slots[static_cast<size_t>(f->slot)] = *v;
    }
  }
  return Facts(std::move(impl));
}

}  // namespace clearance::rules
