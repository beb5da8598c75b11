// Server: `adxmetrics serve` — the dashboard page and its JSON API (api.h) over HTTP
// (cpp-httplib), with an optional scheduled ingest (scheduler.h).
//
// Security: binds 127.0.0.1 unless told otherwise, and a bind to any other address needs a token;
// with a token every /api/ request needs it (Authorization: Bearer, or the HttpOnly cookie
// POST /api/login sets) and is compared in constant time; without one, only requests whose Host
// is a loopback name are answered (no DNS rebinding). Every response carries a CSP without inline
// script, nosniff and frame-ancestors 'none'. Static files come only from the embedded set (or
// the --ui-dir folder, by safe names). The access log has method, path, status and time — never
// a header, a cookie or a request body.
//
// Thread-safety: Run() blocks until Stop() (which may be called from any thread).
// Example:
//   ServerOptions options{.warehouse = "/data/wh"};
//   ADXM_ASSIGN_OR_RETURN(auto server, Server::Create(options));
//   server->Run([](int port) { std::printf("listening on %d\n", port); });
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "report/report_runner.h"
#include "serve/scheduler.h"

namespace adxm {

struct ServerOptions {
  std::filesystem::path warehouse;
  MappingFiles mappings;
  std::string bind = "127.0.0.1";
  int port = 8080;                  // 0: any free port.
  std::string token;                // Empty: no authentication (loopback only).
  std::filesystem::path ui_dir;     // Serve the page from this folder instead of the binary.
  bool allow_sql = false;           // Serve /api/sql (read-only, row and time limits).
  size_t runners = 2;               // Concurrent queries.
  int http_threads = 64;            // Connections served at once.
  QueryEngineOptions engine;
  double refresh_seconds = 2;       // How often to look for a newer commit (an external ingest).
  bool access_log = true;           // One line per request on stderr.
  std::optional<ScheduleOptions> schedule;
};

/// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackAddress(std::string_view host);

class Server {
 public:
  /// Check the options (a non-loopback bind without a token is InvalidArgument) and open the
  /// warehouse's newest snapshot.
  static Result<std::unique_ptr<Server>> Create(ServerOptions options);
  ~Server();

  /// Bind, call `on_listening(port)`, serve until Stop(). An error when the address cannot be bound.
  Status Run(const std::function<void(int port)>& on_listening);
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace adxm
