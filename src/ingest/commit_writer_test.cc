#include "ingest/commit_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "test_util.h"
#include "warehouse/fault_injection_store.h"
#include "warehouse/local_store.h"
#include "warehouse/warehouse.h"

namespace adxm {
namespace {

using adxm::testing::ScratchDir;

constexpr int64_t kDayMicros = int64_t{86400} * 1000000;

// A store whose data files' Sync() waits until the test opens the gate, or fails while the test
// says so: what the disk does to a commit, under the test's control.
class GatedStore : public FaultInjectionStore {
 public:
  explicit GatedStore(std::unique_ptr<Store> base) : FaultInjectionStore(std::move(base)) {}

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& key) override {
    ADXM_ASSIGN_OR_RETURN(auto file, FaultInjectionStore::NewWritableFile(key));
    {
      std::lock_guard lock(mu_);
      ++files_created_;
      most_open_ = std::max(most_open_, ++open_files_);
    }
    return std::unique_ptr<WritableFile>(new GatedFile(this, std::move(file)));
  }

  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void FailSyncs() {
    std::lock_guard lock(mu_);
    fail_ = true;
  }
  // Wait until a Sync() is waiting at the gate; false after 30 s.
  bool WaitForBlockedSync() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] { return waiting_ > 0; });
  }
  int syncs_done() {
    std::lock_guard lock(mu_);
    return syncs_done_;
  }
  int files_created() {
    std::lock_guard lock(mu_);
    return files_created_;
  }
  // The most data files open (created, not yet closed) at once.
  int most_open() {
    std::lock_guard lock(mu_);
    return most_open_;
  }
  // The threads that appended to data files, and those that synced them.
  std::set<std::thread::id> append_threads() {
    std::lock_guard lock(mu_);
    return append_threads_;
  }
  std::set<std::thread::id> sync_threads() {
    std::lock_guard lock(mu_);
    return sync_threads_;
  }

 private:
  class GatedFile : public WritableFile {
   public:
    GatedFile(GatedStore* store, std::unique_ptr<WritableFile> base) : store_(store), base_(std::move(base)) {}
    Status Append(std::string_view data) override {
      {
        std::lock_guard lock(store_->mu_);
        store_->append_threads_.insert(std::this_thread::get_id());
      }
      return base_->Append(data);
    }
    Status Sync() override {
      {
        std::unique_lock lock(store_->mu_);
        store_->sync_threads_.insert(std::this_thread::get_id());
        if (store_->fail_) return Status::IoError("disk full (injected)");
        ++store_->waiting_;
        store_->cv_.notify_all();
        store_->cv_.wait(lock, [&] { return store_->open_; });
        --store_->waiting_;
      }
      Status status = base_->Sync();
      std::lock_guard lock(store_->mu_);
      ++store_->syncs_done_;
      return status;
    }
    Status Close() override {
      Closed();
      return base_->Close();
    }
    ~GatedFile() override { Closed(); }

   private:
    void Closed() {
      std::lock_guard lock(store_->mu_);
      if (!closed_) --store_->open_files_;
      closed_ = true;
    }
    GatedStore* store_;
    std::unique_ptr<WritableFile> base_;
    bool closed_ = false;
  };

  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  bool fail_ = false;
  int waiting_ = 0;
  int syncs_done_ = 0;
  int files_created_ = 0;
  int open_files_ = 0;
  int most_open_ = 0;
  std::set<std::thread::id> append_threads_;
  std::set<std::thread::id> sync_threads_;
};

// Opens the gate when it goes out of scope: a failed assertion never leaves a sync waiting.
struct OpenOnExit {
  GatedStore* store;
  ~OpenOnExit() { store->Open(); }
};

// A warehouse in a scratch folder over a GatedStore, and the report its writer counts into.
struct GatedWarehouse {
  explicit GatedWarehouse(bool fail_syncs) {
    if (fail_syncs) store.FailSyncs();
    auto opened = Warehouse::OpenForWrite(&store, {});
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (opened.ok()) warehouse = std::move(*opened);
  }
  ScratchDir dir;
  GatedStore store{*LocalStore::Open(dir.path())};
  std::unique_ptr<Warehouse> warehouse;
  IngestReport report;
};

// A job of `rows_per_day` rows on each of `days` days (2023-05-01 on), from one object.
CommitJob MakeJob(int days, int rows_per_day, int first_id) {
  auto extracted = std::make_unique<ExtractedObject>();
  for (int day = 0; day < days; ++day) {
    for (int row = 0; row < rows_per_day; ++row) {
      extracted->rows.AddRow();
      char id[40];
      std::snprintf(id, sizeof(id), "%08x-0000-4000-8000-000000000000", first_id + day * rows_per_day + row);
      extracted->rows.SetString(kEventId, id);
      extracted->rows.SetString(kEventName, "GetObject");
      extracted->rows.SetInt(kEventTime, (19478 + day) * kDayMicros + row);
    }
  }
  CommitJob job;
  uint32_t row = 0;
  for (int day = 0; day < days; ++day) {
    std::vector<RowRef> refs;
    for (int index = 0; index < rows_per_day; ++index) refs.push_back(RowRef{&extracted->rows, row++});
    job.days.emplace_back(19478 + day, std::move(refs));
  }
  job.objects.push_back(ObjectRecord{"AWSLogs/object-" + std::to_string(first_id) + ".json.gz", 100, "v1",
                                     static_cast<uint64_t>(days * rows_per_day), static_cast<uint64_t>(days * rows_per_day), 0});
  job.batches.push_back(std::move(extracted));
  return job;
}

// In kOverlapIo the caller encodes (its thread appends to the files) and returns; the files'
// syncs and the commit happen on the writer's thread, and the commit only once they are done.
TEST(CommitWriterTest, OverlapIoReturnsWhileTheFilesSyncAndCommitsAfterThem) {
  GatedWarehouse gated(/*fail_syncs=*/false);
  ASSERT_NE(gated.warehouse, nullptr);
  GatedStore& store = gated.store;
  Warehouse* warehouse = gated.warehouse.get();
  IngestReport& report = gated.report;
  {
    CommitWriter writer(warehouse, CommitWriter::Mode::kOverlapIo, &report);
    // Submit runs on a thread of its own, which stays alive until the checks are done (so that
    // no thread started later, such as a sync's, reuses its id).
    std::promise<Status> submit_result;
    std::future<Status> submitted = submit_result.get_future();
    std::promise<void> release;
    std::thread caller_thread([&, released = release.get_future()]() mutable {
      submit_result.set_value(writer.Submit(MakeJob(3, 500, 0)));
      released.wait();
    });
    const std::thread::id caller = caller_thread.get_id();
    // On every way out, first open the gate (a held sync would hold Submit or the writer's thread
    // forever), then let the caller's thread end.
    struct ReleaseOnExit {
      GatedStore* store;
      std::promise<void>* release;
      std::thread* thread;
      ~ReleaseOnExit() {
        store->Open();
        release->set_value();
        thread->join();
      }
    } release_on_exit{&store, &release, &caller_thread};
    // If Submit waited for the syncs it would not return while they are held at the gate.
    ASSERT_TRUE(store.WaitForBlockedSync()) << "no data file was synced";
    ASSERT_EQ(submitted.wait_for(std::chrono::seconds(30)), std::future_status::ready)
        << "Submit waited for the files' syncs";
    EXPECT_TRUE(submitted.get().ok());
    EXPECT_EQ(store.syncs_done(), 0);
    EXPECT_TRUE(warehouse->state().live_files.empty()) << "committed before its files were synced";
    store.Open();
    Status idle = writer.WaitIdle();
    ASSERT_TRUE(idle.ok()) << idle.ToString();
    EXPECT_EQ(store.syncs_done(), 3);
    EXPECT_EQ(store.append_threads(), std::set<std::thread::id>{caller}) << "files encoded off the caller's thread";
    EXPECT_EQ(store.sync_threads().count(caller), 0u) << "the caller synced a file";
    EXPECT_EQ(warehouse->state().live_files.size(), 3u);
    EXPECT_EQ(report.commits, 1u);
    EXPECT_EQ(report.files_written, 3u);
    EXPECT_EQ(report.rows_written, 1500u);
    EXPECT_EQ(report.objects_ingested, 1u);

    // The next job's files take the next transaction: its submit waits for the commit before it.
    ASSERT_TRUE(writer.Submit(MakeJob(2, 10, 10000)).ok());
    ASSERT_TRUE(writer.WaitIdle().ok());
    EXPECT_EQ(warehouse->state().live_files.size(), 5u);
    EXPECT_EQ(report.commits, 2u);
  }
  EXPECT_EQ(report.rows_written, 1520u);
}

// A job of 40 days goes out in three groups of files, at most two of them open at once, and is
// committed whole.
TEST(CommitWriterTest, OverlapIoCommitsAManyDayJobWithAtMostTwoGroupsOpen) {
  GatedWarehouse gated(/*fail_syncs=*/false);
  ASSERT_NE(gated.warehouse, nullptr);
  gated.store.Open();
  CommitWriter writer(gated.warehouse.get(), CommitWriter::Mode::kOverlapIo, &gated.report);
  ASSERT_TRUE(writer.Submit(MakeJob(40, 5, 0)).ok());
  ASSERT_TRUE(writer.WaitIdle().ok());
  EXPECT_EQ(gated.store.syncs_done(), 40);
  EXPECT_LE(gated.store.most_open(), 32);
  EXPECT_EQ(gated.warehouse->state().live_files.size(), 40u);
  EXPECT_EQ(gated.report.commits, 1u);
  EXPECT_EQ(gated.report.rows_written, 200u);
}

// A job of more days than one group of files (16): the caller writes the next group while the
// writer's thread syncs one, and learns of that group's failure before it writes another, so a
// backfill never holds more than two groups of files open, and nothing of it commits.
TEST(CommitWriterTest, OverlapIoStopsAManyDayJobAtTheGroupWhoseSyncFailed) {
  GatedWarehouse gated(/*fail_syncs=*/true);
  ASSERT_NE(gated.warehouse, nullptr);
  CommitWriter writer(gated.warehouse.get(), CommitWriter::Mode::kOverlapIo, &gated.report);
  Status submitted = writer.Submit(MakeJob(40, 5, 0));
  EXPECT_EQ(submitted.code(), StatusCode::kIoError) << submitted.ToString();
  EXPECT_EQ(gated.store.files_created(), 32) << "not exactly the first two groups were written";
  EXPECT_EQ(writer.WaitIdle().code(), StatusCode::kIoError);
  EXPECT_TRUE(gated.warehouse->state().live_files.empty());
  EXPECT_EQ(gated.report.commits, 0u);
}

// A sync that fails on the writer's thread stops that commit and every later one: the failure
// (naming the file) comes back from WaitIdle and from the next Submit, and nothing is committed.
TEST(CommitWriterTest, FailedSyncOnTheWritersThreadStopsTheCommitAndIsReturned) {
  for (CommitWriter::Mode mode : {CommitWriter::Mode::kOverlapIo, CommitWriter::Mode::kBackground}) {
    GatedWarehouse gated(/*fail_syncs=*/true);
    ASSERT_NE(gated.warehouse, nullptr);
    CommitWriter writer(gated.warehouse.get(), mode, &gated.report);
    ASSERT_TRUE(writer.Submit(MakeJob(2, 100, 0)).ok()) << "encoding succeeds; the disk fails later";
    Status idle = writer.WaitIdle();
    EXPECT_EQ(idle.code(), StatusCode::kIoError) << idle.ToString();
    EXPECT_NE(idle.message().find("year=2023/month=05/day=0"), std::string::npos) << idle.ToString();
    Status next = writer.Submit(MakeJob(1, 10, 5000));
    EXPECT_EQ(next.code(), StatusCode::kIoError) << next.ToString();
    EXPECT_TRUE(writer.WaitIdle().code() == StatusCode::kIoError);
    EXPECT_TRUE(gated.warehouse->state().live_files.empty());
    EXPECT_EQ(gated.report.commits, 0u);
  }
}

}  // namespace
}  // namespace adxm
