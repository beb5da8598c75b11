// Extraction of ADX usage rows from CloudTrail log objects (DESIGN.md §2).
//
// An Extractor gunzips a log object, walks its `{"Records":[...]}` once with simdjson ondemand,
// keeps the records that are read-only S3 data events through an ADX access point, and appends
// one curated row per such record to a RowBatch. A malformed object is rejected as a whole.
//
// Thread-safety: none; one Extractor per worker thread (it reuses its parser and buffers).
// Example:
//   Extractor extractor(ExtractOptions{});
//   RowBatch batch;
//   ExtractStats stats;
//   Status status = extractor.ExtractObject(gz_bytes, key, ClassifyLogKey(key).region, &batch, &stats);
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "schema/row_batch.h"

namespace adxm {

/// Return the ADX service accounts that own ADX access points (DESIGN.md §2).
const std::vector<std::string>& DefaultAdxAccounts();

/// Which records qualify.
struct ExtractOptions {
  std::vector<std::string> adx_accounts = DefaultAdxAccounts();  // Access point owners that qualify.
  bool all_access_points = false;  // Accept an access point of any owner.
};

/// Counts for one or more extracted objects.
struct ExtractStats {
  uint64_t records = 0;     // Records read.
  uint64_t qualifying = 0;  // Rows appended.
};

/// Turns CloudTrail log objects into curated rows.
class Extractor {
 public:
  /// Make an extractor for `options`.
  explicit Extractor(ExtractOptions options);
  ~Extractor();
  Extractor(Extractor&&) noexcept;
  Extractor& operator=(Extractor&&) noexcept;

  /// Gunzip and parse one log object; append its qualifying records to `out` and, on success,
  /// add its counts to `*stats`. `log_region` may be empty (stored as NULL).
  /// Returns Corruption for bytes that do not decode (gzip, JSON syntax, UTF-8) and
  /// InvalidArgument for JSON of the wrong shape; the message gives the reason (the caller
  /// prefixes the key). On error `out` may hold some of the object's rows: discard it.
  Status ExtractObject(std::string_view gz_bytes, std::string_view source_key,
                       std::string_view log_region, RowBatch* out, ExtractStats* stats);

  /// Like ExtractObject, for JSON that is already decompressed (with SIMDJSON_PADDING spare bytes).
  Status ExtractJson(simdjson::padded_string_view json, std::string_view source_key,
                     std::string_view log_region, RowBatch* out, ExtractStats* stats);

 private:
  class Impl;  // Hides simdjson ondemand types, which depend on the compiler's target flags.
  std::unique_ptr<Impl> impl_;
};

}  // namespace adxm
