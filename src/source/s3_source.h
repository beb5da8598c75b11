// S3Source: CloudTrail log objects in an S3 bucket (s3://bucket/prefix), as a LogSource.
//
// Listing: List() lists every object under the prefix (ListObjectsV2, paginated). ListRecent()
// lists only what can be new, so a daily run's requests do not grow with history: it walks the
// folders with a delimiter ("AWSLogs/", accounts, organization folders "o-…/", "CloudTrail/",
// regions: a few requests) and, in each day-folder tree ".../CloudTrail/<region>/", lists from
// the day folder scope.since_day on (start-after: one request per 1,000 new objects), plus one
// one-key request to learn whether the tree is new to the warehouse (then it is listed whole).
// Objects directly in the folders walked are listed too, so nothing there is skipped silently.
//
// Reading: WillRead() starts fetching ahead in the announced order, `in_flight` objects at once
// and at most `max_buffered_bytes` of fetched, unread objects; Read() takes a fetched object or
// fetches it itself. Failures are the client's: retried with backoff, then an Unavailable that
// names the object (ingest treats it as a read error, never as a bad object).
//
// Thread-safety: List/ListRecent/WillRead from one thread; Read from several at once.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto source, OpenS3Source("s3://trail/AWSLogs/", {}));
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "s3/s3_client.h"
#include "source/log_source.h"

namespace adxm {

struct S3SourceOptions {
  S3Options s3;                             // Region, endpoint, credentials, retries.
  int in_flight = 32;                       // Objects fetched at once ahead of the readers.
  size_t max_buffered_bytes = 256u << 20;   // Fetched, unread bytes past which fetching waits.
};

/// Open the log objects under `uri` ("s3://bucket/prefix"). Nothing is requested until List.
Result<std::unique_ptr<LogSource>> OpenS3Source(const std::string& uri, const S3SourceOptions& options);

/// Open `location`: s3://bucket/prefix (S3Source, with `options`) or a directory (local source).
Result<std::unique_ptr<LogSource>> OpenLogSource(const std::string& location, const S3SourceOptions& options);

}  // namespace adxm
