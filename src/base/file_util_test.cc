#include "base/file_util.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace adxm {
namespace {

TEST(FileUtilTest, WriteAtomicThenReadBack) {
  testing::ScratchDir dir;
  auto path = dir.path() / "a.txt";
  ASSERT_TRUE(WriteFileAtomic(path, "hello").ok());
  EXPECT_EQ(*ReadFile(path), "hello");
  EXPECT_FALSE(fs::exists(dir.path() / "a.txt.tmp"));
}

TEST(FileUtilTest, ReadMissingFileIsNotFoundAndNamesThePath) {
  testing::ScratchDir dir;
  auto result = ReadFile(dir.path() / "missing");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_NE(result.status().message().find("missing"), std::string::npos);
}

TEST(FileUtilTest, AppendFileTruncatesTornTailBeforeAppending) {
  testing::ScratchDir dir;
  auto path = dir.path() / "log";
  ASSERT_TRUE(WriteFile(path, "line1\npartial", false).ok());
  auto file = AppendFile::Open(path, 6);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("line2\n").ok());
  ASSERT_TRUE((*file)->Sync().ok());
  EXPECT_EQ(*ReadFile(path), "line1\nline2\n");
}

TEST(FileUtilTest, SecondLockFailsAndNamesHolder) {
  testing::ScratchDir dir;
  auto path = dir.path() / "LOCK";
  auto first = LockFile::Acquire(path, "holder-one");
  ASSERT_TRUE(first.ok());
  auto second = LockFile::Acquire(path, "holder-two");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("holder-one"), std::string::npos);
  first->reset();
  EXPECT_TRUE(LockFile::Acquire(path, "holder-three").ok());
}

}  // namespace
}  // namespace adxm
