// Reproducers of fuzz_manifest findings (fuzz/README.md): each once crashed Load or Commit.
#include <gtest/gtest.h>
#include <libdeflate.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "warehouse/legacy_manifest.h"
#include "test_util.h"

namespace adxm {
namespace {

// Return `body` as a manifest line with a correct CRC, so only the JSON can be wrong.
std::string Line(std::string_view body) {
  char crc[10];
  std::snprintf(crc, sizeof(crc), "%08x ", libdeflate_crc32(0, body.data(), body.size()));
  return std::string(crc) + std::string(body) + "\n";
}

// Load a three-commit manifest whose second line has JSON `body`; it must be Corruption.
void ExpectCorruptSecondLine(std::string_view body) {
  testing::ScratchDir dir;
  auto path = dir.path() / "manifest";
  std::string first = Line(R"({"txn":1,"objects":[{"key":"a.json.gz","size":1}],"added":["f1"],"removed":[]})");
  std::string third = Line(R"({"txn":3,"objects":[],"added":[],"removed":[]})");
  ASSERT_TRUE(WriteFile(path, first + Line(body) + third, false).ok());
  auto manifest = LegacyManifest::Load(path);
  ASSERT_FALSE(manifest.ok()) << body;
  EXPECT_EQ(manifest.status().code(), StatusCode::kCorruption) << body;
}

// UBSan: nlohmann converted 1e46 to uint64_t (out of range, undefined behaviour).
TEST(LegacyManifestRegressionTest, FloatCountIsADamagedLine) {
  ExpectCorruptSecondLine(R"({"txn":2,"objects":[{"key":"b.json.gz","size":1e46}],"added":[],"removed":[]})");
  ExpectCorruptSecondLine(R"({"txn":2,"objects":[{"key":"b.json.gz","rows":1.5}],"added":[],"removed":[]})");
}

// nlohmann's value() threw type_error on a field of the wrong type.
TEST(LegacyManifestRegressionTest, WrongTypedFieldIsADamagedLine) {
  ExpectCorruptSecondLine(R"({"txn":2,"objects":[{"key":"b.json.gz","size":"10"}],"added":[],"removed":[]})");
  ExpectCorruptSecondLine(R"({"txn":2,"objects":[{"key":"b.json.gz","version":7}],"added":[],"removed":[]})");
  ExpectCorruptSecondLine(R"({"txn":2,"objects":{"key":"b.json.gz"},"added":[],"removed":[]})");
  ExpectCorruptSecondLine(R"({"txn":2,"objects":[],"added":"f2","removed":[]})");
}

// A damaged last line is still a torn tail, whatever the damage.
TEST(LegacyManifestRegressionTest, WrongTypedLastLineIsATornTail) {
  testing::ScratchDir dir;
  auto path = dir.path() / "manifest";
  std::string first = Line(R"({"txn":1,"objects":[{"key":"a.json.gz"}],"added":["f1"],"removed":[]})");
  ASSERT_TRUE(WriteFile(path, first + Line(R"({"txn":2,"objects":[{"key":"b","size":1e46}]})"), false).ok());
  auto manifest = LegacyManifest::Load(path);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ((*manifest)->next_txn(), 2u);
  EXPECT_EQ((*manifest)->committed_size(), first.size());
}

// nlohmann's dump() threw type_error on a key that is not UTF-8 (a local file may be named so).
TEST(LegacyManifestRegressionTest, CommitRejectsKeyThatIsNotUtf8AndWritesNothing) {
  testing::ScratchDir dir;
  auto path = dir.path() / "manifest";
  auto manifest = *LegacyManifest::Load(path);
  CommitRecord record;
  record.txn = 1;
  record.objects.emplace_back().key = "logs/\xa0.json.gz";
  Status status = manifest->Commit(record);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  EXPECT_EQ(manifest->next_txn(), 1u);
  record.objects[0].key = "logs/ok.json.gz";
  ASSERT_TRUE(manifest->Commit(record).ok());
  auto reloaded = *LegacyManifest::Load(path);
  EXPECT_TRUE(reloaded->Contains("logs/ok.json.gz"));
  EXPECT_EQ(reloaded->next_txn(), 2u);
}

}  // namespace
}  // namespace adxm
