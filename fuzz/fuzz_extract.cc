// Fuzz target: one log object's bytes (gzip, as read from the bucket) -> Extractor::ExtractObject.
// A custom mutator mostly mutates the decompressed JSON and recompresses it (libFuzzer's recipe for
// compressed inputs), so inputs reach the record parser through the gzip path; every fourth
// mutation changes the compressed bytes themselves, for the gzip decoder. Each input is read whole
// with ISA-L's inflate and in windows (the path of large objects): both must give the same outcome.
#include <libdeflate.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

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
  // Reused across inputs, like a worker's extractor (its buffers carry over). Inputs are small:
  // `whole` reads every object whole, `windowed` every object a window at a time (large
  // objects' path), with windows of 1 to 512 bytes; both must give the same outcome.
  // Large objects inflate with ISA-L, which accepts a little more than libdeflate (an
  // incomplete Huffman code): the whole read to compare with is ISA-L's.
  static adxm::Extractor whole{[] {
    adxm::ExtractOptions options;
    options.window_min_bytes = 0;
    options.inflater = adxm::Inflater::kIsal;
    return options;
  }()};
  static adxm::Extractor windowed[4] = {adxm::Extractor{adxm::ExtractOptions{}}, adxm::Extractor{adxm::ExtractOptions{}},
                                        adxm::Extractor{adxm::ExtractOptions{}}, adxm::Extractor{adxm::ExtractOptions{}}};
  static bool configured = [] {
    const size_t window_bytes[4] = {1, 7, 64, 512};
    for (int index = 0; index < 4; ++index) {
      adxm::ExtractOptions options;
      options.window_min_bytes = 1;
      options.window_bytes = window_bytes[index];
      options.inflater = adxm::Inflater::kIsal;  // For objects whose ISIZE says 0 bytes (read whole).
      windowed[index] = adxm::Extractor(options);
    }
    return true;
  }();
  static_cast<void>(configured);
  std::string_view object(reinterpret_cast<const char*>(data), size);
  adxm::RowBatch batch;
  adxm::ExtractStats stats;
  std::vector<adxm::MalformedRecord> malformed;
  adxm::Status status = whole.ExtractObject(object, "fuzz.json.gz", "us-east-1", &batch, &stats, &malformed);
  adxm::fuzz::CheckExtraction(status, batch, stats);
  adxm::RowBatch other_batch;
  adxm::ExtractStats other_stats;
  std::vector<adxm::MalformedRecord> other_malformed;
  adxm::Status other = windowed[size % 4].ExtractObject(object, "fuzz.json.gz", "us-east-1", &other_batch,
                                                        &other_stats, &other_malformed);
  adxm::fuzz::Require(other.ToString() == status.ToString(), "windowed: the same status as read whole");
  if (status.ok()) {
    adxm::fuzz::Require(other_stats.records == stats.records && other_stats.qualifying == stats.qualifying &&
                            other_stats.malformed == stats.malformed,
                        "windowed: the same counts as read whole");
    adxm::fuzz::Require(adxm::fuzz::SameRows(batch, other_batch), "windowed: the same rows as read whole");
    adxm::fuzz::Require(malformed.size() == other_malformed.size(), "windowed: the same malformed records");
    for (size_t index = 0; index < malformed.size(); ++index) {
      adxm::fuzz::Require(malformed[index].record_index == other_malformed[index].record_index &&
                              malformed[index].reason == other_malformed[index].reason &&
                              malformed[index].raw_json == other_malformed[index].raw_json,
                          "windowed: the same malformed records");
    }
  }
  return 0;
}
