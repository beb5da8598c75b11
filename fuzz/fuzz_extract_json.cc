// Fuzz target: decompressed log JSON -> Extractor::ExtractJson, under the default ADX accounts
// and with every access point accepted. The input is copied into a buffer with exactly
// SIMDJSON_PADDING spare bytes, so ASan catches any read past the padding.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>

#include "cloudtrail/extractor.h"
#include "fuzz_check.h"

namespace {

adxm::ExtractOptions AllAccessPoints() {
  adxm::ExtractOptions options;
  options.all_access_points = true;
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static adxm::Extractor adx_only{adxm::ExtractOptions{}};
  static adxm::Extractor any_owner{AllAccessPoints()};
  simdjson::padded_string json(reinterpret_cast<const char*>(data), size);
  adxm::RowBatch adx_rows;
  adxm::ExtractStats adx_stats;
  adxm::Status adx_status = adx_only.ExtractJson(json, "fuzz.json.gz", "", &adx_rows, &adx_stats);
  adxm::fuzz::CheckExtraction(adx_status, adx_rows, adx_stats);
  adxm::RowBatch any_rows;
  adxm::ExtractStats any_stats;
  adxm::Status any_status = any_owner.ExtractJson(json, "fuzz.json.gz", "", &any_rows, &any_stats);
  adxm::fuzz::CheckExtraction(any_status, any_rows, any_stats);
  if (adx_status.ok() && any_status.ok()) {
    adxm::fuzz::Require(adx_stats.records == any_stats.records, "the options do not change the record count");
    adxm::fuzz::Require(adx_stats.qualifying <= any_stats.qualifying, "ADX access points are access points");
  }
  return 0;
}
