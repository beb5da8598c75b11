#include "dataset/extract_pool.h"

namespace adxm {

ExtractPool::ExtractPool(LogSource* source, const std::vector<ObjectInfo>& objects, const ExtractOptions& options,
                         int threads)
    : source_(source), objects_(objects), window_(static_cast<size_t>(threads) * 16 + 2) {
  results_.resize(objects.size());
  int worker_count = std::max(threads, 1);
  for (int i = 0; i < worker_count; ++i) workers_.push_back(std::make_unique<Worker>(options));
  if (threads <= 1) return;  // Inline mode.
  for (auto& worker : workers_) threads_.emplace_back([this, w = worker.get()] { WorkerLoop(w); });
}

ExtractPool::~ExtractPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  space_cv_.notify_all();
  for (auto& thread : threads_) thread.join();
}

std::unique_ptr<ExtractedObject> ExtractPool::Extract(size_t index, Worker* worker) {
  auto result = std::make_unique<ExtractedObject>();
  const ObjectInfo& object = objects_[index];
  result->status = source_->Read(object, &worker->buffer, 0);
  if (!result->status.ok()) return result;
  LogKeyInfo info = ClassifyLogKey(object.key);
  result->status = worker->extractor.ExtractObject(worker->buffer, object.key, info.region, &result->rows,
                                                   &result->stats);
  return result;
}

void ExtractPool::WorkerLoop(Worker* worker) {
  for (;;) {
    size_t index;
    {
      std::unique_lock<std::mutex> lock(mu_);
      space_cv_.wait(lock, [&] { return stopping_ || next_claim_ < next_consume_ + window_; });
      if (stopping_ || next_claim_ >= objects_.size()) return;
      index = next_claim_++;
    }
    auto result = Extract(index, worker);
    {
      std::lock_guard<std::mutex> lock(mu_);
      results_[index] = std::move(result);
    }
    ready_cv_.notify_all();
  }
}

std::unique_ptr<ExtractedObject> ExtractPool::Next() {
  if (threads_.empty()) return Extract(next_consume_++, workers_[0].get());
  std::unique_ptr<ExtractedObject> result;
  {
    std::unique_lock<std::mutex> lock(mu_);
    ready_cv_.wait(lock, [&] { return results_[next_consume_] != nullptr; });
    result = std::move(results_[next_consume_]);
    ++next_consume_;
  }
  space_cv_.notify_all();
  return result;
}

}  // namespace adxm
