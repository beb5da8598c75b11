// ParallelFor: run independent calls on a few threads at once.
//
// The calls of a commit that wait on the disk (one fsync per data file and per folder) are
// independent; issued together, the filesystem serves them in one journal commit instead of one
// each. Shares of CPU work (a row group's columns, encoded by the commits at the end of a run)
// run the same way; for those, `max_threads` is the cores the caller may use, as every call up to it may get a
// thread of its own (started for the call, not pooled).
//
// Thread-safety: `fn` is called concurrently with distinct indexes.
// Example:
//   ADXM_RETURN_IF_ERROR(ParallelFor(files.size(), 16, [&](size_t i) { return files[i]->Sync(); }));
#pragma once

#include <cstddef>
#include <functional>

#include "base/status.h"

namespace adxm {

/// Call fn(0) .. fn(count - 1), on up to `max_threads` threads (the caller's among them), and
/// return the first failure by index once all calls have returned; OK if none failed.
Status ParallelFor(size_t count, size_t max_threads, const std::function<Status(size_t)>& fn);

}  // namespace adxm
