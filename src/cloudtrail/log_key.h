// Classification of source keys: which objects are CloudTrail event logs, and their region.
//
// Keys are '/'-separated paths relative to the source root, laid out by CloudTrail as
// `…/AWSLogs/[o-xxxxxxxxxx/]<account>/CloudTrail/<region>/YYYY/MM/DD/<file>` with file names
// `<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<16 chars>.json.gz`.
//
// Thread-safety: pure functions.
// Example:
//   LogKeyInfo info = ClassifyLogKey(object.key);
//   if (info.is_log) {
//     ADXM_RETURN_IF_ERROR(extractor.ExtractObject(bytes, object.key, info.region, &batch, &stats));
//   }
#pragma once

#include <string_view>

namespace adxm {

/// What a source key is.
struct LogKeyInfo {
  bool is_log = false;      // True for a gzip'd event log (not a digest, insight or other file).
  std::string_view region;  // Region from the path or file name (a view into the key); empty if unknown.
  std::string_view stamp;   // Delivery time "YYYYMMDDTHHmmZ" from the file name; empty if not named so.
};

/// Classify `key`: a log is a `.json.gz` object outside any `CloudTrail-Digest/` or
/// `CloudTrail-Insight/` folder. The region is the path component after `CloudTrail/`, else the
/// one in a `<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<16 chars>.json.gz` file name.
LogKeyInfo ClassifyLogKey(std::string_view key);

/// True for a key in a `CloudTrail-Digest/` or `CloudTrail-Insight/` folder: a file CloudTrail
/// writes beside its event logs, expected in a trail's bucket and not read.
bool IsTrailCompanionKey(std::string_view key);

/// Order log keys by delivery time, then key: objects delivered together hold events of the
/// same hours whatever their region, so ingesting in this order keeps each day's rows together.
/// Keys without a delivery stamp come first, in key order.
bool DeliveredBefore(std::string_view a, std::string_view b);

}  // namespace adxm
