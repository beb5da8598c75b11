// ExtractPool: extracts log objects on worker threads and hands results back in input order.
//
// Workers run at most `window` objects ahead of the consumer, so memory stays bounded
// whatever the number of objects. With threads == 1 no thread is started: Next()
// extracts inline, which keeps single-threaded runs free of hand-off costs.
//
// Thread-safety: Next() from one consumer thread; workers are internal.
// Example:
//   ExtractPool pool(source, objects, options, /*threads=*/2);
//   for (size_t i = 0; i < objects.size(); ++i) { ExtractedObject result = pool.Next(); ... }
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cloudtrail/extractor.h"
#include "cloudtrail/log_key.h"
#include "schema/row_batch.h"
#include "source/log_source.h"

namespace adxm {

/// The outcome of extracting one object.
struct ExtractedObject {
  Status status;        // Not OK: the object is rejected for this reason (message names no key).
  RowBatch rows;        // Qualifying rows, in file order.
  ExtractStats stats;   // Records seen and qualifying.
};

class ExtractPool {
 public:
  /// Extract `objects` from `source`; `objects` must outlive the pool.
  ExtractPool(LogSource* source, const std::vector<ObjectInfo>& objects, const ExtractOptions& options,
              int threads);
  ~ExtractPool();
  ExtractPool(const ExtractPool&) = delete;
  ExtractPool& operator=(const ExtractPool&) = delete;

  /// Return the result for the next object in input order (blocks until it is ready).
  std::unique_ptr<ExtractedObject> Next();

 private:
  struct Worker {
    explicit Worker(const ExtractOptions& options) : extractor(options) {}
    Extractor extractor;
    std::string buffer;  // Compressed bytes, reused across objects.
  };
  std::unique_ptr<ExtractedObject> Extract(size_t index, Worker* worker);
  void WorkerLoop(Worker* worker);

  LogSource* source_;
  const std::vector<ObjectInfo>& objects_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  size_t window_;

  std::mutex mu_;
  std::condition_variable ready_cv_;  // A result arrived.
  std::condition_variable space_cv_;  // The consumer advanced or the pool is stopping.
  std::vector<std::unique_ptr<ExtractedObject>> results_;  // Guarded by mu_.
  size_t next_claim_ = 0;   // Guarded by mu_: next index a worker may take.
  size_t next_consume_ = 0; // Guarded by mu_: next index Next() returns.
  bool stopping_ = false;   // Guarded by mu_.
};

}  // namespace adxm
