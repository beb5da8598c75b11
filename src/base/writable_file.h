// WritableFile: a sink for an object being written (a local file, an S3 multipart upload, a
// fault-injecting wrapper). Writers such as the Parquet writer stream into it and never see a path.
//
// Thread-safety: one thread per file.
// Example:
//   ADXM_RETURN_IF_ERROR(file->Append(bytes));
//   ADXM_RETURN_IF_ERROR(file->Sync());
//   ADXM_RETURN_IF_ERROR(file->Close());
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace adxm {

/// An object being written. Append, then Sync (durable), then Close.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  /// Append `data` at the end.
  virtual Status Append(std::string_view data) = 0;
  /// Make everything appended so far durable.
  virtual Status Sync() = 0;
  /// Finish the object; no Append after it. Does not imply Sync.
  virtual Status Close() = 0;
};

/// Reads `size` bytes at `offset` of some object into `out` (fewer only at its end).
using ReadRangeFn = std::function<Status(uint64_t offset, uint64_t size, std::string* out)>;

}  // namespace adxm
