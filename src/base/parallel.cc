#include "base/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

#include "base/out_of_memory.h"

namespace adxm {

Status ParallelFor(size_t count, size_t max_threads, const std::function<Status(size_t)>& fn) {
  std::vector<Status> results(count);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t index = next++; index < count; index = next++) {
      results[index] = OutOfMemoryAsStatus([&] { return fn(index); });
    }
  };
  size_t helpers = std::min(count, std::max<size_t>(max_threads, 1)) - (count > 0 ? 1 : 0);
  std::vector<std::thread> threads;
  threads.reserve(helpers);
  for (size_t i = 0; i < helpers; ++i) {
    try {
      threads.emplace_back(work);
    } catch (const std::exception&) {  // std::system_error, std::bad_alloc.
      break;  // No more threads to be had: the ones running and this one do the rest.
    }
  }
  work();
  for (std::thread& thread : threads) thread.join();
  for (Status& status : results) {
    if (!status.ok()) return status;
  }
  return Status::OK();
}

}  // namespace adxm
