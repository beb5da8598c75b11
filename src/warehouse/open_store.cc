#include "warehouse/open_store.h"

#include "warehouse/local_store.h"
#include "warehouse/s3_store.h"

namespace adxm {

Result<std::unique_ptr<Store>> OpenStore(const std::string& location, const StoreOptions& options) {
  if (IsS3Uri(location)) {
    ADXM_ASSIGN_OR_RETURN(S3Uri uri, ParseS3Uri(location));
    S3StoreOptions s3_options;
    s3_options.s3 = options.s3;
    s3_options.cache_dir = options.cache_dir;
    s3_options.cache_bytes = options.cache_bytes;
    ADXM_ASSIGN_OR_RETURN(std::unique_ptr<S3Store> store, S3Store::Open(uri, std::move(s3_options)));
    return std::unique_ptr<Store>(std::move(store));
  }
  ADXM_ASSIGN_OR_RETURN(std::unique_ptr<LocalStore> store, LocalStore::Open(location));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace adxm
