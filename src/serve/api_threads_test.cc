// Many threads asking the API while ingests commit and the pool switches snapshots (under
// ThreadSanitizer in `make test-tsan`): every answer is a whole snapshot's — the total before a
// commit or after it, never a mix — and nothing fails.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "generate/generator.h"
#include "ingest/ingest.h"
#include "serve/api.h"
#include "serve/runner_pool.h"
#include "source/log_source.h"
#include "test_util.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

TEST(ServeThreadsIntegrationTest, ConcurrentRequestsSeeWholeSnapshotsWhileIngestsCommit) {
  testing::ScratchDir scratch;
  // Three buckets of different days, ingested one after another into one warehouse.
  std::vector<uint64_t> totals = {0};
  std::vector<fs::path> buckets;
  for (int part = 0; part < 3; ++part) {
    GenerateOptions generate;
    generate.out = scratch.path() / ("bucket" + std::to_string(part));
    generate.seed = 100 + part;
    generate.start = "2023-05-0" + std::to_string(1 + 3 * part);
    generate.days = 2;
    generate.events_per_day = 150;
    generate.subscribers = 4;
    auto summary = Generate(generate);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    totals.push_back(totals.back() + summary->qualifying_events);
    buckets.push_back(generate.out);
  }
  fs::path warehouse = scratch.path() / "wh";
  auto ingest = [&](int part) {
    auto source = OpenLocalSource(buckets[part]);
    ASSERT_TRUE(source.ok());
    IngestOptions options;
    options.threads = 2;
    // One commit per bucket (its objects fit one commit buffer), so the committed totals are known.
    auto report = Ingest(source->get(), warehouse, options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
  };
  ingest(0);

  // One DuckDB thread per runner: the concurrency under test is ours (requests, runners, refreshes);
  // DuckDB's own worker threads run in its uninstrumented library, where ThreadSanitizer sees only
  // half of each synchronisation and reports races that are not there.
  QueryEngineOptions engine;
  engine.threads = 1;
  RunnerPool pool(RunnerPoolOptions{warehouse, {}, engine, 3});
  ASSERT_TRUE(pool.Refresh().ok());
  Api api(&pool, nullptr, ApiOptions{});
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, answers{0};
  std::mutex seen_mutex;
  std::condition_variable seen_changed;
  std::set<int64_t> seen;
  std::vector<std::thread> clients;
  for (int client = 0; client < 4; ++client) {
    clients.emplace_back([&, client] {
      const char* paths[] = {"/api/kpis", "/api/report/events", "/api/timeseries", "/api/events"};
      while (!done.load()) {
        ApiResponse response = api.Handle({"GET", paths[client], {{"from", "2023-05-01"}, {"to", "2023-05-31"}}});
        if (response.status != 200) {
          ++failures;
          ADD_FAILURE() << paths[client] << ": " << response.status << " " << response.body;
          continue;
        }
        ++answers;
        if (client == 0) {
          auto kpis = nlohmann::json::parse(response.body);
          std::lock_guard<std::mutex> lock(seen_mutex);
          seen.insert(kpis["tiles"]["requests"]["value"].get<int64_t>());
          seen_changed.notify_all();
        }
      }
    });
  }
  std::thread refresher([&] {
    while (!done.load()) EXPECT_TRUE(pool.Refresh().ok());
  });
  ingest(1);
  ingest(2);
  ASSERT_TRUE(pool.Refresh().ok());
  // Wait for an answer from the last snapshot before stopping the clients.
  {
    std::unique_lock<std::mutex> lock(seen_mutex);
    seen_changed.wait_for(lock, std::chrono::seconds(120),
                          [&] { return seen.count(static_cast<int64_t>(totals.back())) > 0; });
  }
  done = true;
  for (auto& client : clients) client.join();
  refresher.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(answers.load(), 4);
  // Every total seen is a committed state's, never a mix of two.
  ASSERT_FALSE(seen.empty());
  for (int64_t total : seen) {
    EXPECT_TRUE(total == static_cast<int64_t>(totals[1]) || total == static_cast<int64_t>(totals[2]) ||
                total == static_cast<int64_t>(totals[3]))
        << "a total of " << total << " requests was never committed";
  }
  EXPECT_EQ(*seen.rbegin(), static_cast<int64_t>(totals.back()));
  auto final_kpis = nlohmann::json::parse(
      api.Handle({"GET", "/api/kpis", {{"from", "2023-05-01"}, {"to", "2023-05-31"}}}).body);
  EXPECT_EQ(final_kpis["tiles"]["requests"]["value"].get<int64_t>(), static_cast<int64_t>(totals.back()));
}

}  // namespace
}  // namespace adxm
