// Reproducer of a fuzz_manifest finding at the ingest level (fuzz/README.md): a log file named with
// bytes that are not UTF-8 made the manifest commit throw, failing every run.
#include <gtest/gtest.h>
#include <libdeflate.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "base/file_util.h"
#include "ingest/ingest.h"
#include "source/log_source.h"
#include "test_util.h"

namespace adxm {
namespace {

TEST(IngestRegressionTest, KeyThatIsNotUtf8IsRejectedAndTheOthersIngest) {
  testing::ScratchDir dir;
  std::filesystem::path logs = dir.path() / "logs";
  std::filesystem::create_directories(logs);
  std::string log = testing::Gzip(R"({"Records":[]})");
  ASSERT_TRUE(WriteFile(logs / "bad-\xff.json.gz", log, false).ok());
  ASSERT_TRUE(WriteFile(logs / "good.json.gz", log, false).ok());
  auto source = OpenLocalSource(logs);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  for (int run = 0; run < 2; ++run) {
    auto report = Ingest(source->get(), dir.path() / "warehouse", IngestOptions{});
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    ASSERT_EQ(report->rejected.size(), 1u) << "run " << run;
    EXPECT_EQ(report->rejected[0].key, "bad-\xff.json.gz");
    EXPECT_EQ(report->rejected[0].reason, "key is not valid UTF-8");
    EXPECT_EQ(report->objects_ingested, run == 0 ? 1u : 0u);
  }
}

}  // namespace
}  // namespace adxm
