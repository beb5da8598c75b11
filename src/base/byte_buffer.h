// ByteBuffer: a growable byte buffer that, unlike std::string, leaves the bytes it grows into
// uninitialized, for buffers that are overwritten right away (a decompressor's output).
//
// Thread-safety: none.
// Example:
//   ByteBuffer buffer;
//   buffer.Resize(n, /*padding=*/64);  // n writable bytes and 64 spare ones, contents kept
//   std::memcpy(buffer.data(), source, n);
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

namespace adxm {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(ByteBuffer&& other) noexcept
      : data_(std::move(other.data_)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    return *this;
  }

  /// Make size() `size` and capacity() at least `size + padding`, keeping the first
  /// min(size, size()) bytes; bytes past them are uninitialized. data() is never null after.
  void Resize(size_t size, size_t padding = 0) {
    if (size + padding > capacity_ || data_ == nullptr) {
      size_t capacity = std::max({size + padding, capacity_ + capacity_ / 2, size_t{16}});
      std::unique_ptr<char[]> grown(new char[capacity]);  // Default-initialized: not zeroed.
      if (size_ > 0) std::memcpy(grown.get(), data_.get(), std::min(size_, size));
      data_ = std::move(grown);
      capacity_ = capacity;
    }
    size_ = size;
  }

  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  std::string_view view() const { return std::string_view(data_.get(), size_); }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace adxm
