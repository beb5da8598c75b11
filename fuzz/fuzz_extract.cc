// Fuzz target: one log object's bytes (gzip, as read from the bucket) -> Extractor::ExtractObject.
// A custom mutator mostly mutates the decompressed JSON and recompresses it (libFuzzer's recipe for
// compressed inputs), so inputs reach the record parser through the gzip path; every fourth
// mutation changes the compressed bytes themselves, for the gzip decoder.
#include <libdeflate.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cloudtrail/extractor.h"
#include "fuzz_check.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

constexpr size_t kMaxJsonSize = 1 << 20;

// Decompress `data` into `json` (kMaxJsonSize bytes); return the size, or 0 unless it is one
// whole gzip member.
size_t Decompress(const uint8_t* data, size_t size, uint8_t* json) {
  static libdeflate_decompressor* decompressor = libdeflate_alloc_decompressor();
  size_t json_size = 0;
  return libdeflate_gzip_decompress(decompressor, data, size, json, kMaxJsonSize, &json_size) ==
                 LIBDEFLATE_SUCCESS
             ? json_size
             : 0;
}

// Write `json` gzip-compressed to `out` (capacity `max_size`); return its size, 0 if it does not fit.
size_t Compress(const uint8_t* json, size_t size, uint8_t* out, size_t max_size) {
  static libdeflate_compressor* compressor = libdeflate_alloc_compressor(1);
  return libdeflate_gzip_compress(compressor, json, size, out, max_size);
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  static uint8_t* const json = new uint8_t[kMaxJsonSize];
  size_t json_size = seed % 4 == 0 ? 0 : Decompress(data, size, json);
  if (json_size == 0) return LLVMFuzzerMutate(data, size, max_size);
  json_size = LLVMFuzzerMutate(json, json_size, std::min(2 * json_size + 64, kMaxJsonSize));
  size_t compressed = Compress(json, json_size, data, max_size);
  return compressed != 0 ? compressed : LLVMFuzzerMutate(data, size, max_size);
}

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
