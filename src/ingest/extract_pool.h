// ExtractPool: extracts log objects on worker threads and hands results back in input order.
//
// `threads` threads extract in all: threads - 1 workers plus the consumer, which extracts an
// unclaimed object itself whenever the result it needs next is not ready (so at two threads
// exactly two are busy, and the consumer's own work, such as writing a commit, neither leaves a
// core idle nor oversubscribes one). Workers run ahead of the consumer by at most
// kMaxWindowObjects objects and kWindowBytes of finished, unconsumed rows, so memory stays
// bounded whatever the number or size of objects. With threads == 1 no thread is started.
//
// Thread-safety: Next() from one consumer thread; workers are internal.
// Example:
//   ExtractPool pool(source, objects, options, /*threads=*/2);
//   for (size_t i = 0; i < objects.size(); ++i) { std::unique_ptr<ExtractedObject> result = pool.Next(); ... }
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "base/thread_annotations.h"
#include "cloudtrail/extractor.h"
#include "cloudtrail/log_key.h"
#include "schema/row_batch.h"
#include "source/log_source.h"

namespace adxm {

/// The outcome of extracting one object.
struct ExtractedObject {
  Status status;        // Not OK: the object is rejected for this reason (message names no key).
  bool read_failed = false;  // The status is a read error (transient: the run fails, no reject).
  RowBatch rows;        // Qualifying rows, in file order.
  ExtractStats stats;   // Records seen and qualifying.
  std::vector<MalformedRecord> malformed;  // Qualifying records that could not become rows.
};

class ExtractPool {
 public:
  /// Reads of one object tried before a read error fails the run.
  static constexpr int kReadAttempts = 3;
  /// Objects workers may run ahead of the consumer.
  static constexpr size_t kMaxWindowObjects = 512;
  /// Bytes held by extracted rows (RowBatch::CapacityBytes of the compact copies) finished but
  /// not yet consumed, past which workers wait. Enough for a worker to keep busy while the
  /// consumer writes a commit (a commit takes ~1/4 of the time its rows took to extract); 16 MB
  /// cost 10-15 MB more peak RSS at 2 threads for no speed (docs/performance.md).
  static constexpr size_t kWindowBytes = 8u << 20;

  /// Extract `objects` from `source`; `objects` must outlive the pool.
  ExtractPool(LogSource* source, const std::vector<ObjectInfo>& objects, const ExtractOptions& options,
              int threads);
  ~ExtractPool();
  ExtractPool(const ExtractPool&) = delete;
  ExtractPool& operator=(const ExtractPool&) = delete;

  /// Return the result for the next object in input order (blocks until it is ready).
  std::unique_ptr<ExtractedObject> Next();

  /// Whether every object has been claimed for extraction: no extraction starts any more, so
  /// a core is free for other work (the workers finish at most the objects they hold).
  bool AllClaimed();

 private:
  struct Worker {
    explicit Worker(const ExtractOptions& options) : extractor(options) {}
    Extractor extractor;
    std::string buffer;  // Compressed bytes, reused across objects.
    RowBatch rows;       // Extracted rows, reused across objects; results get compact copies.
  };
  std::unique_ptr<ExtractedObject> Extract(size_t index, Worker* worker);
  // Whether another object may be claimed now.
  bool MayClaim() const ADXM_REQUIRES(mu_);
  // Store a finished result.
  void Finish(size_t index, std::unique_ptr<ExtractedObject> result) ADXM_REQUIRES(mu_);
  void WorkerLoop(Worker* worker);

  LogSource* source_;
  const std::vector<ObjectInfo>& objects_;
  std::vector<std::unique_ptr<Worker>> workers_;  // workers_[0] is the consumer's.
  std::vector<std::thread> threads_;

  Mutex mu_;
  std::condition_variable_any ready_cv_;  // A result arrived.
  std::condition_variable_any space_cv_;  // The consumer advanced or the pool is stopping.
  std::vector<std::unique_ptr<ExtractedObject>> results_ ADXM_GUARDED_BY(mu_);
  size_t next_claim_ ADXM_GUARDED_BY(mu_) = 0;    // Next index to extract.
  // Next index Next() returns; without workers only the consumer thread touches it.
  size_t next_consume_ = 0;
  size_t window_bytes_ ADXM_GUARDED_BY(mu_) = 0;  // Row bytes of finished, unconsumed results.
  bool stopping_ ADXM_GUARDED_BY(mu_) = false;
};

}  // namespace adxm
