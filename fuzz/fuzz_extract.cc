// Fuzz target: one log object's bytes (gzip, as read from the bucket) -> Extractor::ExtractObject.
// Mostly exercises GzipDecoder; fuzz_extract_json reaches the record parser more directly.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cloudtrail/extractor.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Reused across inputs, like a worker's extractor (its buffers carry over).
  static adxm::Extractor extractor{adxm::ExtractOptions{}};
  std::string_view object(reinterpret_cast<const char*>(data), size);
  adxm::RowBatch batch;
  adxm::ExtractStats stats;
  adxm::Status status = extractor.ExtractObject(object, "fuzz.json.gz", "us-east-1", &batch, &stats);
  adxm::fuzz::CheckExtraction(status, batch, stats);
  return 0;
}
