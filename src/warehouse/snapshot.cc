#include "warehouse/snapshot.h"

#include <unistd.h>

#include <atomic>
#include <fmt/format.h>

#include "warehouse/layout.h"
#include "warehouse/manifest.h"

namespace adxm {

Snapshot::~Snapshot() {
  if (lease_ == nullptr) return;
  lease_.reset();
  (void)store_->Delete(lease_key_);  // A vacuum would delete it too, once unheld.
}

Result<std::unique_ptr<Snapshot>> Snapshot::Open(Store* store) {
  std::unique_ptr<Snapshot> snapshot(new Snapshot(store));
  ADXM_ASSIGN_OR_RETURN(auto manifest, Manifest::Open(store));
  if (manifest->empty()) {
    std::vector<StoreEntry> any;
    ADXM_RETURN_IF_ERROR(store->List(std::string(WarehouseLayout::kMetaPrefix), &any));
    ADXM_RETURN_IF_ERROR(store->List(std::string(WarehouseLayout::kTablePrefix), &any));
    if (any.empty()) return Status::NotFound(store->Describe() + ": not an adxmetrics warehouse (no " +
                                             std::string(WarehouseLayout::kMetaPrefix) + " folder)");
  }
  const ManifestState& state = manifest->state();
  snapshot->txn_ = state.txn;
  if (!state.legacy && state.txn > 0) {
    static std::atomic<uint64_t> counter{0};
    std::string key = fmt::format("{}{:020d}-{}-{}", WarehouseLayout::kLeasePrefix, state.txn, ::getpid(),
                                  counter.fetch_add(1));
    auto lease = store->Lease(key);
    if (lease.ok()) {  // Read-only warehouses: the retention window protects the snapshot.
      snapshot->lease_ = std::move(*lease);
      snapshot->lease_key_ = key;
    }
  }
  for (const std::string& relative : state.live_files) {
    // Format 1 has no stable copies; its files live under their visible names only.
    std::string key = state.legacy ? WarehouseLayout::VisibleKey(relative) : WarehouseLayout::DataKey(relative);
    snapshot->files_.push_back({relative, store->ReaderPath(key)});
  }
  return snapshot;
}

}  // namespace adxm
