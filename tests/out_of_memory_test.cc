// An allocation failure on an extraction worker thread ends in a Status: the run fails cleanly
// naming the object, nothing is committed for it, and the next run ingests everything.
#include <gtest/gtest.h>

#include <new>

#include "ingest/ingest.h"
#include "dataset_checks.h"
#include "source/log_source.h"

namespace adxm::testing {
namespace {

// A local source whose Read throws std::bad_alloc (as an allocation would) for one key.
class ExhaustedSource final : public LogSource {
 public:
  ExhaustedSource(std::unique_ptr<LogSource> inner, std::string failing_key)
      : inner_(std::move(inner)), failing_key_(std::move(failing_key)) {}
  std::string Describe() const override { return inner_->Describe(); }
  Status List(std::vector<ObjectInfo>* objects) override { return inner_->List(objects); }
  Status Read(const ObjectInfo& object, std::string* out, size_t padding) override {
    if (object.key == failing_key_) throw std::bad_alloc();
    return inner_->Read(object, out, padding);
  }

 private:
  std::unique_ptr<LogSource> inner_;
  std::string failing_key_;
};

TEST(OutOfMemoryIntegrationTest, AWorkerThreadsAllocationFailureFailsTheRunCleanly) {
  ScratchDir scratch;
  auto bucket = scratch.path() / "bucket";
  GenerateBucket(bucket, {"--seed", "51", "--start", "2023-05-21", "--days", "1", "--events-per-day", "200"});
  std::vector<std::string> keys = LogKeys(bucket);
  ASSERT_GT(keys.size(), 20u);
  IngestOptions options;
  options.threads = 2;  // One worker thread besides the ingest thread.
  options.max_objects_per_commit = 1;
  for (const std::string& failing_key : {keys[keys.size() / 2], keys.back()}) {
    auto local = OpenLocalSource(bucket);
    ASSERT_TRUE(local.ok());
    ExhaustedSource source(std::move(*local), failing_key);
    auto report = Ingest(&source, scratch.path() / "wh", options);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.status().message(), failing_key + ": out of memory");
  }
  auto local = OpenLocalSource(bucket);
  ASSERT_TRUE(local.ok());
  auto report = Ingest(local->get(), scratch.path() / "wh", options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->rejected.empty());
  EXPECT_EQ(CountRows(scratch.path() / "wh"), LoadGroundTruth(bucket)["qualifying_events"].get<int64_t>());
}

}  // namespace
}  // namespace adxm::testing
