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

namespace {

std::string LeaseKey(uint64_t txn) {
  static std::atomic<uint64_t> counter{0};
  return fmt::format("{}{:020d}-{}-{}", WarehouseLayout::kLeasePrefix, txn, ::getpid(), counter.fetch_add(1));
}

// Open the manifest; a file the writer deleted between our listing and our read (an old log
// entry after a checkpoint, a migrated format-1 manifest) means: list again.
Result<std::unique_ptr<Manifest>> OpenManifest(Store* store) {
  Result<std::unique_ptr<Manifest>> manifest = Manifest::Open(store);
  for (int attempt = 1; attempt < 5 && manifest.status().code() == StatusCode::kNotFound; ++attempt) {
    manifest = Manifest::Open(store);
  }
  return manifest;
}

}  // namespace

Result<std::unique_ptr<Snapshot>> Snapshot::Open(Store* store) {
  std::unique_ptr<Snapshot> snapshot(new Snapshot(store));
  ADXM_ASSIGN_OR_RETURN(auto manifest, OpenManifest(store));
  if (manifest->empty()) return snapshot;  // Nothing committed yet: no files.
  // A provisional lease at txn 0 holds off every vacuum while the state is read again; the lease
  // for that state's txn replaces it below. (Read-only warehouses get no lease: the retention
  // window protects their readers.)
  std::string provisional_key = LeaseKey(0);
  auto provisional = store->Lease(provisional_key);
  if (provisional.ok()) {
    ADXM_ASSIGN_OR_RETURN(manifest, OpenManifest(store));
  }
  const ManifestState& state = manifest->state();
  snapshot->txn_ = state.txn;
  if (!state.legacy && state.txn > 0) {
    std::string key = LeaseKey(state.txn);
    auto lease = store->Lease(key);
    if (lease.ok()) {
      snapshot->lease_ = std::move(*lease);
      snapshot->lease_key_ = key;
    }
  }
  if (provisional.ok()) {
    provisional->reset();
    (void)store->Delete(provisional_key);
  }
  std::vector<std::string> keys;
  for (const std::string& relative : state.live_files) {
    // Format 1 has no stable copies; its files live under their visible names only.
    keys.push_back(state.legacy ? WarehouseLayout::VisibleKey(relative) : WarehouseLayout::DataKey(relative));
    snapshot->files_.push_back({relative, store->ReaderPath(keys.back())});
  }
  ADXM_RETURN_IF_ERROR(store->MakeReadable(keys));
  return snapshot;
}

}  // namespace adxm
