#include "warehouse/legacy_manifest.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace adxm {
namespace {

CommitRecord MakeRecord(uint64_t txn, std::string key, std::vector<std::string> added,
                        std::vector<std::string> removed = {}) {
  CommitRecord record;
  record.txn = txn;
  if (!key.empty()) record.objects.push_back({key, 10, "v1", 5, 3, 1});
  record.added_files = std::move(added);
  record.removed_files = std::move(removed);
  return record;
}

TEST(LegacyManifestTest, MissingFileIsEmpty) {
  testing::ScratchDir dir;
  auto manifest = LegacyManifest::Load(dir.path() / "manifest");
  ASSERT_TRUE(manifest.ok());
  EXPECT_EQ((*manifest)->object_count(), 0u);
  EXPECT_EQ((*manifest)->next_txn(), 1u);
}

TEST(LegacyManifestTest, CommitsSurviveReloadAndCompactionReplacesFiles) {
  testing::ScratchDir dir;
  auto path = dir.path() / "manifest";
  {
    auto manifest = *LegacyManifest::Load(path);
    ASSERT_TRUE(manifest->Commit(MakeRecord(1, "a.json.gz", {"d1/p1.parquet"})).ok());
    ASSERT_TRUE(manifest->Commit(MakeRecord(2, "b.json.gz", {"d1/p2.parquet"})).ok());
    ASSERT_TRUE(manifest->Commit(MakeRecord(3, "", {"d1/p3.parquet"}, {"d1/p1.parquet", "d1/p2.parquet"})).ok());
  }
  auto manifest = *LegacyManifest::Load(path);
  EXPECT_TRUE(manifest->Contains("a.json.gz"));
  EXPECT_TRUE(manifest->Contains("b.json.gz"));
  EXPECT_FALSE(manifest->Contains("c.json.gz"));
  EXPECT_EQ(manifest->live_files(), std::set<std::string>({"d1/p3.parquet"}));
  EXPECT_EQ(manifest->next_txn(), 4u);
}

TEST(LegacyManifestTest, RejectsOutOfOrderTxn) {
  testing::ScratchDir dir;
  auto manifest = *LegacyManifest::Load(dir.path() / "manifest");
  EXPECT_FALSE(manifest->Commit(MakeRecord(2, "a", {})).ok());
}

TEST(LegacyManifestTest, IgnoresTornLastLineAndAppendsAfterCommittedPrefix) {
  testing::ScratchDir dir;
  auto path = dir.path() / "manifest";
  std::string line1 = LegacyManifest::EncodeLine(MakeRecord(1, "a", {"f1"}));
  std::string line2 = LegacyManifest::EncodeLine(MakeRecord(2, "b", {"f2"}));
  // Every cut inside the second line leaves exactly the first commit.
  for (size_t cut = 0; cut < line2.size(); ++cut) {
    ASSERT_TRUE(WriteFile(path, line1 + line2.substr(0, cut), false).ok());
    auto manifest = LegacyManifest::Load(path);
    ASSERT_TRUE(manifest.ok()) << "cut " << cut << ": " << manifest.status().ToString();
    EXPECT_TRUE((*manifest)->Contains("a"));
    EXPECT_FALSE((*manifest)->Contains("b")) << "cut " << cut;
    EXPECT_EQ((*manifest)->committed_size(), line1.size());
    ASSERT_TRUE((*manifest)->Commit(MakeRecord(2, "c", {"f3"})).ok());
    auto reloaded = *LegacyManifest::Load(path);
    EXPECT_TRUE(reloaded->Contains("c"));
    EXPECT_EQ(reloaded->next_txn(), 3u);
  }
}

TEST(LegacyManifestTest, DamagedMiddleLineIsCorruption) {
  testing::ScratchDir dir;
  auto path = dir.path() / "manifest";
  std::string line1 = LegacyManifest::EncodeLine(MakeRecord(1, "a", {"f1"}));
  std::string line2 = LegacyManifest::EncodeLine(MakeRecord(2, "b", {"f2"}));
  line1[20] ^= 0x01;
  ASSERT_TRUE(WriteFile(path, line1 + line2, false).ok());
  auto manifest = LegacyManifest::Load(path);
  ASSERT_FALSE(manifest.ok());
  EXPECT_EQ(manifest.status().code(), StatusCode::kCorruption);
  EXPECT_NE(manifest.status().message().find("manifest"), std::string::npos);
}

}  // namespace
}  // namespace adxm
