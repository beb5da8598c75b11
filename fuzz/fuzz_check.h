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

}  // namespace adxm::fuzz
