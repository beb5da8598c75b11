// AWS Signature Version 4: sign an HTTP request (Authorization header) or presign a URL (query).
//
// A pure function of the request, the credentials, the region, the service and the time: the
// caller injects the time, so a signature can be checked against published vectors. S3's rules
// (service "s3"): the path is signed exactly as sent (already percent-encoded once, never
// normalised), and every request carries x-amz-content-sha256 (the body's SHA-256, or
// UNSIGNED-PAYLOAD). Other services (STS) normalise the path and encode it again.
// Query names and values are given decoded; the signer encodes them (RFC 3986 unreserved set) and
// sorts them by encoded name, then value. CanonicalQueryString() is also a valid query to send.
// Thread-safety: pure functions.
// Example:
//   SigV4Request request{.method = "GET", .path = "/bucket/" + UriEncode(key, true),
//                        .headers = {{"Host", "s3.eu-west-1.amazonaws.com"}}};
//   SigV4Signature signature = SignRequest(request, credentials, {"eu-west-1", "s3", now});
//   // send request.headers + signature.headers_to_add
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/sha256.h"  // Sha256Hex: payload hashes.

namespace adxm {

/// A key pair, with a session token and an expiry when temporary. Never print these fields.
struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // Empty for long-term keys.
  // When temporary credentials stop working; unset for long-term keys.
  std::optional<std::chrono::system_clock::time_point> expiration;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;
using QueryParams = std::vector<std::pair<std::string, std::string>>;

/// The payload hash of a request whose body is not signed (S3 over TLS, presigned URLs).
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

/// An HTTP request to sign.
struct SigV4Request {
  std::string method = "GET";
  // The path as sent, percent-encoded: for S3 "/" + bucket + "/" + UriEncode(key, true) (path
  // style) or "/" + UriEncode(key, true) (virtual-hosted style).
  std::string path = "/";
  QueryParams query;    // Decoded names and values, in any order; repeated names allowed.
  HttpHeaders headers;  // Headers to sign (all of them) and send; names in any case. Must hold Host.
  // Hex SHA-256 of the body (Sha256Hex), or kUnsignedPayload; empty means the empty body.
  std::string payload_hash;
};

/// Where and when a request is signed.
struct SigV4Scope {
  std::string region;                   // "us-east-1"
  std::string service;                  // "s3", "sts"
  std::chrono::sys_seconds time;        // The signing time (X-Amz-Date).
  bool normalize_path = true;           // Non-S3 only: remove "." / ".." segments and empty ones.
  bool send_content_sha256 = false;     // Non-S3 only: also send x-amz-content-sha256 (S3 always does).
};

/// The outcome of signing: the headers to add to the request, and the intermediate strings.
struct SigV4Signature {
  // X-Amz-Date, X-Amz-Content-SHA256 (S3), X-Amz-Security-Token (temporary credentials),
  // Authorization. The caller sends them with the request's own headers.
  HttpHeaders headers_to_add;
  std::string authorization;      // The Authorization header's value.
  std::string canonical_request;  // Holds the session token, if any: do not log.
  std::string string_to_sign;
  std::string signature;          // 64 lowercase hex digits.
};

/// Sign `request` with an Authorization header.
SigV4Signature SignRequest(const SigV4Request& request, const AwsCredentials& credentials,
                           const SigV4Scope& scope);

/// Return the query parameters that presign `request` for `expires` (X-Amz-Algorithm …
/// X-Amz-Signature, in that order), to append to its own query. The request's headers (Host at
/// least) are signed and must be sent; the payload is UNSIGNED-PAYLOAD for S3.
QueryParams PresignQuery(const SigV4Request& request, const AwsCredentials& credentials,
                         const SigV4Scope& scope, std::chrono::seconds expires);

/// Percent-encode every byte outside RFC 3986's unreserved set (A-Z a-z 0-9 - . _ ~), and '/'
/// too unless `keep_slash`. Spaces become %20, never '+'.
std::string UriEncode(std::string_view text, bool keep_slash);

/// Return the canonical query string: each name and value UriEncode()d, sorted by encoded name,
/// then by encoded value, joined as "a=1&b=&c=3". Also a valid query string to send.
std::string CanonicalQueryString(const QueryParams& query);


/// Return the lowercase hex HMAC-SHA256 of `data` under `key` (used by tests and the signer).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

/// Format `time` as SigV4's basic ISO 8601 timestamp, "20130524T000000Z".
std::string FormatAmzDate(std::chrono::sys_seconds time);

}  // namespace adxm
