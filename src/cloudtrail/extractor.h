// Extraction of ADX usage rows from CloudTrail log objects (DESIGN.md §2).
//
// An Extractor gunzips a log object (a large one a window of records at a time: memory stays
// flat in object size), walks its `{"Records":[...]}` once with simdjson ondemand,
// keeps the records that are read-only S3 data events through an ADX access point, and appends
// one curated row per such record to a RowBatch. Only qualifying records are held to our schema:
// any other record is counted and skipped whatever its shape. A qualifying record that cannot
// become a row (a field of the wrong type, a duplicate key, no eventID, an implausible eventTime)
// is returned as a MalformedRecord while the object's other rows are kept. An object that cannot
// be read at all (gzip, JSON syntax, UTF-8, no Records array) is rejected as a whole.
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
#include "cloudtrail/gzip.h"
#include "schema/row_batch.h"

namespace adxm {

/// Return the ADX service accounts that own ADX access points (DESIGN.md §2).
const std::vector<std::string>& DefaultAdxAccounts();

/// 2013-11-01T00:00:00Z in microseconds: CloudTrail logged nothing earlier.
inline constexpr int64_t kEarliestEventTimeMicros = 1383264000000000;

/// Which records qualify, and the limits applied to them.
struct ExtractOptions {
  std::vector<std::string> adx_accounts = DefaultAdxAccounts();  // Access point owners that qualify.
  bool all_access_points = false;  // Accept an access point of any owner.
  // Decompressed bytes one object may inflate to; larger objects are rejected (gzip bombs).
  // Real CloudTrail log objects hold tens of MB of JSON at most.
  size_t max_object_bytes = size_t{1} << 30;
  // A qualifying record whose eventTime lies outside [earliest, latest] is malformed. latest = 0
  // means one day after the Extractor was made (clock injected by tests through this field).
  int64_t earliest_event_time_us = kEarliestEventTimeMicros;
  int64_t latest_event_time_us = 0;
  size_t max_raw_record_bytes = 4096;  // MalformedRecord::raw_json is cut at this many bytes.
  Inflater inflater = Inflater::kLibdeflate;  // Which library gunzips (gzip.h).
  // Objects announcing (gzip ISIZE) at least this many bytes of JSON are inflated and parsed a
  // window of records at a time (GzipStream), so memory follows window_bytes, not the object;
  // 0 reads every object whole. An object of another shape than compact `{"Records":[{"key"...`
  // or that fails to decode is read whole, so rows, malformed records and errors are those of
  // reading it whole with Inflater::kIsal (which, unlike libdeflate, also accepts a deflate
  // stream whose Huffman code is incomplete; the CRC-32 and size still check the content).
  size_t window_min_bytes = size_t{1} << 20;
  size_t window_bytes = size_t{1} << 20;  // JSON inflated and parsed at a time.
  // A record start is sought in at most this much JSON (or two windows): past it (one record
  // that large, records that start differently) the object is read whole.
  size_t window_search_bytes = size_t{8} << 20;
};

/// Counts for one or more extracted objects.
struct ExtractStats {
  uint64_t records = 0;     // Records read.
  uint64_t qualifying = 0;  // Rows appended.
  uint64_t malformed = 0;   // Qualifying records that could not become rows.

  /// Add `other`'s counts.
  ExtractStats& operator+=(const ExtractStats& other) {
    records += other.records;
    qualifying += other.qualifying;
    malformed += other.malformed;
    return *this;
  }
};

/// A qualifying record that could not become a row.
struct MalformedRecord {
  uint64_t record_index = 0;  // Position in the object's Records array, from 0.
  std::string reason;         // E.g. `field "eventTime": cannot parse "yesterday" as a UTC timestamp`.
  std::string raw_json;       // The record as written, cut at max_raw_record_bytes (on a UTF-8 boundary).
};

/// Turns CloudTrail log objects into curated rows.
class Extractor {
 public:
  /// Make an extractor for `options`.
  explicit Extractor(ExtractOptions options);
  ~Extractor();
  Extractor(Extractor&&) noexcept;
  Extractor& operator=(Extractor&&) noexcept;

  /// Gunzip and parse one log object; append its qualifying records to `out`, its malformed
  /// qualifying records to `*malformed` (if not null) and, on success, add its counts to `*stats`.
  /// `log_region` may be empty (stored as NULL).
  /// Returns Corruption for bytes that do not decode (gzip, JSON syntax, UTF-8, too large) and
  /// InvalidArgument for a document of the wrong shape (no Records array, a duplicate Records
  /// key); the message gives the reason (the caller prefixes the key). On error `out` and
  /// `*malformed` may hold some of the object's entries: discard them.
  Status ExtractObject(std::string_view gz_bytes, std::string_view source_key,
                       std::string_view log_region, RowBatch* out, ExtractStats* stats,
                       std::vector<MalformedRecord>* malformed = nullptr);

  /// Like ExtractObject, for JSON that is already decompressed (with SIMDJSON_PADDING spare bytes).
  Status ExtractJson(simdjson::padded_string_view json, std::string_view source_key,
                     std::string_view log_region, RowBatch* out, ExtractStats* stats,
                     std::vector<MalformedRecord>* malformed = nullptr);

  /// Objects read a window at a time so far (ExtractOptions::window_min_bytes); the others were
  /// read whole.
  uint64_t windowed_objects() const;

 private:
  class Impl;  // Hides simdjson ondemand types, which depend on the compiler's target flags.
  std::unique_ptr<Impl> impl_;
};

}  // namespace adxm
