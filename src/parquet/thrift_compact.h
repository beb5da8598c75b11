// ThriftCompactWriter: the subset of the Thrift compact protocol that Parquet's page headers and
// footer need (structs, lists, i8/i32/i64, bool, binary). Encoding only; nothing is validated.
//
// Thread-safety: none; one writer per output buffer.
// Example:
//   std::string out;
//   ThriftCompactWriter writer(&out);
//   writer.I32Field(1, 42);
//   writer.EndStruct();  // The top-level struct's STOP.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace adxm {

/// Compact-protocol type codes (as used in field headers and list headers).
enum class ThriftType : uint8_t {
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class ThriftCompactWriter {
 public:
  /// Append to `out`, starting inside a top-level struct.
  explicit ThriftCompactWriter(std::string* out) : out_(out) {}

  /// Write an i8 field.
  void I8Field(int16_t id, int8_t value);
  /// Write an i32 field (also enums).
  void I32Field(int16_t id, int32_t value);
  /// Write an i64 field.
  void I64Field(int16_t id, int64_t value);
  /// Write a bool field.
  void BoolField(int16_t id, bool value);
  /// Write a binary/string field.
  void BinaryField(int16_t id, std::string_view value);
  /// Begin a struct-valued field; write its fields, then EndStruct().
  void BeginStructField(int16_t id);
  /// Begin a list field of `size` elements; then write exactly `size` elements.
  void BeginListField(int16_t id, ThriftType element_type, size_t size);

  /// Write an i32 list element.
  void I32Element(int32_t value);
  /// Write a binary list element.
  void BinaryElement(std::string_view value);
  /// Begin a struct list element; write its fields, then EndStruct().
  void BeginStructElement();

  /// End the innermost open struct (the top-level one last).
  void EndStruct();

 private:
  void FieldHeader(int16_t id, ThriftType type);
  void Varint(uint64_t value);
  void ZigZag(int64_t value) { Varint((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63)); }

  std::string* out_;
  int16_t last_field_id_ = 0;
  // Last field ids of the enclosing structs; Parquet metadata nests at most 5 deep.
  std::array<int16_t, 16> enclosing_ids_{};
  size_t depth_ = 0;
};

}  // namespace adxm
