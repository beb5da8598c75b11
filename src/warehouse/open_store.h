// OpenStore: the Store of a warehouse location given by the user: "s3://bucket/prefix" is an
// S3Store, anything else a local directory (LocalStore).
//
// Thread-safety: a free function; the stores are as Store.
// Example:
//   ADXM_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(flags.warehouse, {.s3 = s3_options}));
//   ADXM_ASSIGN_OR_RETURN(auto warehouse, Warehouse::OpenForWrite(store.get(), {}));
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "s3/s3_client.h"
#include "warehouse/store.h"

namespace adxm {

/// What opening a store may need beyond its location (used by S3 locations only).
struct StoreOptions {
  S3Options s3;                       // Region, endpoint, credentials, retries.
  std::filesystem::path cache_dir;    // Readers' local cache; empty: $XDG_CACHE_HOME/adxmetrics or ~/.cache/adxmetrics.
  uint64_t cache_bytes = 4ull << 30;  // Trim the cache to this (least recently used first).
};

/// Open the store at `location`: an s3:// URI (S3Store) or a directory path (LocalStore).
Result<std::unique_ptr<Store>> OpenStore(const std::string& location, const StoreOptions& options);

}  // namespace adxm
