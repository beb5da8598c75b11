// S3Client: the S3 operations adxmetrics needs, signed (SigV4), retried and explained.
//
// Operations: ListObjectsV2 (paginated, with start-after and delimiter), GetObject (whole or a
// range), HeadObject, PutObject (with If-None-Match: * / If-Match and user metadata), CopyObject,
// DeleteObject, DeleteObjects, multipart upload. Every request is signed with credentials from a
// CredentialProvider (the AWS CLI's chain) and counted per kind (counts()).
// Failures that may pass (HTTP 500/502/503/504, 429, SlowDown, RequestTimeout, a dropped or
// stalled connection, a truncated body) are retried with exponential backoff and full jitter, up
// to max_attempts, then reported as Unavailable naming the operation, the s3:// URI, the attempts
// and the last reason. Other failures are explained: 403 names the IAM action and the resource,
// 404 the missing key or bucket, a wrong region the bucket's region (from the response), expired
// credentials the credential source. No message holds a secret, a header value or a body.
// Addressing: path style (http://endpoint/bucket/key) for custom endpoints (--s3-endpoint,
// AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL), virtual-hosted (https://bucket.s3.region.amazonaws.com)
// for AWS when the bucket name allows it; S3Options::addressing overrides.
// Thread-safety: every method may be called from many threads at once; connections are pooled
// (one reused libcurl handle per concurrent request).
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto s3, S3Client::Make({.region = "eu-west-1"}));
//   std::vector<S3Object> objects;
//   ADXM_RETURN_IF_ERROR(s3->List({.bucket = "trail", .prefix = "AWSLogs/"}, &objects));
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "s3/credentials.h"

namespace adxm {

class HttpClient;

/// "s3://bucket/prefix" split in two; the prefix keeps its trailing '/' if given.
struct S3Uri {
  std::string bucket;
  std::string key;  // A prefix or a key; may be empty.
  /// Return "s3://bucket/key".
  std::string ToString() const;
};

/// True when `text` starts with "s3://".
bool IsS3Uri(std::string_view text);

/// Parse "s3://bucket[/key]"; InvalidArgument names what is wrong (no bucket, bad bucket name).
Result<S3Uri> ParseS3Uri(std::string_view text);

/// How requests address a bucket.
enum class S3Addressing { kAuto, kPath, kVirtualHosted };

struct S3Options {
  std::string region;    // Empty: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, "us-east-1".
  std::string endpoint;  // Empty: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else AWS's for the region.
  S3Addressing addressing = S3Addressing::kAuto;  // Auto: path style for custom endpoints.
  CredentialOptions credentials;                  // Profile, environment and clock for credentials.
  int max_attempts = 6;                           // Tries per request before giving up.
  std::chrono::milliseconds base_backoff{50};     // First retry waits up to this (full jitter)...
  std::chrono::milliseconds max_backoff{4000};    // ...doubling up to this.
  std::chrono::milliseconds connect_timeout{5000};
  // A request that moves no byte for this long is abandoned (and retried).
  std::chrono::milliseconds stall_timeout{20000};
  int list_page_size = 1000;                      // max-keys of each ListObjectsV2 request.
  uint64_t multipart_part_size = 16u << 20;       // Part size of multipart uploads (>= 5 MiB on AWS).
  // Non-zero: one attempt of a write (PUT, POST, DELETE) of under 1 MiB is abandoned after this
  // long, so a small write cannot land long after it was sent (lease-based locks rely on it).
  std::chrono::milliseconds small_write_timeout{0};
};

/// Called before every attempt of a write with the object's key (bucket-relative); a non-OK
/// status stops the write with that status. A lease-based writer lock checks it still holds.
using S3WriteGuard = std::function<Status(const std::string& key)>;

/// One object of a listing, or one HeadObject answer.
struct S3Object {
  std::string key;
  uint64_t size = 0;
  std::string etag;  // As S3 sends it, quotes removed.
  std::map<std::string, std::string> metadata;  // x-amz-meta-* (HeadObject only), names lowercased.
};

/// A ListObjectsV2 question.
struct S3ListRequest {
  std::string bucket;
  std::string prefix;
  std::string start_after;  // Only keys after this one.
  std::string delimiter;    // Non-empty: group keys by it; groups go to common_prefixes.
  size_t limit = 0;         // Non-zero: stop after this many objects (one request when small).
};

/// Conditions and metadata of a PutObject, CopyObject or CompleteMultipartUpload.
struct S3WriteOptions {
  bool if_none_match = false;  // Fail with AlreadyExists when the key exists (If-None-Match: *).
  std::string if_match;        // Non-empty: fail with AlreadyExists unless the key has this ETag.
  std::map<std::string, std::string> metadata;  // Sent as x-amz-meta-<name>.
};

/// Requests sent, per S3 operation (retries included).
struct S3RequestCounts {
  uint64_t list = 0, get = 0, head = 0, put = 0, copy = 0, del = 0, multipart = 0, retries = 0;
  /// Return e.g. "12 LIST, 300 GET, 2 PUT, 4 retries" (kinds with zero left out).
  std::string ToString() const;
};

class S3Client {
 public:
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  /// Make a client; credentials are resolved at the first request.
  static Result<std::unique_ptr<S3Client>> Make(S3Options options = {});

  /// Append every object matching `request` to `objects` (sorted by key, as S3 lists them), and
  /// each common prefix to `common_prefixes` when a delimiter is given (may be null otherwise).
  Status List(const S3ListRequest& request, std::vector<S3Object>* objects,
              std::vector<std::string>* common_prefixes = nullptr);

  /// Read the whole object into `out` (its capacity reused), keeping `padding` spare bytes.
  /// `etag` non-null receives the object's ETag.
  Status Get(const std::string& bucket, const std::string& key, std::string* out, size_t padding = 0,
             std::string* etag = nullptr);

  /// Read `size` bytes at `offset` (fewer at the end of the object) into `out`.
  Status GetRange(const std::string& bucket, const std::string& key, uint64_t offset, uint64_t size,
                  std::string* out);

  /// Size, ETag and metadata of an object; NotFound when it does not exist.
  Result<S3Object> Head(const std::string& bucket, const std::string& key);

  /// Write `data` as `key` (one PUT, or a multipart upload above multipart_part_size). Returns
  /// the new ETag. A condition that fails is AlreadyExists. A retried If-None-Match PUT whose
  /// first attempt landed (the answer was lost) is recognised by its ETag and succeeds.
  Result<std::string> Put(const std::string& bucket, const std::string& key, std::string_view data,
                          const S3WriteOptions& options = {});

  /// Server-side copy of `from` to `to` with `options.metadata` replacing the metadata.
  Result<std::string> Copy(const std::string& bucket, const std::string& from, const std::string& to,
                           const S3WriteOptions& options = {});

  /// Delete `key` (a missing key is not an error).
  Status Delete(const std::string& bucket, const std::string& key);

  /// Delete many keys (DeleteObjects, 1000 per request); each failure is reported.
  Status DeleteMany(const std::string& bucket, const std::vector<std::string>& keys);

  /// A multipart upload in progress; Complete() publishes it, destruction without it aborts.
  class Upload {
   public:
    ~Upload();
    /// Upload the next part (at least 5 MiB except the last, on AWS).
    Status AddPart(std::string_view data);
    /// Publish the object; returns its ETag.
    Result<std::string> Complete();
    /// Abandon the upload and delete its parts.
    Status Abort();

   private:
    friend class S3Client;
    Upload(S3Client* client, std::string bucket, std::string key, std::string upload_id, S3WriteOptions options);
    S3Client* client_;
    std::string bucket_, key_, upload_id_;
    S3WriteOptions options_;
    std::vector<std::string> part_etags_;
    bool finished_ = false;
  };

  /// Start a multipart upload of `key`.
  Result<std::unique_ptr<Upload>> StartUpload(const std::string& bucket, const std::string& key,
                                              const S3WriteOptions& options = {});

  /// Requests sent so far.
  S3RequestCounts counts() const;

  /// Check `guard` before every attempt of every write from now on (set it before sharing the client).
  void SetWriteGuard(S3WriteGuard guard) { write_guard_ = std::move(guard); }

  /// The region requests are signed for.
  const std::string& region() const { return region_; }

  /// The endpoint requests go to ("https://s3.eu-west-1.amazonaws.com", "http://127.0.0.1:9000").
  const std::string& endpoint() const { return endpoint_; }

 private:
  struct Call;
  struct Answer;
  enum class Kind { kList, kGet, kHead, kPut, kCopy, kDelete, kMultipart };
  explicit S3Client(S3Options options);

  Result<Answer> Send(const Call& call);
  Result<Answer> SendOnce(const Call& call, int attempt);
  Status Explain(const Call& call, const Answer& answer) const;
  Result<std::string> PutMultipart(const std::string& bucket, const std::string& key, std::string_view data,
                                   const S3WriteOptions& options);
  std::unique_ptr<HttpClient> TakeHttp();
  void ReturnHttp(std::unique_ptr<HttpClient> http);

  S3Options options_;
  std::string region_;
  std::string endpoint_;  // Without a trailing '/'.
  bool path_style_ = true;
  bool custom_endpoint_ = false;
  std::unique_ptr<CredentialProvider> credentials_;
  S3WriteGuard write_guard_;
  Mutex pool_mutex_;
  std::vector<std::unique_ptr<HttpClient>> idle_ ADXM_GUARDED_BY(pool_mutex_);
  std::atomic<uint64_t> counts_[7] = {};
  std::atomic<uint64_t> retries_{0};
};

}  // namespace adxm
