// The warehouse's protocol over each Store: LocalStore and S3Store (s3rver behind
// tests/s3/s3_proxy.py). A crash at every store operation of a run of commits, a compaction,
// checkpoints and a vacuum, then a rerun: before recovery the visible table objects hold no event
// twice and only committed files; after it, exactly the dataset. Plus snapshots against vacuum and
// the writer lock. Data files here are lists of event ids (one per line), so the checks read what
// an external reader lists without needing Parquet; the removed-file placeholder is the real one.
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "base/file_util.h"
#include "s3_store_options.h"
#include "s3_test_env.h"
#include "warehouse/fault_injection_store.h"
#include "warehouse/layout.h"
#include "warehouse/local_store.h"
#include "warehouse/manifest.h"
#include "warehouse/s3_store.h"
#include "warehouse/snapshot.h"
#include "warehouse/warehouse.h"

namespace adxm::testing {
namespace {

constexpr char kBucket[] = "wh";
const std::string kDay = PartitionDir(19478);  // 2023-05-01

class WarehouseStoresS3IntegrationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "s3") {
      env_ = S3TestEnv::Start({.buckets = {kBucket}});
      ASSERT_NE(env_, nullptr);
    }
  }
  void TearDown() override {
    if (env_ == nullptr || !HasFailure()) return;
    for (const char* log : {"proxy.log", "s3rver.log"}) {
      auto text = ReadFile(env_->dir() / log);
      if (text.ok()) std::cerr << log << " (end):\n" << text->substr(text->size() > 3000 ? text->size() - 3000 : 0) << "\n";
    }
  }
  // A store rooted at `name` (a folder, or a prefix of the bucket).
  std::unique_ptr<Store> OpenStore(const std::string& name) {
    if (GetParam() == "local") return std::move(*LocalStore::Open(scratch_.path() / name));
    S3StoreOptions options;
    options.s3 = S3OptionsFor(*env_);
    options.cache_dir = scratch_.path() / "cache";
    auto store = S3Store::Open({.bucket = kBucket, .key = name + "/"}, std::move(options));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  std::unique_ptr<S3TestEnv> env_;
  ScratchDir scratch_;
};

std::string Events(const std::vector<std::string>& ids) {
  std::string text;
  for (const std::string& id : ids) text += id + "\n";
  return text;
}

WarehouseOptions Options() {
  WarehouseOptions options;
  options.retention_seconds = 0;  // The vacuum runs at once: its steps are crash points too.
  options.clock = [] { return int64_t{1000}; };
  options.manifest.checkpoint_commits = 2;  // Checkpoints (and their clean-up) happen too.
  return options;
}

Status CommitFile(Warehouse* warehouse, const std::string& content, std::vector<std::string> removed = {}) {
  CommitRecord record;
  record.txn = warehouse->manifest().next_txn();
  std::string relative = WarehouseLayout::DataFileName(kDay, record.txn);
  ADXM_ASSIGN_OR_RETURN(auto file, warehouse->NewDataFile(relative));
  ADXM_RETURN_IF_ERROR(file->Append(content));
  ADXM_RETURN_IF_ERROR(file->Sync());
  ADXM_RETURN_IF_ERROR(file->Close());
  record.added_files = {relative};
  record.removed_files = std::move(removed);
  return warehouse->Commit(std::move(record));
}

// The run: two ingest commits, a compaction of the day, a vacuum of what it replaced. Each step
// is one commit, so a rerun resumes at step txn + 1, as an ingest resumes from its manifest.
Status RunSteps(Store* store) {
  ADXM_ASSIGN_OR_RETURN(auto warehouse, Warehouse::OpenForWrite(store, Options()));
  for (uint64_t step = warehouse->state().txn + 1; step <= 4; ++step) {
    if (step == 1) ADXM_RETURN_IF_ERROR(CommitFile(warehouse.get(), Events({"e1", "e2"})));
    if (step == 2) ADXM_RETURN_IF_ERROR(CommitFile(warehouse.get(), Events({"e3"})));
    if (step == 3) {
      std::vector<std::string> inputs = LiveFilesIn(warehouse->state().live_files, kDay);
      std::string merged;
      for (const std::string& input : inputs) {
        std::string bytes;
        ADXM_RETURN_IF_ERROR(store->Read(WarehouseLayout::DataKey(input), &bytes));
        merged += bytes;
      }
      ADXM_RETURN_IF_ERROR(CommitFile(warehouse.get(), merged, inputs));
    }
    if (step == 4) {
      uint64_t vacuumed = 0;
      ADXM_RETURN_IF_ERROR(warehouse->Vacuum(&vacuumed));
      if (vacuumed != 2) return Status::Internal("vacuumed " + std::to_string(vacuumed) + " files, expected 2");
    }
  }
  return Status::OK();
}

// What a Hive-style reader (Athena) sees: every object under the table prefix not hidden, read
// whole; each event id with the number of visible files holding it.
struct Visible {
  std::vector<std::string> files;  // Relative to the table folder.
  std::map<std::string, int> events;
};

Visible ReadVisible(Store* store) {
  Visible visible;
  std::vector<StoreEntry> entries;
  EXPECT_TRUE(store->List(std::string(WarehouseLayout::kTablePrefix), &entries).ok());
  const std::string empty = EmptyDataFileBytes();
  for (const StoreEntry& entry : entries) {
    std::string relative = entry.key.substr(WarehouseLayout::kTablePrefix.size());
    if (WarehouseLayout::IsHidden(relative)) continue;
    std::string bytes;
    EXPECT_TRUE(store->Read(entry.key, &bytes).ok()) << entry.key;
    visible.files.push_back(relative);
    if (bytes == empty) continue;  // A removed file's placeholder: no rows.
    std::istringstream lines(bytes);
    for (std::string id; std::getline(lines, id);) ++visible.events[id];
  }
  return visible;
}

TEST_P(WarehouseStoresS3IntegrationTest, CrashAtEveryOperationLeavesNoDuplicateAndTheRerunFinishes) {
  std::vector<std::string> kinds;
  {
    FaultInjectionStore store(OpenStore("clean"));
    ASSERT_TRUE(RunSteps(&store).ok());
    kinds = store.operation_kinds();
  }
  ASSERT_GT(kinds.size(), 30u);
  const std::map<std::string, int> dataset = {{"e1", 1}, {"e2", 1}, {"e3", 1}};
  for (uint64_t k = 0; k < kinds.size(); ++k) {
    // On S3, creating a writable file, appending, syncing and folder syncs send nothing: a crash
    // before one of them equals a crash before the next request (kept short: the loop is slow).
    static const std::set<std::string> kNoRequest = {"create", "append", "sync", "sync-dir"};
    if (GetParam() == "s3" && kNoRequest.count(kinds[k]) > 0) continue;
    const std::string name = "k" + std::to_string(k);
    {
      FaultInjectionStore store(OpenStore(name));
      store.CrashAfter(k);
      ASSERT_FALSE(RunSteps(&store).ok()) << "k " << k << ": the run should have met the crash";
      ASSERT_TRUE(store.DropUnsyncedData().ok());
    }
    auto store = OpenStore(name);
    // Before any recovery: no event twice, no uncommitted file.
    Visible before = ReadVisible(store.get());
    for (const auto& [id, count] : before.events) EXPECT_EQ(count, 1) << "k " << k << ": " << id << " visible twice";
    auto manifest = Manifest::Open(store.get());
    ASSERT_TRUE(manifest.ok()) << "k " << k << ": " << manifest.status().ToString();
    for (const std::string& file : before.files) {
      EXPECT_EQ((*manifest)->state().live_files.count(file) + (*manifest)->state().retained.count(file), 1u)
          << "k " << k << ": uncommitted " << file << " is visible";
    }
    Status rerun = RunSteps(store.get());
    ASSERT_TRUE(rerun.ok()) << "k " << k << ": " << rerun.ToString();
    Visible after = ReadVisible(store.get());
    EXPECT_EQ(after.events, dataset) << "k " << k;
    EXPECT_EQ(after.files, std::vector<std::string>{WarehouseLayout::DataFileName(kDay, 3)}) << "k " << k;
    std::vector<StoreEntry> data;
    ASSERT_TRUE(store->List(std::string(WarehouseLayout::kDataPrefix), &data).ok());
    ASSERT_EQ(data.size(), 1u) << "k " << k << ": stable copies left behind";
  }
}

TEST_P(WarehouseStoresS3IntegrationTest, SnapshotKeepsItsFilesReadableUntilClosedThenVacuumDeletesThem) {
  auto store = OpenStore("wh");
  WarehouseOptions options = Options();
  auto warehouse = *Warehouse::OpenForWrite(store.get(), options);
  Status committed = CommitFile(warehouse.get(), Events({"e1"}));
  ASSERT_TRUE(committed.ok()) << committed.ToString();
  auto snapshot = Snapshot::Open(store.get());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  ASSERT_EQ((*snapshot)->files().size(), 1u);
  const std::string path = (*snapshot)->files()[0].reader_path;
  EXPECT_EQ(*ReadFile(path), Events({"e1"}));  // Readable locally (S3: fetched into the cache).
  ASSERT_TRUE(CommitFile(warehouse.get(), Events({"e1"}), {WarehouseLayout::DataFileName(kDay, 1)}).ok());
  uint64_t vacuumed = 0;
  ASSERT_TRUE(warehouse->Vacuum(&vacuumed).ok());
  EXPECT_EQ(vacuumed, 0u) << "a snapshot from before the removal holds a lease";
  std::string bytes;
  EXPECT_TRUE(store->Read(WarehouseLayout::DataKey(WarehouseLayout::DataFileName(kDay, 1)), &bytes).ok());
  snapshot->reset();
  ASSERT_TRUE(warehouse->Vacuum(&vacuumed).ok());
  EXPECT_EQ(vacuumed, 1u);
  EXPECT_EQ(ReadVisible(store.get()).events, (std::map<std::string, int>{{"e1", 1}}));
}

TEST_P(WarehouseStoresS3IntegrationTest, SecondWriterFailsFastNamingTheHolder) {
  auto store = OpenStore("wh");
  auto first = Warehouse::OpenForWrite(store.get(), Options());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto other = OpenStore("wh");
  auto second = Warehouse::OpenForWrite(other.get(), Options());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("another ingest holds this warehouse (pid "), std::string::npos)
      << second.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(Stores, WarehouseStoresS3IntegrationTest, ::testing::Values("local", "s3"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace adxm::testing
