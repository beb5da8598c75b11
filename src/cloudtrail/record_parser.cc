#include "cloudtrail/record_parser.h"

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include <bit>
#include <charconv>
#include <cstring>
#include <cmath>
#include <limits>
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

// A string that fails to unescape (an unpaired surrogate such as \ud800, an unknown escape) spoils
// its record, not the log object: simdjson has consumed the value, so the record reads on.
Status StringError(const FieldPath& path, simdjson::error_code error) {
  if (error != simdjson::STRING_ERROR) return InvalidJson(error);
  return Status::InvalidArgument("field \"" + path.ToString() +
                                 "\": a string with an invalid escape (e.g. an unpaired UTF-16 surrogate)");
}

// Keep a shape problem (InvalidArgument) in `fields->problem` if it is the first, and carry on;
// pass other errors (broken JSON) up.
Status Defer(Status status, RecordFields* fields) {
  if (status.code() != StatusCode::kInvalidArgument) return status;
  if (fields->problem.ok()) fields->problem = std::move(status);
  return Status::OK();
}

Status DuplicateKey(const FieldPath& path) {
  return Status::InvalidArgument("field \"" + path.ToString() + "\": duplicate key");
}

Status GetType(od::value& value, json_type* type) {
  if (auto error = value.type().get(*type)) return InvalidJson(error);
  return Status::OK();
}

constexpr uint64_t kEveryByte = 0x0101010101010101ull;

// Load 8 bytes as a little-endian word.
uint64_t LoadWord(const char* bytes) {
  uint64_t word = 0;
  std::memcpy(&word, bytes, sizeof(word));
  if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
  return word;
}

// Return `word` with the high bit set in each byte equal to `byte`; exact up to the first such
// byte (bits above it may be spurious).
[[maybe_unused]] uint64_t BytesEqual(uint64_t word, char byte) {
  uint64_t diff = word ^ (kEveryByte * static_cast<unsigned char>(byte));
  return (diff - kEveryByte) & ~diff & (kEveryByte << 7);
}

// The bytes of one block that are a quote or a backslash, as a bit per byte (bit 0 = first byte).
// Blocks are as wide as the target's vectors: most keys and many values fit in one.
struct BlockMatches {
  uint64_t quotes;
  uint64_t backslashes;
};

#if defined(__AVX2__)
constexpr size_t kBlockBytes = 32;
BlockMatches MatchBlock(const char* bytes) {
  __m256i block = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes));
  auto quotes = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(block, _mm256_set1_epi8('"'))));
  auto backslashes =
      static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(block, _mm256_set1_epi8('\\'))));
  return {quotes, backslashes};
}
#elif defined(__SSE2__)
constexpr size_t kBlockBytes = 16;
BlockMatches MatchBlock(const char* bytes) {
  __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
  auto quotes = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8('"'))));
  auto backslashes = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8('\\'))));
  return {quotes, backslashes};
}
#else
constexpr size_t kBlockBytes = 8;
// Bit 8i+7 marks byte i; only bits up to the first match are exact.
BlockMatches MatchBlock(const char* bytes) {
  uint64_t word = LoadWord(bytes);
  return {BytesEqual(word, '"'), BytesEqual(word, '\\')};
}
#endif

// Byte index within its block of the lowest match in `bits`.
size_t FirstMatch(uint64_t bits) {
  return kBlockBytes == 8 ? std::countr_zero(bits) / 8 : std::countr_zero(bits);
}

// Return whether `text` holds a backslash. `text` lies in the padded input: reading up to a
// block (at most 31 bytes) past its end is safe.
bool HasBackslash(std::string_view text) {
  for (size_t offset = 0; offset < text.size(); offset += kBlockBytes) {
    uint64_t found = MatchBlock(text.data() + offset).backslashes;
    if (found != 0) return offset + FirstMatch(found) < text.size();
  }
  return false;
}

// Return whether `a` and `b`, of one size of at least 8 bytes, agree past their first 8 bytes.
bool SameTail(std::string_view a, std::string_view b) {
  size_t size = a.size();
  for (size_t offset = 8; offset + 8 < size; offset += 8) {
    if (LoadWord(a.data() + offset) != LoadWord(b.data() + offset)) return false;
  }
  return LoadWord(a.data() + size - 8) == LoadWord(b.data() + size - 8);
}

// Return the string `value` as written when it has no escape (the usual case): a view into the
// input, without the copy and the call into simdjson that get_string costs. The value is left
// unread, so the object's iteration skips it.
bool ReadUnescaped(od::value& value, std::string_view* text) {
  std::string_view token = value.raw_json_token();
  // The token runs up to the next structural character, so it may end in whitespace.
  while (!token.empty() && IsJsonSpace(token.back())) token.remove_suffix(1);
  if (token.size() < 2 || token.front() != '"' || token.back() != '"') return false;
  token = token.substr(1, token.size() - 2);
  if (HasBackslash(token)) return false;
  *text = token;
  return true;
}

// Read a string; null leaves *out missing.
Status ReadText(od::value value, const FieldPath& path, std::optional<std::string_view>* out) {
  std::string_view text;
  if (ReadUnescaped(value, &text)) {
    *out = text;
    return Status::OK();
  }
  // A failed get_string leaves the value unread, so the type check may follow.
  auto error = value.get_string().get(text);
  if (error == simdjson::SUCCESS) {
    *out = text;
    return Status::OK();
  }
  if (error != simdjson::INCORRECT_TYPE) return StringError(path, error);
  json_type type{};
  ADXM_RETURN_IF_ERROR(GetType(value, &type));
  if (type == json_type::null) return Status::OK();
  return WrongType(path, "string", JsonTypeName(type));
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
  if (std::trunc(real) != real) return WrongType(path, "integer", "a fractional number");
  if (!IntegralDouble(real, out)) return WrongType(path, "integer", "a number out of the 64-bit range");
  return Status::OK();
}

// Read an integer written as a JSON integer, an integral float or a decimal string.
Status ReadCount(od::value value, const FieldPath& path, std::optional<int64_t>* out) {
  // Fast path: a JSON integer. A failed get_int64 leaves the value unread.
  int64_t integer = 0;
  if (value.get_int64().get(integer) == simdjson::SUCCESS) {
    *out = integer;
    return Status::OK();
  }
  json_type type{};
  ADXM_RETURN_IF_ERROR(GetType(value, &type));
  if (type == json_type::null) return Status::OK();
  if (type == json_type::number) {
    ADXM_RETURN_IF_ERROR(ReadIntegralNumber(value, path, &integer));
  } else if (type == json_type::string) {
    std::string_view text;
    if (auto error = value.get_string().get(text)) return StringError(path, error);
    if (!ParseIntegerText(text, &integer)) return WrongType(path, "integer", Quoted(text) + " (not an integer of 64 bits)");
  } else {
    return WrongType(path, "integer", JsonTypeName(type));
  }
  *out = integer;
  return Status::OK();
}

// Read a boolean written as true/false or "true"/"false".
Status ReadFlag(od::value value, const FieldPath& path, std::optional<bool>* out) {
  // Fast path: true or false. A failed get_bool leaves the value unread.
  bool fast_flag = false;
  if (value.get_bool().get(fast_flag) == simdjson::SUCCESS) {
    *out = fast_flag;
    return Status::OK();
  }
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
  if (auto error = value.get_string().get(text)) return StringError(path, error);
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

class FieldTable;

// A field the parser reads, and where it goes.
struct FieldSpec {
  std::string_view key;
  FieldKind kind;
  int slot = 0;                           // kText: ColumnId or TextSlot; kCount: ColumnId;
                                          // kFlag: FlagSlot.
  const FieldTable* children = nullptr;  // kObject: the fields read inside.
};

// A field's key with its first 8 bytes as a little-endian word, zero past the key's end: one
// compare rejects most other keys, and the word hashes the key without a loop over its bytes.
struct Key {
  std::string_view text;
  uint64_t prefix = 0;
};

constexpr uint64_t KeyPrefix(std::string_view text) {
  uint64_t prefix = 0;
  for (size_t index = 0; index < text.size() && index < 8; ++index) {
    prefix |= uint64_t{static_cast<unsigned char>(text[index])} << (8 * index);
  }
  return prefix;
}

// Finds the FieldSpec of a key in one hash probe and compare (usually), instead of comparing
// the key with every spec: every field of every record goes through here, most of them unread.
class FieldTable {
 public:
  template <size_t N>
  constexpr explicit FieldTable(const FieldSpec (&specs)[N]) : first_(specs) {
    static_assert(N <= kSlots / 2, "keep the table sparse so that probes stay short");
    for (const FieldSpec& spec : specs) {
      Key key{spec.key, KeyPrefix(spec.key)};
      size_t slot = Hash(key);
      while (slots_[slot].spec != nullptr) slot = (slot + 1) % kSlots;
      slots_[slot] = Slot{key.prefix, &spec};
    }
  }

  // Return the position of `spec` (found by Find) in the table's spec array.
  size_t Index(const FieldSpec* spec) const { return static_cast<size_t>(spec - first_); }

  // Return the spec for `key`, or nullptr when the key is not read.
  const FieldSpec* Find(const Key& key) const {
    for (size_t slot = Hash(key);; slot = (slot + 1) % kSlots) {
      const Slot& entry = slots_[slot];
      if (entry.spec == nullptr) return nullptr;
      if (entry.prefix == key.prefix && entry.spec->key.size() == key.text.size() &&
          (key.text.size() <= 8 || SameTail(entry.spec->key, key.text))) {
        return entry.spec;
      }
    }
  }

 private:
  static constexpr size_t kSlots = 64;

  struct Slot {
    uint64_t prefix = 0;
    const FieldSpec* spec = nullptr;  // nullptr: empty.
  };

  static constexpr size_t Hash(const Key& key) {
    return ((key.prefix ^ key.text.size()) * 0x9E3779B97F4A7C15ull) >> 58;  // Top 6 bits.
  }

  const FieldSpec* first_;
  std::array<Slot, kSlots> slots_{};
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
constexpr FieldTable kUserIdentityTable(kUserIdentityFields);
constexpr FieldTable kRequestParametersTable(kRequestParametersFields);
constexpr FieldTable kAdditionalEventDataTable(kAdditionalEventDataFields);
constexpr FieldTable kTlsDetailsTable(kTlsDetailsFields);
constexpr FieldSpec kRecordFields[] = {
    {"eventID", FieldKind::kText, kEventId},
    {"eventTime", FieldKind::kText, kEventTime},
    {"eventName", FieldKind::kText, kEventName},
    {"eventSource", FieldKind::kText, RecordFields::kEventSourceSlot},
    {"eventCategory", FieldKind::kText, RecordFields::kEventCategorySlot},
    {"readOnly", FieldKind::kFlag, RecordFields::kReadOnlyFlag},
    {"managementEvent", FieldKind::kFlag, RecordFields::kManagementEventFlag},
    {"resources", FieldKind::kResources},
    {"userIdentity", FieldKind::kObject, 0, &kUserIdentityTable},
    {"requestParameters", FieldKind::kObject, 0, &kRequestParametersTable},
    {"additionalEventData", FieldKind::kObject, 0, &kAdditionalEventDataTable},
    {"tlsDetails", FieldKind::kObject, 0, &kTlsDetailsTable},
    {"awsRegion", FieldKind::kText, kProviderBucketRegion},
    {"sourceIPAddress", FieldKind::kText, kSubscriberIpAddress},
    {"userAgent", FieldKind::kText, kSubscriberUserAgent},
    {"requestID", FieldKind::kText, kRequestId},
    {"errorCode", FieldKind::kText, kErrorCode},
    {"vpcEndpointId", FieldKind::kText, kVpcEndpointId},
    {"recipientAccountId", FieldKind::kText, kRecipientAccountId},
};
constexpr FieldTable kRecordTable(kRecordFields);

// Read the key starting at `begin` (after its opening quote) as written; false if it has an
// escape. Scans a block at a time for the closing quote: stage 1 has checked that every string
// is closed, and reading up to a block past the quote stays within the input's padding.
bool ReadRawKey(const char* begin, Key* key) {
  key->prefix = LoadWord(begin);
  for (const char* block_start = begin;; block_start += kBlockBytes) {
    BlockMatches matches = MatchBlock(block_start);
    uint64_t ends = matches.quotes | matches.backslashes;
    if (ends == 0) continue;
    // The lowest bit of `ends` is exact, so it tells a backslash from the closing quote.
    if ((ends & -ends & matches.backslashes) != 0) return false;
    key->text = std::string_view(begin, block_start + FirstMatch(ends) - begin);
    if (key->text.size() < 8) key->prefix &= (uint64_t{1} << (8 * key->text.size())) - 1;
    return true;
  }
}

// Return the key of `field`: the bytes as written when it has no escape (the usual case; no
// copy, no call into simdjson), else the unescaped key.
// A key that fails to unescape is a shape problem of the record (InvalidArgument), as a value is
// (StringError): the key has been consumed, so the object's iteration skips its value.
Status FieldKey(od::field& field, const FieldPath& path, Key* key) {
  if (ReadRawKey(field.key().raw(), key)) return Status::OK();
  if (auto error = field.unescaped_key().get(key->text)) {
    if (error != simdjson::STRING_ERROR) return InvalidJson(error);
    const std::string where = path.ToString();
    return Status::InvalidArgument("a key with an invalid escape (e.g. an unpaired UTF-16 surrogate) in " +
                                   (where.empty() ? std::string("the record") : "field \"" + where + "\""));
  }
  key->prefix = KeyPrefix(key->text);
  return Status::OK();
}

// Call `visit(key, value)` for each field of `object` (named `path`); fields it does not read are
// skipped unread, as are those whose key is spoilt (kept in `fields->problem`).
template <typename Visit>
Status ForEachField(od::object& object, const FieldPath& path, RecordFields* fields, Visit visit) {
  for (auto field_result : object) {
    if (auto error = field_result.error()) return InvalidJson(error);
    // Used in place: moving it out costs a store-forwarding stall on every field.
    od::field& field = field_result.value_unsafe();
    Key key;
    if (!ReadRawKey(field.key().raw(), &key)) {
      Status status = FieldKey(field, path, &key);
      if (!status.ok()) {
        ADXM_RETURN_IF_ERROR(Defer(std::move(status), fields));
        continue;
      }
    }
    ADXM_RETURN_IF_ERROR(visit(key, field.value()));
  }
  return Status::OK();
}

// Handle `error` from opening `value` as a container of type `expected`: null is missing
// (*present == false), another type is an error naming `path`.
Status NotOpened(od::value& value, const FieldPath& path, json_type expected,
                 simdjson::error_code error, bool* present) {
  *present = false;
  if (error != simdjson::INCORRECT_TYPE) return InvalidJson(error);
  // A failed get_object/get_array leaves the value unread.
  json_type type{};
  ADXM_RETURN_IF_ERROR(GetType(value, &type));
  if (type == json_type::null) return Status::OK();
  if (type == expected) return InvalidJson(error);
  return WrongType(path, JsonTypeName(expected), JsonTypeName(type));
}

// Open the object `value` (null yields *present == false).
Status OpenObject(od::value& value, const FieldPath& path, od::object* object, bool* present) {
  auto error = value.get_object().get(*object);
  *present = error == simdjson::SUCCESS;
  return *present ? Status::OK() : NotOpened(value, path, json_type::object, error, present);
}

// Open the array `value` (null yields *present == false).
Status OpenArray(od::value& value, const FieldPath& path, od::array* array, bool* present) {
  auto error = value.get_array().get(*array);
  *present = error == simdjson::SUCCESS;
  return *present ? Status::OK() : NotOpened(value, path, json_type::array, error, present);
}

Status ReadFields(od::object& object, const FieldPath& path, const FieldTable& table,
                  RecordFields* fields);

Status ReadResource(od::value value, const FieldPath& path, RecordFields* fields) {
  od::object object;
  bool present = false;
  ADXM_RETURN_IF_ERROR(OpenObject(value, path, &object, &present));
  if (!present) return Status::OK();
  std::optional<std::string_view> type;
  AccessPointRef access_point;
  unsigned seen = 0;  // Bit per key read: type, ARN, accountId.
  ADXM_RETURN_IF_ERROR(ForEachField(object, path, fields, [&](const Key& field_key, od::value child) {
    std::string_view key = field_key.text;
    FieldPath child_path{path.parent, path.index, key};
    std::optional<std::string_view>* target = key == "type"        ? &type
                                              : key == "ARN"       ? &access_point.arn
                                              : key == "accountId" ? &access_point.account_id
                                                                   : nullptr;
    if (target == nullptr) return Status::OK();
    unsigned bit = key == "type" ? 1u : key == "ARN" ? 2u : 4u;
    if ((seen & bit) != 0) return Defer(DuplicateKey(child_path), fields);
    seen |= bit;
    return Defer(ReadText(child, child_path, target), fields);
  }));
  if (type == "AWS::S3::AccessPoint") fields->access_points.push_back(access_point);
  return Status::OK();
}

Status ReadResources(od::value value, const FieldPath& path, RecordFields* fields) {
  od::array array;
  bool present = false;
  ADXM_RETURN_IF_ERROR(OpenArray(value, path, &array, &present));
  if (!present) return Status::OK();
  size_t index = 0;
  for (auto element_result : array) {
    od::value element;
    if (auto error = std::move(element_result).get(element)) return InvalidJson(error);
    ADXM_RETURN_IF_ERROR(Defer(ReadResource(element, FieldPath{path.key, index++, {}}, fields), fields));
  }
  return Status::OK();
}

Status ReadField(const FieldSpec& spec, od::value value, const FieldPath& path, RecordFields* fields) {
  switch (spec.kind) {
    case FieldKind::kText:
      return ReadText(value, path, &fields->text[spec.slot]);
    case FieldKind::kCount: {
      std::optional<int64_t>& count = fields->count[spec.slot];
      ADXM_RETURN_IF_ERROR(ReadCount(value, path, &count));
      if (count && *count < 0) {  // Bytes are never negative: an error, not a value.
        Status negative = WrongType(path, "integer of 0 or more", std::to_string(*count));
        count.reset();
        return negative;
      }
      return Status::OK();
    }
    case FieldKind::kFlag:
      return ReadFlag(value, path, &fields->flags[spec.slot]);
    case FieldKind::kListType:
      return ReadListType(value, path, fields);
    case FieldKind::kResources:
      return ReadResources(value, path, fields);
    case FieldKind::kObject: {
      od::object object;
      bool present = false;
      ADXM_RETURN_IF_ERROR(OpenObject(value, path, &object, &present));
      if (!present) return Status::OK();
      return ReadFields(object, FieldPath{path.key, kNoIndex, {}}, *spec.children, fields);
    }
  }
  return Status::Internal("unhandled field kind");
}

// Read the fields of `object` found in `table`; `path` names the object.
Status ReadFields(od::object& object, const FieldPath& path, const FieldTable& table,
                  RecordFields* fields) {
  uint64_t seen = 0;  // Bit per spec of `table` already read in this object.
  return ForEachField(object, path, fields, [&](const Key& key, od::value child) {
    const FieldSpec* spec = table.Find(key);
    if (spec == nullptr) return Status::OK();  // Unknown fields are skipped unread.
    FieldPath child_path{path.parent, kNoIndex, key.text};
    // Duplicate keys: one rule, the record is malformed (docs/schema.md).
    uint64_t bit = uint64_t{1} << table.Index(spec);
    if ((seen & bit) != 0) return Defer(DuplicateKey(child_path), fields);
    seen |= bit;
    return Defer(ReadField(*spec, child, child_path, fields), fields);
  });
}

}  // namespace

void RecordFields::Clear() {
  text.fill(std::nullopt);
  count.fill(std::nullopt);
  flags.fill(std::nullopt);
  access_points.clear();
  problem = Status::OK();
}

Status RecordParser::Read(od::value record) {
  fields_.Clear();
  od::object object;
  auto error = record.get_object().get(object);
  if (error == simdjson::INCORRECT_TYPE) {
    // A failed get_object leaves the record unread.
    json_type type{};
    ADXM_RETURN_IF_ERROR(GetType(record, &type));
    if (type != json_type::object) {
      fields_.problem = Status::InvalidArgument("expected object, got " + std::string(JsonTypeName(type)));
      return Status::OK();
    }
  }
  if (error) return InvalidJson(error);
  return ReadFields(object, FieldPath{}, kRecordTable, &fields_);
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
