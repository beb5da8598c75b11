// Api: the dashboard's JSON API (docs/api.md) over the report layer, independent of HTTP: a
// request is a method, a path under /api/ and its query parameters; the answer a status, a
// content type and a body. The server (server.h) adds transport, authentication and headers.
//
// The runners must have built the daily rollup (RunnerPoolOptions::rollup): the KPI tiles and time
// series read it.
//
// Every value a request carries reaches SQL only as a bound parameter of a prepared statement
// (ReportParams). Answers of the data endpoints are cached per snapshot generation (a commit makes
// a new generation, so no answer outlives the data it was computed from).
//
// Thread-safety: thread-safe.
// Example:
//   Api api(&pool, /*scheduler=*/nullptr, {});
//   ApiResponse response = api.Handle({"GET", "/api/kpis", {{"from", "2023-05-01"}}});
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "serve/runner_pool.h"
#include "serve/scheduler.h"

namespace adxm {

struct ApiRequest {
  std::string method;                                    // GET or POST.
  std::string path;                                      // "/api/report/subscribers".
  std::vector<std::pair<std::string, std::string>> params;  // Query parameters, decoded.
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::string filename;  // Set for downloads (Content-Disposition: attachment).
};

struct ApiOptions {
  bool auth = false;       // Reported by /api/status (the server checks tokens).
  bool allow_sql = false;  // Serve /api/sql.
  size_t sql_max_rows = 10000;
  size_t csv_max_rows = 1000000;          // Largest events CSV download.
  size_t cache_bytes = size_t{64} << 20;  // Cached answers, all endpoints together.
};

class Api {
 public:
  Api(RunnerPool* pool, const IngestScheduler* scheduler, ApiOptions options)
      : pool_(pool), scheduler_(scheduler), options_(options) {}

  ApiResponse Handle(const ApiRequest& request);

 private:
  ApiResponse Dispatch(const ApiRequest& request, RunnerPool::Lease* lease);
  ApiResponse Status_();
  bool CacheLookup(const std::string& key, ApiResponse* response);
  void CacheStore(const std::string& key, const ApiResponse& response);

  RunnerPool* pool_;
  const IngestScheduler* scheduler_;
  const ApiOptions options_;

  std::mutex cache_mutex_;
  uint64_t cache_generation_ = 0;                  // Guarded by cache_mutex_.
  size_t cache_size_ = 0;                          // Guarded by cache_mutex_: bytes of bodies.
  std::list<std::pair<std::string, ApiResponse>> cache_lru_;  // Guarded by cache_mutex_; front = newest.
  std::unordered_map<std::string, std::list<std::pair<std::string, ApiResponse>>::iterator> cache_;
};

}  // namespace adxm
