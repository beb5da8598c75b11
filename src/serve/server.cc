#include "serve/server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <libdeflate.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "base/printable.h"

#include "serve/api.h"
#include "serve/assets.h"
#include "serve/runner_pool.h"

namespace adxm {
namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
constexpr const char* kCookie = "adxm_session";
constexpr size_t kMaxSessions = 1000;
constexpr size_t kMinTokenLength = 16;

/// Compare without an early exit, so timing does not tell how much of a guess was right.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  return diff == 0;
}

/// The value of cookie `name` in a Cookie header, or empty.
std::string CookieValue(std::string_view header, std::string_view name) {
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(';', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(start, end - start);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    start = end + 1;
  }
  return "";
}

/// Host header without its port.
std::string HostName(std::string_view host) {
  if (host.starts_with('[')) {
    size_t close = host.find(']');
    return std::string(host.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  return std::string(host.substr(0, host.find(':')));
}

bool TokenCharsOk(std::string_view token) {
  for (char c : token) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == '~' || c == '+' || c == '/' || c == '=';
    if (!ok) return false;
  }
  return !token.empty();
}

Result<std::string> Gunzip(std::string_view gzip, size_t size) {
  std::string out(size, '\0');
  libdeflate_decompressor* decompressor = libdeflate_alloc_decompressor();
  if (decompressor == nullptr) return Status::Internal("out of memory");
  size_t actual = 0;
  libdeflate_result result =
      libdeflate_gzip_decompress(decompressor, gzip.data(), gzip.size(), out.data(), out.size(), &actual);
  libdeflate_free_decompressor(decompressor);
  if (result != LIBDEFLATE_SUCCESS || actual != size) return Status::Internal("embedded asset is damaged");
  return out;
}

void SendJsonError(httplib::Response& res, int status, std::string_view message) {
  res.status = status;
  std::string body = "{\"error\":\"";
  for (char c : message) {
    if (c == '"' || c == '\\') body += '\\';
    body += c;
  }
  body += "\"}";
  res.set_content(body, "application/json; charset=utf-8");
}

thread_local std::chrono::steady_clock::time_point request_start;

}  // namespace

bool IsLoopbackAddress(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  // Only a numeric IPv4 address in 127.0.0.0/8: a name such as 127.evil.example is not one.
  in_addr address{};
  std::string text(host);
  return inet_pton(AF_INET, text.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

struct Server::Impl {
  explicit Impl(ServerOptions server_options)
      : options(std::move(server_options)),
        pool(RunnerPoolOptions{options.warehouse, options.mappings, options.engine, options.runners}),
        assets(options.ui_dir.empty() ? AssetSource::Embedded() : AssetSource::FromDirectory(options.ui_dir)) {}

  bool Authorized(const httplib::Request& req) {
    if (options.token.empty()) return true;
    std::string header = req.get_header_value("Authorization");
    if (header.starts_with("Bearer ") && ConstantTimeEquals(header.substr(7), options.token)) return true;
    std::string cookie = CookieValue(req.get_header_value("Cookie"), kCookie);
    if (cookie.empty()) return false;
    std::lock_guard<std::mutex> lock(session_mutex);
    return sessions.count(cookie) != 0;
  }

  /// A new session id (128 random bits, hex): the cookie holds it, never the token, so logging out
  /// revokes it and a cookie sent to another service on this host gives away nothing reusable elsewhere.
  std::string NewSession() {
    std::random_device random;
    std::string id;
    for (int i = 0; i < 4; ++i) id += fmt::format("{:08x}", random());
    std::lock_guard<std::mutex> lock(session_mutex);
    if (sessions.size() >= kMaxSessions) {
      sessions.erase(session_order.front());
      session_order.erase(session_order.begin());
    }
    sessions.insert(id);
    session_order.push_back(id);
    return id;
  }

  void EndSession(const std::string& id) {
    std::lock_guard<std::mutex> lock(session_mutex);
    if (sessions.erase(id) != 0) session_order.erase(std::find(session_order.begin(), session_order.end(), id));
  }

  void HandleApi(const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    if (req.path == "/api/login" || req.path == "/api/logout") {
      if (req.method != "POST") return SendJsonError(res, 405, "use POST");
      if (req.path == "/api/logout") {
        EndSession(CookieValue(req.get_header_value("Cookie"), kCookie));
        res.set_header("Set-Cookie", std::string(kCookie) + "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
        res.status = 204;
        return;
      }
      if (options.token.empty()) return SendJsonError(res, 400, "this server needs no token");
      // From the form body only: a token in the URL ends up in logs and histories.
      httplib::Params query;
      if (size_t mark = req.target.find('?'); mark != std::string::npos) {
        httplib::detail::parse_query_text(req.target.substr(mark + 1), query);
      }
      if (query.count("token") > 0) {
        return SendJsonError(res, 400, "send the token as the form field 'token' in the request body, not in the URL");
      }
      httplib::Params form;
      httplib::detail::parse_query_text(req.body, form);
      auto field = form.find("token");
      std::string token = field == form.end() ? std::string() : field->second;
      if (!ConstantTimeEquals(token, options.token)) return SendJsonError(res, 401, "wrong token");
      res.set_header("Set-Cookie", std::string(kCookie) + "=" + NewSession() + "; HttpOnly; SameSite=Strict; Path=/");
      res.status = 204;
      return;
    }
    if (!Authorized(req)) {
      res.set_header("WWW-Authenticate", "Bearer");
      return SendJsonError(res, 401, "a token is required (Authorization: Bearer, or POST /api/login)");
    }
    ApiRequest request{req.method, req.path, {}};
    for (const auto& [name, value] : req.params) request.params.emplace_back(name, value);
    ApiResponse response = api->Handle(request);
    res.status = response.status;
    if (!response.filename.empty()) {
      res.set_header("Content-Disposition", "attachment; filename=\"" + response.filename + "\"");
    }
    res.set_content(std::move(response.body), response.content_type.c_str());
  }

  void HandleStatic(const httplib::Request& req, httplib::Response& res) {
    std::optional<Asset> asset = assets.Find(req.path);
    if (!asset) {
      res.status = 404;
      res.set_content("not found\n", "text/plain; charset=utf-8");
      return;
    }
    res.set_header("Cache-Control", "no-cache");  // Revalidate: the ETag makes it a 304.
    if (!asset->etag.empty()) {
      res.set_header("ETag", asset->etag);
      if (req.get_header_value("If-None-Match") == asset->etag) {
        res.status = 304;
        return;
      }
    }
    std::string body = std::move(asset->body);
    if (asset->gzipped) {
      if (req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos) {
        // Sent as it is stored; a content provider keeps httplib from compressing it again.
        res.set_header("Content-Encoding", "gzip");
        res.set_header("Vary", "Accept-Encoding");
        auto shared = std::make_shared<std::string>(std::move(body));
        res.set_content_provider(shared->size(), asset->content_type.c_str(),
                                 [shared](size_t offset, size_t length, httplib::DataSink& sink) {
                                   sink.write(shared->data() + offset, length);
                                   return true;
                                 });
        return;
      }
      size_t size = 0;
      for (const EmbeddedAsset& embedded : EmbeddedAssets()) {
        if (embedded.etag == asset->etag) size = embedded.size;
      }
      auto plain = Gunzip(body, size);
      if (!plain.ok()) return SendJsonError(res, 500, plain.status().message());
      body = std::move(*plain);
    }
    res.set_content(std::move(body), asset->content_type.c_str());
  }

  void RefreshLoop() {
    std::string last_error;
    std::unique_lock<std::mutex> lock(mutex);
    while (!stopping) {
      stop_wake.wait_for(lock, std::chrono::duration<double>(options.refresh_seconds), [&] { return stopping; });
      if (stopping) break;
      lock.unlock();
      Status refreshed = pool.Refresh();
      std::string error = refreshed.ok() ? "" : refreshed.ToString();
      if (error != last_error && !error.empty()) std::fprintf(stderr, "adxmetrics serve: refresh: %s\n", error.c_str());
      last_error = error;
      lock.lock();
    }
  }

  ServerOptions options;
  RunnerPool pool;
  AssetSource assets;
  std::unique_ptr<IngestScheduler> scheduler;
  std::unique_ptr<Api> api;
  httplib::Server http;
  std::mutex mutex;
  std::condition_variable stop_wake;
  bool stopping = false;  // Guarded by mutex.
  std::thread refresher;
  std::atomic<int> listen_socket{-1};  // Set while binding.
  std::mutex session_mutex;
  std::set<std::string> sessions;          // Guarded by session_mutex: ids of logged-in browsers.
  std::vector<std::string> session_order;  // Guarded by session_mutex: oldest first (evicted past kMaxSessions).
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  Stop();
  if (impl_->refresher.joinable()) impl_->refresher.join();
  if (impl_->scheduler) impl_->scheduler->Stop();
}

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options) {
  if (!IsLoopbackAddress(options.bind) && options.token.empty()) {
    return Status::InvalidArgument("--bind " + options.bind +
                                   " is reachable from other machines: give a --token (or bind 127.0.0.1)");
  }
  if (!options.token.empty() && !TokenCharsOk(options.token)) {
    return Status::InvalidArgument("--token may hold only letters, digits and - _ . ~ + / =");
  }
  if (!options.token.empty() && options.token.size() < kMinTokenLength) {
    return Status::InvalidArgument("--token must be at least " + std::to_string(kMinTokenLength) +
                                   " characters (e.g. `openssl rand -hex 16`)");
  }
  if (options.runners < 1) options.runners = 1;
  auto impl = std::make_unique<Impl>(std::move(options));
  ADXM_RETURN_IF_ERROR(impl->pool.Refresh());
  Impl* raw = impl.get();
  if (raw->options.schedule) {
    raw->scheduler = std::make_unique<IngestScheduler>(*raw->options.schedule, [raw] {
      Status refreshed = raw->pool.Refresh();
      if (!refreshed.ok()) std::fprintf(stderr, "adxmetrics serve: refresh: %s\n", refreshed.ToString().c_str());
    });
  }
  raw->api = std::make_unique<Api>(&raw->pool, raw->scheduler.get(),
                                   ApiOptions{.auth = !raw->options.token.empty(), .allow_sql = raw->options.allow_sql});

  httplib::Server& http = raw->http;
  int threads = std::max(2, raw->options.http_threads);
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http.set_default_headers({{"Content-Security-Policy", kContentSecurityPolicy},
                            {"X-Content-Type-Options", "nosniff"},
                            {"X-Frame-Options", "DENY"},
                            {"Referrer-Policy", "no-referrer"},
                            {"Cross-Origin-Opener-Policy", "same-origin"},
                            {"Cross-Origin-Resource-Policy", "same-origin"}});
  http.set_payload_max_length(64 * 1024);
  // Headers and body go out in two writes: without TCP_NODELAY the body waits ~40 ms for the
  // client's delayed ACK. Keep-alive for many requests per connection (httplib's default is 5).
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(1000);
  // The listening socket: SO_REUSEADDR only (httplib's default adds SO_REUSEPORT, which would let
  // a second server share the port), and remembered so Run() can raise the listen backlog.
  http.set_socket_options([raw](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    raw->listen_socket = sock;
  });
  // A connection that sends nothing for 5 s is closed; an idle keep-alive one after 5 s. (A client
  // dripping a header line every few seconds still holds a thread: a server reachable from other
  // machines belongs behind a reverse proxy that buffers requests; README says so.)
  http.set_read_timeout(5, 0);
  http.set_keep_alive_timeout(5);
  http.set_pre_routing_handler([raw](const httplib::Request& req, httplib::Response& res) {
    request_start = std::chrono::steady_clock::now();
    // Without a token the server trusts being reachable only from this machine; a page of another
    // site resolving its own name to 127.0.0.1 (DNS rebinding) sends its own Host, refused here.
    if (raw->options.token.empty() && !IsLoopbackAddress(HostName(req.get_header_value("Host")))) {
      SendJsonError(res, 403, "Host not allowed: open the dashboard as http://127.0.0.1:<port>/");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto api = [raw](const httplib::Request& req, httplib::Response& res) { raw->HandleApi(req, res); };
  http.Get(R"(/api/.*)", api);
  http.Post(R"(/api/.*)", api);
  http.Get(R"(/.*)", [raw](const httplib::Request& req, httplib::Response& res) { raw->HandleStatic(req, res); });
  if (raw->options.access_log) {
    http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - request_start).count();
      // Path only: never a header (tokens, cookies) or a body.
      std::fprintf(stderr, "adxmetrics serve: %s %s %d %.1f ms\n", PrintableText(req.method).c_str(),
                   PrintableText(req.path).c_str(), res.status, ms);
    });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Status Server::Run(const std::function<void(int port)>& on_listening) {
  Impl& impl = *impl_;
  int port = impl.options.port;
  if (port == 0) {
    port = impl.http.bind_to_any_port(impl.options.bind);
    if (port < 0) return Status::IoError("cannot bind " + impl.options.bind);
  } else if (!impl.http.bind_to_port(impl.options.bind, port)) {
    return Status::IoError("cannot bind " + impl.options.bind + ":" + std::to_string(port) +
                           " (in use? try another --port)");
  }
  // The compiled cpp-httplib listens with a backlog of 5: 50 clients connecting at once would
  // overflow it and wait seconds for SYN retries. listen() again on the socket raises it.
  if (int sock = impl.listen_socket.load(); sock >= 0) ::listen(sock, SOMAXCONN);
  impl.refresher = std::thread([&impl] { impl.RefreshLoop(); });
  if (impl.scheduler) impl.scheduler->Start();
  on_listening(port);
  impl.http.listen_after_bind();
  return Status::OK();
}

void Server::Stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->stop_wake.notify_all();
  impl_->http.stop();
}

}  // namespace adxm
