// FakeHttpServer (tests only): a cpp-httplib server on 127.0.0.1 and a free port, standing in for
// AWS endpoints (STS, the container endpoint, IMDS, S3 error paths) in unit tests.
// Register handlers on server(), then Start(); stopped on destruction.
#pragma once

#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

namespace adxm::testing {

class FakeHttpServer {
 public:
  ~FakeHttpServer() {
    if (thread_.joinable()) {
      server_.stop();
      thread_.join();
    }
  }
  httplib::Server& server() { return server_; }
  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // Bounded: listen started.
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace adxm::testing
