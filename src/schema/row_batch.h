// RowBatch: rows of the curated table, the hand-off between extraction (cloudtrail) and the
// Parquet writer (dataset).
//
// Cells are stored row by row; strings live in one arena per batch (a cell stores offset and
// length), so appending a row costs no allocation beyond amortized vector growth.
// Timestamps are microseconds since the Unix epoch (UTC).
//
// Thread-safety: none; one batch per thread.
// Example:
//   RowBatch batch;
//   size_t row = batch.AddRow();
//   batch.SetString(kEventId, "5b0c...");
//   batch.SetInt(kEventTime, micros);
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_buffer.h"
#include "schema/schema.h"

namespace adxm {

class RowBatch {
 public:
  /// Append a row whose cells are all NULL; return its index.
  size_t AddRow() {
    cells_.resize(cells_.size() + kNumColumns, kNullCell);
    int_valid_.push_back(0);
    return num_rows_++;
  }

  /// Set a VARCHAR cell of the last row (copies `value` into the arena).
  /// Precondition: `value` does not point into this batch (the arena may move).
  void SetString(ColumnId column, std::string_view value) {
    size_t offset = arena_.size();
    arena_.Resize(offset + value.size());
    if (!value.empty()) std::memcpy(arena_.data() + offset, value.data(), value.size());
    LastRowCell(column) = Cell{static_cast<uint32_t>(offset), static_cast<uint32_t>(value.size())};
  }

  /// As SetString, but when the previous row holds the same bytes in this column the cell shares
  /// them instead of copying: most columns repeat row to row (one bucket, one user agent, one
  /// operation), so the arena, the copies made of it and the cache lines it takes all shrink.
  void SetStringOrShare(ColumnId column, std::string_view value) {
    if (num_rows_ >= 2) {
      const Cell& previous = CellAt(column, num_rows_ - 2);
      if (previous.length == value.size() &&
          (value.empty() || std::memcmp(arena_.data() + previous.offset, value.data(), value.size()) == 0)) {
        LastRowCell(column) = previous;
        return;
      }
    }
    SetString(column, value);
  }

  /// Set a VARCHAR cell of the last row to the value of row `row` in the same column, sharing
  /// its bytes (for values repeated on every row of an object, like its key).
  /// Precondition: `row` is an earlier row.
  void ShareStringFrom(ColumnId column, size_t row) { LastRowCell(column) = CellAt(column, row); }

  /// Set a BIGINT or TIMESTAMP cell of the last row.
  void SetInt(ColumnId column, int64_t value) {
    LastRowCell(column) =
        Cell{static_cast<uint32_t>(value), static_cast<uint32_t>(static_cast<uint64_t>(value) >> 32)};
    int_valid_.back() |= uint32_t{1} << column;
  }

  bool IsNull(ColumnId column, size_t row) const {
    if (kColumns[column].type == ColumnType::kVarchar) return CellAt(column, row).length == kNullLength;
    return (int_valid_[row] & (uint32_t{1} << column)) == 0;
  }

  /// Precondition: the cell is a non-NULL VARCHAR.
  std::string_view GetString(ColumnId column, size_t row) const {
    const Cell& cell = CellAt(column, row);
    return std::string_view(arena_.data() + cell.offset, cell.length);
  }

  /// Precondition: the cell is a non-NULL BIGINT/TIMESTAMP.
  int64_t GetInt(ColumnId column, size_t row) const {
    const Cell& cell = CellAt(column, row);
    return static_cast<int64_t>(static_cast<uint64_t>(cell.offset) |
                                (static_cast<uint64_t>(cell.length) << 32));
  }

  /// Append a copy of `other`'s row `row`. Precondition: `other` is another batch.
  void AppendRowFrom(const RowBatch& other, size_t row) {
    AddRow();
    for (int column = 0; column < kNumColumns; ++column) {
      auto id = static_cast<ColumnId>(column);
      if (other.IsNull(id, row)) continue;
      if (kColumns[column].type == ColumnType::kVarchar) {
        SetString(id, other.GetString(id, row));
      } else {
        SetInt(id, other.GetInt(id, row));
      }
    }
  }

  /// Drop the last row (used when a record turns out not to qualify after all).
  void PopRow() {
    cells_.resize(cells_.size() - kNumColumns);
    int_valid_.pop_back();
    --num_rows_;
  }

  size_t num_rows() const { return num_rows_; }

  /// Where the batch ends, to drop what is appended after it (RollBack).
  struct Mark {
    size_t rows;
    size_t arena_bytes;
  };
  Mark GetMark() const { return Mark{num_rows_, arena_.size()}; }
  /// Drop every row appended since `mark`. Precondition: no row before it was removed since.
  void RollBack(Mark mark) {
    cells_.resize(mark.rows * kNumColumns);
    int_valid_.resize(mark.rows);
    arena_.Resize(mark.arena_bytes);
    num_rows_ = mark.rows;
  }

  /// Approximate heap bytes held, for flush thresholds.
  size_t ByteSize() const {
    return arena_.size() + num_rows_ * (kNumColumns * sizeof(Cell) + sizeof(uint32_t));
  }

  /// Heap bytes reserved (used or not), for memory bounds.
  size_t CapacityBytes() const {
    return arena_.capacity() + cells_.capacity() * sizeof(Cell) + int_valid_.capacity() * sizeof(uint32_t);
  }

  /// Make room for `rows` more rows holding `string_bytes` more string bytes, so appending
  /// them does not reallocate (an estimate; exceeding it only costs reallocations).
  void Reserve(size_t rows, size_t string_bytes) {
    cells_.reserve((num_rows_ + rows) * kNumColumns);
    int_valid_.reserve(num_rows_ + rows);
    arena_.Resize(arena_.size(), string_bytes);
  }

  /// Replace the contents with a copy of `other` in buffers of exactly its size (no spare
  /// capacity): extraction fills a reused batch, reserved for a whole object's records, and hands
  /// on such a copy, so that batches held until their commit cost what they hold.
  void AssignCompact(const RowBatch& other) {
    cells_ = std::vector<Cell>(other.cells_.begin(), other.cells_.end());
    int_valid_ = std::vector<uint32_t>(other.int_valid_.begin(), other.int_valid_.end());
    arena_ = ByteBuffer();
    arena_.Resize(other.arena_.size());
    if (other.arena_.size() > 0) std::memcpy(arena_.data(), other.arena_.data(), other.arena_.size());
    num_rows_ = other.num_rows_;
  }

  /// Remove all rows, keeping capacity.
  void Clear() {
    cells_.clear();
    int_valid_.clear();
    arena_.Resize(0);
    num_rows_ = 0;
  }

 private:
  struct Cell {
    uint32_t offset;  // VARCHAR: offset into arena_. Integers: low 32 bits.
    uint32_t length;  // VARCHAR: byte length, kNullLength for NULL. Integers: high 32 bits.
  };
  static constexpr uint32_t kNullLength = 0xFFFFFFFFu;
  static constexpr Cell kNullCell{0, kNullLength};
  static_assert(kNumColumns <= 32, "int_valid_ holds a bit per column");

  const Cell& CellAt(ColumnId column, size_t row) const { return cells_[row * kNumColumns + column]; }
  Cell& LastRowCell(ColumnId column) { return cells_[(num_rows_ - 1) * kNumColumns + column]; }

  // Row-major: a row's cells lie together, as extraction writes them and the Parquet writer
  // gathers them (one row at a time, every column).
  std::vector<Cell> cells_;
  // Per row, bit c set when integer column c is non-NULL.
  std::vector<uint32_t> int_valid_;
  ByteBuffer arena_;
  size_t num_rows_ = 0;
};

/// One row of a batch: what day buffers and the Parquet writer pass around instead of copies.
struct RowRef {
  const RowBatch* batch;
  uint32_t row;
};

}  // namespace adxm
