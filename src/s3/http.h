// HttpClient: blocking HTTP(S) requests through libcurl, one reused easy handle per client.
//
// Reusing the handle keeps connections (and TLS sessions) alive between requests to one host.
// Errors name the method and URL and curl's reason, never header values or bodies (they may hold
// credentials). Proxies follow curl's environment variables (https_proxy, no_proxy).
// Thread-safety: one HttpClient per thread; distinct clients may run at once.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto http, HttpClient::Make());
//   ADXM_ASSIGN_OR_RETURN(HttpResponse response, http->Send({.method = "GET", .url = url}));
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/status.h"
#include "s3/sigv4.h"

namespace adxm {

struct CurlFunctions;

/// One HTTP request.
struct HttpRequest {
  std::string method = "GET";
  std::string url;       // Scheme, host, port, encoded path and query.
  HttpHeaders headers;   // Sent as given; curl adds Host, Content-Length and nothing else.
  std::string body;      // Sent for any method when non-empty (and for PUT/POST when empty).
  std::chrono::milliseconds connect_timeout{3000};  // TCP (and TLS) connection setup.
  std::chrono::milliseconds timeout{30000};         // The whole request; 0 = no limit.
  // Abandon the request when fewer than one byte per second moves for this long; 0 = never.
  std::chrono::milliseconds stall_timeout{0};
  // Non-null: the response body goes here (its capacity reused) instead of HttpResponse::body.
  std::string* body_out = nullptr;
};

/// The answer to a request that reached a server (any status code).
struct HttpResponse {
  long status = 0;       // HTTP status code.
  HttpHeaders headers;   // Names lowercased, in order received (the final response only).
  std::string body;

  /// Return the first header named `lowercase_name`, or "".
  std::string Header(std::string_view lowercase_name) const;
};

/// A libcurl easy handle, reused for each request.
class HttpClient {
 public:
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Make a client (loads and initialises libcurl once per process: s3/curl_api.h).
  static Result<std::unique_ptr<HttpClient>> Make();

  /// Send `request` and wait for the whole response. A response with any status is OK; only a
  /// failure to get one (DNS, connection refused or reset, timeout) is an error: Unavailable.
  Result<HttpResponse> Send(const HttpRequest& request);

 private:
  HttpClient(const CurlFunctions* curl, void* handle) : curl_(curl), handle_(handle) {}
  const CurlFunctions* curl_;
  void* handle_;  // CURL*
};

}  // namespace adxm
