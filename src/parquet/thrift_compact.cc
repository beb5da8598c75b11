#include "parquet/thrift_compact.h"

#include <cassert>

namespace adxm {

void ThriftCompactWriter::Varint(uint64_t value) {
  while (value >= 0x80) {
    out_->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out_->push_back(static_cast<char>(value));
}

void ThriftCompactWriter::FieldHeader(int16_t id, ThriftType type) {
  int delta = id - last_field_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<uint8_t>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    ZigZag(id);
  }
  last_field_id_ = id;
}

void ThriftCompactWriter::I8Field(int16_t id, int8_t value) {
  FieldHeader(id, ThriftType::kByte);
  out_->push_back(static_cast<char>(value));
}

void ThriftCompactWriter::I32Field(int16_t id, int32_t value) {
  FieldHeader(id, ThriftType::kI32);
  ZigZag(value);
}

void ThriftCompactWriter::I64Field(int16_t id, int64_t value) {
  FieldHeader(id, ThriftType::kI64);
  ZigZag(value);
}

void ThriftCompactWriter::BoolField(int16_t id, bool value) {
  // In the compact protocol a bool field's value is its type code.
  FieldHeader(id, value ? ThriftType::kBoolTrue : ThriftType::kBoolFalse);
}

void ThriftCompactWriter::BinaryField(int16_t id, std::string_view value) {
  FieldHeader(id, ThriftType::kBinary);
  BinaryElement(value);
}

void ThriftCompactWriter::BeginStructField(int16_t id) {
  FieldHeader(id, ThriftType::kStruct);
  BeginStructElement();
}

void ThriftCompactWriter::BeginListField(int16_t id, ThriftType element_type, size_t size) {
  FieldHeader(id, ThriftType::kList);
  auto type = static_cast<uint8_t>(element_type);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | type));
  } else {
    out_->push_back(static_cast<char>(0xF0 | type));
    Varint(size);
  }
}

void ThriftCompactWriter::I32Element(int32_t value) { ZigZag(value); }

void ThriftCompactWriter::BinaryElement(std::string_view value) {
  Varint(value.size());
  out_->append(value);
}

void ThriftCompactWriter::BeginStructElement() {
  assert(depth_ < enclosing_ids_.size() && "Thrift structs nested too deep");
  enclosing_ids_[depth_++] = last_field_id_;
  last_field_id_ = 0;
}

void ThriftCompactWriter::EndStruct() {
  out_->push_back(0);  // STOP
  if (depth_ > 0) last_field_id_ = enclosing_ids_[--depth_];
}

}  // namespace adxm
