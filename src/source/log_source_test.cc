#include "source/log_source.h"

#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "base/file_util.h"
#include "test_util.h"

namespace adxm {
namespace {

// Contract every LogSource must meet; S3Source joins this suite when it exists.
TEST(LogSourceContractTest, LocalListsSortedRelativeKeysAndReadsBytes) {
  testing::ScratchDir dir;
  ASSERT_TRUE(CreateDirs(dir.path() / "b" / "c").ok());
  ASSERT_TRUE(WriteFile(dir.path() / "b" / "c" / "x.json.gz", "xyz", false).ok());
  ASSERT_TRUE(WriteFile(dir.path() / "a.txt", "", false).ok());
  auto source = OpenLocalSource(dir.path());
  ASSERT_TRUE(source.ok());
  std::vector<ObjectInfo> objects;
  ASSERT_TRUE((*source)->List(&objects).ok());
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].key, "a.txt");
  EXPECT_EQ(objects[1].key, "b/c/x.json.gz");
  EXPECT_EQ(objects[1].size, 3u);
  // Local versions are the modification time in Unix nanoseconds: just written, so about now.
  ASSERT_EQ(objects[1].version.rfind("mtime-", 0), 0u) << objects[1].version;
  double written = std::stod(objects[1].version.substr(6)) / 1e9;
  EXPECT_NEAR(written, static_cast<double>(std::time(nullptr)), 3600.0);
  std::string data;
  ASSERT_TRUE((*source)->Read(objects[1], &data, 64).ok());
  EXPECT_EQ(data, "xyz");
  EXPECT_GE(data.capacity(), 3u + 64u);
}

TEST(LogSourceContractTest, MissingRootIsNotFound) {
  auto source = OpenLocalSource("/nonexistent/adxm");
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace adxm
