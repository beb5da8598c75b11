// Torn manifest writes: truncate a real manifest at every byte length. Loading must
// recover exactly the committed prefix (complete lines), and an ingest that follows
// must end in the dataset of one clean run, with no stray files.
#include <gtest/gtest.h>

#include <algorithm>

#include "base/file_util.h"
#include "dataset/ingest.h"
#include "dataset/manifest.h"
#include "dataset/warehouse_layout.h"
#include "dataset_checks.h"
#include "generate/generator.h"
#include "query/query_engine.h"

namespace adxm::testing {
namespace {

IngestOptions SmallCommits() {
  IngestOptions options;
  options.threads = 1;
  options.max_objects_per_commit = 4;    // Many commits, so many lines to tear.
  options.max_files_per_day = 100000;    // No compaction: every commit's files stay live.
  return options;
}

std::string Dump(const std::filesystem::path& warehouse) {
  auto engine = QueryEngine::Open(warehouse);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  auto table = (*engine)->Run("SELECT * FROM adx_for_s3_metrics ORDER BY eventID");
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  std::string text;
  for (const auto& row : table->rows) {
    for (const auto& cell : row) text += cell.value_or("NULL") + "|";
    text += "\n";
  }
  return text;
}

TEST(TornManifestIntegrationTest, EveryTruncationRecoversTheCommittedPrefixAndIngestEndsClean) {
  ScratchDir scratch;
  GenerateOptions generate;
  generate.out = scratch.path() / "bucket";
  generate.days = 1;
  generate.events_per_day = 40;
  ASSERT_TRUE(Generate(generate).ok());
  auto source = *OpenLocalSource(generate.out);
  auto clean = scratch.path() / "clean";
  ASSERT_TRUE(Ingest(source.get(), clean, SmallCommits()).ok());
  const std::string clean_dump = Dump(clean);
  const std::string manifest = *ReadFile(WarehouseLayout(clean).manifest_path());
  ASSERT_GT(std::count(manifest.begin(), manifest.end(), '\n'), 5);

  // Objects committed by the first k lines, from an independent reading of the lines.
  std::vector<size_t> objects_after_lines = {0};
  for (size_t pos = 0, end; (end = manifest.find('\n', pos)) != std::string::npos; pos = end + 1) {
    std::string line = manifest.substr(pos, end - pos);
    auto body = nlohmann::json::parse(line.substr(9));
    objects_after_lines.push_back(objects_after_lines.back() + body["objects"].size());
  }

  auto torn = scratch.path() / "torn";
  for (size_t cut = 0; cut <= manifest.size(); ++cut) {
    ASSERT_TRUE(WriteFile(torn, std::string_view(manifest).substr(0, cut), false).ok());
    auto loaded = Manifest::Load(torn);
    ASSERT_TRUE(loaded.ok()) << "cut " << cut << ": " << loaded.status().ToString();
    size_t lines = std::count(manifest.begin(), manifest.begin() + cut, '\n');
    EXPECT_EQ((*loaded)->next_txn(), lines + 1) << "cut " << cut;
    EXPECT_EQ((*loaded)->object_count(), objects_after_lines[lines]) << "cut " << cut;
  }

  // Ingest after a tear: every line boundary, one byte either side, and mid-line.
  std::vector<size_t> cuts;
  for (size_t pos = 0, end; (end = manifest.find('\n', pos)) != std::string::npos; pos = end + 1) {
    for (size_t cut : {pos, pos + 1, (pos + end) / 2, end, end + 1}) cuts.push_back(cut);
  }
  for (size_t cut : cuts) {
    auto warehouse = scratch.path() / ("wh" + std::to_string(cut));
    std::filesystem::copy(clean, warehouse, std::filesystem::copy_options::recursive);
    std::filesystem::resize_file(WarehouseLayout(warehouse).manifest_path(), cut);
    auto report = Ingest(source.get(), warehouse, SmallCommits());
    ASSERT_TRUE(report.ok()) << "cut " << cut << ": " << report.status().ToString();
    EXPECT_EQ(Dump(warehouse), clean_dump) << "cut " << cut;
    EXPECT_EQ(DataFilesOnDisk(warehouse), LiveFiles(warehouse)) << "cut " << cut;
    std::filesystem::remove_all(warehouse);
  }
}

}  // namespace
}  // namespace adxm::testing
