#include "ingest/extract_pool.h"

#include "base/out_of_memory.h"

namespace adxm {

ExtractPool::ExtractPool(LogSource* source, const std::vector<ObjectInfo>& objects, const ExtractOptions& options,
                         int threads)
    : source_(source), objects_(objects) {
  results_.resize(objects.size());
  int worker_count = std::max(threads, 1);
  for (int i = 0; i < worker_count; ++i) workers_.push_back(std::make_unique<Worker>(options));
  // workers_[0] belongs to the consumer; the others get a thread each.
  for (size_t i = 1; i < workers_.size(); ++i) {
    threads_.emplace_back([this, worker = workers_[i].get()] { WorkerLoop(worker); });
  }
}

ExtractPool::~ExtractPool() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  space_cv_.notify_all();
  for (auto& thread : threads_) thread.join();
}

namespace {

// I/O errors and unavailability may pass; a missing or unreadable object (permissions) does not.
bool IsTransient(const Status& status) {
  return status.code() == StatusCode::kIoError || status.code() == StatusCode::kUnavailable;
}

}  // namespace

std::unique_ptr<ExtractedObject> ExtractPool::Extract(size_t index, Worker* worker) {
  auto result = std::make_unique<ExtractedObject>();
  const ObjectInfo& object = objects_[index];
  // A read error is not the object's fault: try again before giving up on the run.
  for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
    result->status = OutOfMemoryAsStatus([&] { return source_->Read(object, &worker->buffer, 0); });
    if (result->status.ok() || !IsTransient(result->status)) break;
  }
  if (!result->status.ok()) {
    result->read_failed = IsTransient(result->status);
    return result;
  }
  // Workers end in a Status whatever happens; Ingest fails the run on Internal.
  // Extract into the worker's batch, whose capacity (reserved for all of an object's records)
  // is reused, then keep an exact copy: results wait in the window and then in a commit, where
  // spare capacity would be memory held for nothing and fresh pages for every object.
  result->status = OutOfMemoryAsStatus([&] {
    LogKeyInfo info = ClassifyLogKey(object.key);
    worker->rows.Clear();
    Status status = worker->extractor.ExtractObject(worker->buffer, object.key, info.region, &worker->rows,
                                                    &result->stats, &result->malformed);
    if (status.ok()) result->rows.AssignCompact(worker->rows);
    return status;
  });
  return result;
}

bool ExtractPool::MayClaim() const {
  return next_claim_ < objects_.size() && next_claim_ < next_consume_ + kMaxWindowObjects &&
         window_bytes_ < kWindowBytes;
}

void ExtractPool::Finish(size_t index, std::unique_ptr<ExtractedObject> result) {
  window_bytes_ += result->rows.CapacityBytes();
  results_[index] = std::move(result);
}

void ExtractPool::WorkerLoop(Worker* worker) {
  MutexLock lock(&mu_);
  for (;;) {
    space_cv_.wait(lock, [&] { return stopping_ || next_claim_ >= objects_.size() || MayClaim(); });
    if (stopping_ || next_claim_ >= objects_.size()) return;
    size_t index = next_claim_++;
    lock.unlock();
    auto result = Extract(index, worker);
    lock.lock();
    Finish(index, std::move(result));
    ready_cv_.notify_all();
  }
}

bool ExtractPool::AllClaimed() {
  if (threads_.empty()) return next_consume_ >= objects_.size();
  MutexLock lock(&mu_);
  return next_claim_ >= objects_.size();
}

std::unique_ptr<ExtractedObject> ExtractPool::Next() {
  if (threads_.empty()) return Extract(next_consume_++, workers_[0].get());
  std::unique_ptr<ExtractedObject> result;
  {
    MutexLock lock(&mu_);
    while (results_[next_consume_] == nullptr) {
      // Rather than wait idle, extract an unclaimed object (the one needed next, if no worker
      // has taken it). When the window is full, the next object is being extracted by a worker
      // (an unclaimed next object means nothing unconsumed is finished), so waiting is safe.
      if (MayClaim()) {
        size_t index = next_claim_++;
        lock.unlock();
        auto extracted = Extract(index, workers_[0].get());
        lock.lock();
        Finish(index, std::move(extracted));
        continue;
      }
      ready_cv_.wait(lock);
    }
    result = std::move(results_[next_consume_]);
    ++next_consume_;
    window_bytes_ -= result->rows.CapacityBytes();
  }
  space_cv_.notify_all();
  return result;
}

}  // namespace adxm
