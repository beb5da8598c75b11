// Allocation failure on worker threads: an exception escaping a thread's function calls
// std::terminate, so each thread's work runs through OutOfMemoryAsStatus and ends in a Status.
//
// Thread-safety: a pure function template.
// Example:
//   result->status = OutOfMemoryAsStatus([&] { return ExtractOne(object); });
#pragma once

#include <new>
#include <utility>

#include "base/status.h"

namespace adxm {

/// Run `work` (returning Status) and return its Status, or Internal "out of memory" when it
/// throws std::bad_alloc (our code does not throw; the standard library does when memory runs out).
template <typename Work>
Status OutOfMemoryAsStatus(Work&& work) {
  try {
    return std::forward<Work>(work)();
  } catch (const std::bad_alloc&) {
    return Status::Internal("out of memory");
  }
}

}  // namespace adxm
