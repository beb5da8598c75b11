#include "cloudtrail/record_parser.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <span>
#include <string>

namespace adxm {
namespace {

namespace od = simdjson::ondemand;
using od::json_type;

constexpr size_t kNoIndex = std::numeric_limits<size_t>::max();

// Names a field for error messages without building a string on the hot path.
struct FieldPath {
  std::string_view parent;  // Enclosing field, e.g. "userIdentity"; empty at the record level.
  size_t index = kNoIndex;  // Element of `parent` when it is an array.
  std::string_view key;     // The field itself; empty when naming the parent or its element.

  std::string ToString() const {
    std::string path(parent);
    if (index != kNoIndex) path += "[" + std::to_string(index) + "]";
    if (!path.empty() && !key.empty()) path += ".";
    return path.append(key);
  }
};

Status WrongType(const FieldPath& path, std::string_view expected, std::string_view got) {
  return Status::InvalidArgument("field \"" + path.ToString() + "\": expected " +
                                 std::string(expected) + ", got " + std::string(got));
}

Status GetType(od::value& value, json_type* type) {
  if (auto error = value.type().get(*type)) return InvalidJson(error);
  return Status::OK();
}

// Read a string; null leaves *out missing.
Status ReadText(od::value value, const FieldPath& path, std::optional<std::string_view>* out) {
  json_type type{};
  ADXM_RETURN_IF_ERROR(GetType(value, &type));
  if (type == json_type::null) return Status::OK();
  if (type != json_type::string) return WrongType(path, "string", JsonTypeName(type));
  std::string_view text;
  if (auto error = value.get_string().get(text)) return InvalidJson(error);
  *out = text;
  return Status::OK();
}

// Convert an integral double; false if it has a fraction or does not fit.
bool IntegralDouble(double real, int64_t* out) {
  constexpr double kLimit = 9223372036854775808.0;  // 2^63.
  if (!(real >= -kLimit && real < kLimit) || std::trunc(real) != real) return false;
  *out = static_cast<int64_t>(real);
  return true;
}

// Parse a decimal string holding an integer, possibly written as a float ("1024", "1024.0").
bool ParseIntegerText(std::string_view text, int64_t* out) {
  const char* end = text.data() + text.size();
  auto [int_end, int_error] = std::from_chars(text.data(), end, *out);
  if (int_error == std::errc() && int_end == end) return true;
  double real = 0;
  auto [real_end, real_error] = std::from_chars(text.data(), end, real);
  return real_error == std::errc() && real_end == end && IntegralDouble(real, out);
}

// Quote a string value for an error message, shortened.
std::string Quoted(std::string_view text) { return "string \"" + std::string(text.substr(0, 40)) + "\""; }

// Read a JSON number that must be integral (1024 or 1024.0).
Status ReadIntegralNumber(od::value& value, const FieldPath& path, int64_t* out) {
  // A failed get_int64 leaves the value unread, so get_double may follow.
  if (value.get_int64().get(*out) == simdjson::SUCCESS) return Status::OK();
  double real = 0;
  if (auto error = value.get_double().get(real)) return InvalidJson(error);
  if (!IntegralDouble(real, out)) return WrongType(path, "integer", "a fractional number");
  return Status::OK();
}

// Read an integer written as a JSON integer, an integral float or a decimal string.
Status ReadCount(od::value value, const FieldPath& path, std::optional<int64_t>* out) {
  json_type type{};
  ADXM_RETURN_IF_ERROR(GetType(value, &type));
  if (type == json_type::null) return Status::OK();
  int64_t integer = 0;
  if (type == json_type::number) {
    ADXM_RETURN_IF_ERROR(ReadIntegralNumber(value, path, &integer));
  } else if (type == json_type::string) {
    std::string_view text;
    if (auto error = value.get_string().get(text)) return InvalidJson(error);
    if (!ParseIntegerText(text, &integer)) return WrongType(path, "integer", Quoted(text));
  } else {
    return WrongType(path, "integer", JsonTypeName(type));
  }
  *out = integer;
  return Status::OK();
}

// Read a boolean written as true/false or "true"/"false".
Status ReadFlag(od::value value, const FieldPath& path, std::optional<bool>* out) {
  json_type type{};
  ADXM_RETURN_IF_ERROR(GetType(value, &type));
  if (type == json_type::null) return Status::OK();
  if (type == json_type::boolean) {
    bool flag = false;
    if (auto error = value.get_bool().get(flag)) return InvalidJson(error);
    *out = flag;
    return Status::OK();
  }
  if (type != json_type::string) return WrongType(path, "boolean", JsonTypeName(type));
  std::string_view text;
  if (auto error = value.get_string().get(text)) return InvalidJson(error);
  if (text != "true" && text != "false") return WrongType(path, "boolean", Quoted(text));
  *out = text == "true";
  return Status::OK();
}

// Read list-type, logged as "2" or 2; store its decimal text either way.
Status ReadListType(od::value value, const FieldPath& path, RecordFields* fields) {
  json_type type{};
  ADXM_RETURN_IF_ERROR(GetType(value, &type));
  if (type != json_type::number) return ReadText(value, path, &fields->text[kListType]);
  std::optional<int64_t> number;
  ADXM_RETURN_IF_ERROR(ReadCount(value, path, &number));
  char* begin = fields->list_type_digits;
  char* end = std::to_chars(begin, begin + sizeof(fields->list_type_digits), *number).ptr;
  fields->text[kListType] = std::string_view(begin, end - begin);
  return Status::OK();
}

enum class FieldKind { kText, kCount, kFlag, kListType, kObject, kResources };

// A field the parser reads, and where it goes.
struct FieldSpec {
  std::string_view key;
  FieldKind kind;
  int slot = 0;                              // kText: ColumnId or TextSlot; kCount: ColumnId;
                                             // kFlag: FlagSlot.
  std::span<const FieldSpec> children = {};  // kObject: the fields read inside.
};

constexpr FieldSpec kUserIdentityFields[] = {
    {"type", FieldKind::kText, kIdentityType},
    {"principalId", FieldKind::kText, kPrincipalId},
    {"accountId", FieldKind::kText, kSubscriberAccountId},
};
constexpr FieldSpec kRequestParametersFields[] = {
    {"bucketName", FieldKind::kText, kProviderBucketName},
    {"key", FieldKind::kText, kObjectKey},
    {"prefix", FieldKind::kText, kPrefix},
    {"x-amz-request-payer", FieldKind::kText, kXAmzRequestPayer},
    {"list-type", FieldKind::kListType},
};
constexpr FieldSpec kAdditionalEventDataFields[] = {
    {"bytesTransferredOut", FieldKind::kCount, kBytesAccessed},
    {"bytesTransferredIn", FieldKind::kCount, kBytesIn},
};
constexpr FieldSpec kTlsDetailsFields[] = {{"tlsVersion", FieldKind::kText, kTlsVersion}};
constexpr FieldSpec kRecordFields[] = {
    {"eventID", FieldKind::kText, kEventId},
    {"eventTime", FieldKind::kText, kEventTime},
    {"eventName", FieldKind::kText, kEventName},
    {"eventSource", FieldKind::kText, RecordFields::kEventSourceSlot},
    {"eventCategory", FieldKind::kText, RecordFields::kEventCategorySlot},
    {"readOnly", FieldKind::kFlag, RecordFields::kReadOnlyFlag},
    {"managementEvent", FieldKind::kFlag, RecordFields::kManagementEventFlag},
    {"resources", FieldKind::kResources},
    {"userIdentity", FieldKind::kObject, 0, kUserIdentityFields},
    {"requestParameters", FieldKind::kObject, 0, kRequestParametersFields},
    {"additionalEventData", FieldKind::kObject, 0, kAdditionalEventDataFields},
    {"tlsDetails", FieldKind::kObject, 0, kTlsDetailsFields},
    {"awsRegion", FieldKind::kText, kProviderBucketRegion},
    {"sourceIPAddress", FieldKind::kText, kSubscriberIpAddress},
    {"userAgent", FieldKind::kText, kSubscriberUserAgent},
    {"requestID", FieldKind::kText, kRequestId},
    {"errorCode", FieldKind::kText, kErrorCode},
    {"vpcEndpointId", FieldKind::kText, kVpcEndpointId},
    {"recipientAccountId", FieldKind::kText, kRecipientAccountId},
};

const FieldSpec* FindField(std::span<const FieldSpec> specs, std::string_view key) {
  for (const FieldSpec& spec : specs) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

// Call `visit(key, value)` for each field of the object `value`; fields it does not read are
// skipped unread.
template <typename Visit>
Status ForEachField(od::value value, Visit visit) {
  od::object object;
  if (auto error = value.get_object().get(object)) return InvalidJson(error);
  for (auto field_result : object) {
    od::field field;
    if (auto error = std::move(field_result).get(field)) return InvalidJson(error);
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return InvalidJson(error);
    ADXM_RETURN_IF_ERROR(visit(key, field.value()));
  }
  return Status::OK();
}

// Check that `value` has JSON type `expected` (null yields *present == false).
Status Expect(od::value& value, const FieldPath& path, json_type expected, bool* present) {
  json_type type{};
  ADXM_RETURN_IF_ERROR(GetType(value, &type));
  *present = type != json_type::null;
  if (*present && type != expected) return WrongType(path, JsonTypeName(expected), JsonTypeName(type));
  return Status::OK();
}

Status ReadFields(od::value value, const FieldPath& path, std::span<const FieldSpec> specs,
                  RecordFields* fields);

Status ReadResource(od::value value, const FieldPath& path, RecordFields* fields) {
  bool present = false;
  ADXM_RETURN_IF_ERROR(Expect(value, path, json_type::object, &present));
  if (!present) return Status::OK();
  std::optional<std::string_view> type;
  AccessPointRef access_point;
  ADXM_RETURN_IF_ERROR(ForEachField(value, [&](std::string_view key, od::value child) {
    FieldPath child_path{path.parent, path.index, key};
    if (key == "type") return ReadText(child, child_path, &type);
    if (key == "ARN") return ReadText(child, child_path, &access_point.arn);
    if (key == "accountId") return ReadText(child, child_path, &access_point.account_id);
    return Status::OK();
  }));
  if (type == "AWS::S3::AccessPoint") fields->access_points.push_back(access_point);
  return Status::OK();
}

Status ReadResources(od::value value, const FieldPath& path, RecordFields* fields) {
  bool present = false;
  ADXM_RETURN_IF_ERROR(Expect(value, path, json_type::array, &present));
  if (!present) return Status::OK();
  od::array array;
  if (auto error = value.get_array().get(array)) return InvalidJson(error);
  size_t index = 0;
  for (auto element_result : array) {
    od::value element;
    if (auto error = std::move(element_result).get(element)) return InvalidJson(error);
    ADXM_RETURN_IF_ERROR(ReadResource(element, FieldPath{path.key, index++, {}}, fields));
  }
  return Status::OK();
}

Status ReadField(const FieldSpec& spec, od::value value, const FieldPath& path, RecordFields* fields) {
  switch (spec.kind) {
    case FieldKind::kText:
      return ReadText(value, path, &fields->text[spec.slot]);
    case FieldKind::kCount:
      return ReadCount(value, path, &fields->count[spec.slot]);
    case FieldKind::kFlag:
      return ReadFlag(value, path, &fields->flags[spec.slot]);
    case FieldKind::kListType:
      return ReadListType(value, path, fields);
    case FieldKind::kResources:
      return ReadResources(value, path, fields);
    case FieldKind::kObject: {
      bool present = false;
      ADXM_RETURN_IF_ERROR(Expect(value, path, json_type::object, &present));
      if (!present) return Status::OK();
      return ReadFields(value, FieldPath{path.key, kNoIndex, {}}, spec.children, fields);
    }
  }
  return Status::Internal("unhandled field kind");
}

// Read the fields of the object `value` named by `specs`; `path` names the object.
Status ReadFields(od::value value, const FieldPath& path, std::span<const FieldSpec> specs,
                  RecordFields* fields) {
  return ForEachField(value, [&](std::string_view key, od::value child) {
    const FieldSpec* spec = FindField(specs, key);
    if (spec == nullptr) return Status::OK();  // Unknown fields are skipped unread.
    return ReadField(*spec, child, FieldPath{path.parent, kNoIndex, key}, fields);
  });
}

}  // namespace

void RecordFields::Clear() {
  text.fill(std::nullopt);
  count.fill(std::nullopt);
  flags.fill(std::nullopt);
  access_points.clear();
}

Status RecordParser::Read(od::value record) {
  fields_.Clear();
  json_type type{};
  ADXM_RETURN_IF_ERROR(GetType(record, &type));
  if (type != json_type::object) {
    return Status::InvalidArgument("expected object, got " + std::string(JsonTypeName(type)));
  }
  return ReadFields(record, FieldPath{}, kRecordFields, &fields_);
}

Status InvalidJson(simdjson::error_code error) {
  return Status::Corruption(std::string("invalid JSON: ") + simdjson::error_message(error));
}

std::string_view JsonTypeName(json_type type) {
  switch (type) {
    case json_type::array: return "array";
    case json_type::object: return "object";
    case json_type::number: return "number";
    case json_type::string: return "string";
    case json_type::boolean: return "boolean";
    case json_type::null: return "null";
  }
  return "unknown";
}

}  // namespace adxm
