// Invariant checks shared by the fuzz targets: a violated invariant aborts, which libFuzzer
// reports as a crash and saves the input.
#pragma once

#include <cstdio>
#include <cstdlib>

#include "base/status.h"
#include "cloudtrail/extractor.h"
#include "schema/row_batch.h"

namespace adxm::fuzz {

/// Abort with `what` unless `condition` holds.
inline void Require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

/// Check the outcome of extracting one object into the empty `batch`.
inline void CheckExtraction(const Status& status, const RowBatch& batch, const ExtractStats& stats) {
  if (!status.ok()) {
    Require(!status.message().empty(), "an error has a message");
    Require(stats.records == 0 && stats.qualifying == 0, "a rejected object adds no counts");
    return;
  }
  Require(stats.qualifying == batch.num_rows(), "one row per qualifying record");
  Require(stats.qualifying <= stats.records, "qualifying records are records");
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    Require(!batch.IsNull(kEventId, row), "every row has an eventID");
    Require(!batch.IsNull(kEventTime, row), "every row has an eventTime");
  }
}

/// Return whether `a` and `b` hold the same rows, cell by cell.
inline bool SameRows(const RowBatch& a, const RowBatch& b) {
  if (a.num_rows() != b.num_rows()) return false;
  for (size_t row = 0; row < a.num_rows(); ++row) {
    for (int column = 0; column < kNumColumns; ++column) {
      auto id = static_cast<ColumnId>(column);
      if (a.IsNull(id, row) != b.IsNull(id, row)) return false;
      if (a.IsNull(id, row)) continue;
      if (kColumns[column].type == ColumnType::kVarchar ? a.GetString(id, row) != b.GetString(id, row)
                                                        : a.GetInt(id, row) != b.GetInt(id, row)) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace adxm::fuzz
