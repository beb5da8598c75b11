// Typed single-pass reading of one CloudTrail record (a simdjson ondemand value).
//
// The parser walks the record's fields once, in any order, switching on the key; it keeps the
// fields adxmetrics uses as views into the simdjson parser's buffers and ignores the rest
// (whose values are never checked). A field of the wrong JSON type, or a key it reads that
// appears twice in one object, is a shape problem: the field counts as missing, reading goes on,
// and the first problem is kept in RecordFields::problem. Whether the record matters (it
// qualifies) is the caller's call: only then is the problem an error (DESIGN.md: other services'
// records are never held to our schema). Null counts as missing. Numbers may be JSON integers,
// integral floats or decimal strings.
//
// Thread-safety: none; one RecordParser per Extractor.
// Example:
//   RecordParser parser;
//   ADXM_RETURN_IF_ERROR(parser.Read(record));
//   if (parser.fields().text[kEventId]) ...
#pragma once

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "schema/schema.h"

namespace adxm {

/// Whether `c` is JSON whitespace (RFC 8259: space, tab, line feed, carriage return).
inline bool IsJsonSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

/// An `AWS::S3::AccessPoint` entry of a record's `resources`.
struct AccessPointRef {
  std::optional<std::string_view> arn;         // ARN.
  std::optional<std::string_view> account_id;  // accountId: the access point's owner.
};

/// The fields of one record that adxmetrics reads. Views stay valid until the simdjson parser
/// that produced them parses its next document.
struct RecordFields {
  /// Text slots past the ColumnId range, for fields that only decide qualification.
  enum TextSlot : int { kEventSourceSlot = kNumColumns, kEventCategorySlot, kNumTextSlots };
  /// Boolean fields.
  enum FlagSlot : int { kReadOnlyFlag, kManagementEventFlag, kNumFlags };

  // Strings by ColumnId (text[kEventTime] holds the raw eventTime) or TextSlot. The access point,
  // source_log_file and log_region columns are never set here.
  std::array<std::optional<std::string_view>, kNumTextSlots> text;
  std::array<std::optional<int64_t>, kNumColumns> count;  // BIGINT columns by ColumnId.
  std::array<std::optional<bool>, kNumFlags> flags;       // readOnly, managementEvent.
  std::vector<AccessPointRef> access_points;              // In `resources` order.
  char list_type_digits[24];  // Backs text[kListType] when list-type is a JSON number.
  // The first shape problem met (InvalidArgument naming the field), or OK.
  Status problem;

  /// Reset to "every field missing", keeping capacity.
  void Clear();
};

/// Reads records into a reused RecordFields.
class RecordParser {
 public:
  /// Replace fields() with those of `record`. A wrong-typed field, a duplicate key or a record
  /// that is not an object is recorded in fields().problem (`field "resources[1].ARN": expected
  /// string, got number`) and reading goes on; on broken JSON returns Corruption.
  Status Read(simdjson::ondemand::value record);

  /// Return the fields of the last record read.
  const RecordFields& fields() const { return fields_; }

 private:
  RecordFields fields_;
};

/// Return Corruption "invalid JSON: <simdjson's description of `error`>".
Status InvalidJson(simdjson::error_code error);

/// Return the JSON type's name: "array", "object", "number", "string", "boolean" or "null".
std::string_view JsonTypeName(simdjson::ondemand::json_type type);

}  // namespace adxm
