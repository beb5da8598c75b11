#include "warehouse/local_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "base/file_util.h"
#include "test_util.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = *LocalStore::Open(dir_.path() / "root"); }
  std::string Read(const std::string& key) {
    std::string data;
    EXPECT_TRUE(store_->Read(key, &data).ok()) << key;
    return data;
  }
  testing::ScratchDir dir_;
  std::unique_ptr<LocalStore> store_;
};

TEST_F(LocalStoreTest, WritableFileStreamsIntoItsKey) {
  auto file = store_->NewWritableFile("a/b/c.bin");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE((*file)->Append("hello ").ok());
  ASSERT_TRUE((*file)->Append("world").ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(Read("a/b/c.bin"), "hello world");
  std::string range;
  ASSERT_TRUE(store_->ReadRange("a/b/c.bin", 6, 100, &range).ok());
  EXPECT_EQ(range, "world");
  EXPECT_EQ(*store_->Size("a/b/c.bin"), 11u);
}

TEST_F(LocalStoreTest, PutIfAbsentRefusesAnExistingKeyAndLeavesNoTemporaryFile) {
  ASSERT_TRUE(store_->PutIfAbsent("log/1", "first").ok());
  Status again = store_->PutIfAbsent("log/1", "second");
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists) << again.ToString();
  EXPECT_EQ(Read("log/1"), "first");
  ASSERT_TRUE(store_->Put("log/1", "replaced").ok());
  EXPECT_EQ(Read("log/1"), "replaced");
  std::vector<StoreEntry> entries;
  ASSERT_TRUE(store_->List("log/", &entries).ok());
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].key, "log/1");
}

TEST_F(LocalStoreTest, LinkMakesTheSameObjectReadableUnderASecondKey) {
  ASSERT_TRUE(store_->PutIfAbsent("data/x", "bytes").ok());
  ASSERT_TRUE(store_->Link("data/x", "table/day=01/x").ok());
  EXPECT_EQ(Read("table/day=01/x"), "bytes");
  EXPECT_TRUE(*store_->SameObject("data/x", "table/day=01/x"));
  EXPECT_EQ(store_->Link("data/x", "table/day=01/x").code(), StatusCode::kAlreadyExists);
  // Replacing one name leaves the other with the old bytes.
  ASSERT_TRUE(store_->Put("table/day=01/x", "empty").ok());
  EXPECT_FALSE(*store_->SameObject("data/x", "table/day=01/x"));
  EXPECT_EQ(Read("data/x"), "bytes");
  EXPECT_EQ(store_->SameObject("data/missing", "data/x").status().code(), StatusCode::kNotFound);
}

TEST_F(LocalStoreTest, ListIsRecursiveSortedAndFiltersByPrefix) {
  for (const char* key : {"t/b/2", "t/a/1", "t/a/10", "u/1", "t/ab"}) ASSERT_TRUE(store_->PutIfAbsent(key, key).ok());
  std::vector<StoreEntry> entries;
  ASSERT_TRUE(store_->List("t/", &entries).ok());
  std::vector<std::string> keys;
  for (const StoreEntry& entry : entries) keys.push_back(entry.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"t/a/1", "t/a/10", "t/ab", "t/b/2"}));
  entries.clear();
  ASSERT_TRUE(store_->List("t/a", &entries).ok());
  EXPECT_EQ(entries.size(), 3u);  // t/a/1, t/a/10, t/ab
  entries.clear();
  ASSERT_TRUE(store_->List("missing/", &entries).ok());
  EXPECT_TRUE(entries.empty());
}

TEST_F(LocalStoreTest, DeleteRemovesEmptiedFoldersButNotOthersOrTheRoot) {
  ASSERT_TRUE(store_->PutIfAbsent("a/b/c", "1").ok());
  ASSERT_TRUE(store_->PutIfAbsent("a/d", "2").ok());
  ASSERT_TRUE(store_->Delete("a/b/c").ok());
  EXPECT_FALSE(fs::exists(store_->Path("a/b")));
  EXPECT_TRUE(fs::exists(store_->Path("a/d")));
  ASSERT_TRUE(store_->Delete("a/d").ok());
  ASSERT_TRUE(store_->Delete("a/d").ok());  // Missing: not an error.
  EXPECT_TRUE(fs::exists(store_->Path("")));
}

// A folder is fsynced when an entry was created or removed in it since this store last fsynced
// it, and only then: a new file or link in it, a new subfolder, a folder emptied and removed.
// Put and PutIfAbsent sync their folder and the changed ones above it. Folders another store
// synced are fsynced again.
TEST_F(LocalStoreTest, SyncDirFsyncsOnlyFoldersChangedSinceTheirLastSync) {
  auto synced_after = [&](std::initializer_list<const char*> folders) {
    uint64_t before = store_->folder_syncs();
    for (const char* folder : folders) EXPECT_TRUE(store_->SyncDir(folder).ok()) << folder;
    return store_->folder_syncs() - before;
  };
  auto create = [&](const std::string& key) {
    auto file = store_->NewWritableFile(key);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    ASSERT_TRUE((*file)->Append("x").ok());
    ASSERT_TRUE((*file)->Close().ok());
  };
  ASSERT_NO_FATAL_FAILURE(create("a/b/f1"));
  EXPECT_EQ(synced_after({"a/b", "a", ""}), 3u);
  EXPECT_EQ(synced_after({"a/b", "a", ""}), 0u);  // Nothing changed since.
  ASSERT_NO_FATAL_FAILURE(create("a/b/f2"));
  EXPECT_EQ(synced_after({"a/b", "a", ""}), 1u);  // Only a/b holds a new entry.
  ASSERT_NO_FATAL_FAILURE(create("a/c/f3"));
  EXPECT_EQ(synced_after({"a/c", "a", ""}), 2u);  // a/c is new, and new in a.
  ASSERT_TRUE(store_->Link("a/b/f1", "x/f1").ok());
  EXPECT_EQ(synced_after({"x", ""}), 2u);  // x is new in the root.
  EXPECT_EQ(synced_after({"x", "", "a", "a/b", "a/c"}), 0u);
  ASSERT_TRUE(store_->Link("a/b/f1", "a/c/l1").ok());  // A new entry in a folder that exists.
  EXPECT_EQ(synced_after({"a/c", "a", ""}), 1u);
  uint64_t before = store_->folder_syncs();
  ASSERT_TRUE(store_->Put("a/b/put", "1").ok());  // Syncs a/b itself, nothing above changed.
  ASSERT_TRUE(store_->PutIfAbsent("a/c/absent", "1").ok());
  EXPECT_EQ(store_->folder_syncs() - before, 2u);
  EXPECT_EQ(synced_after({"a/b", "a/c", "a", ""}), 0u);
  before = store_->folder_syncs();
  ASSERT_TRUE(store_->PutIfAbsent("n/m/p", "1").ok());  // n/m new in n, n new in the root.
  EXPECT_EQ(store_->folder_syncs() - before, 3u);
  EXPECT_EQ(synced_after({"n/m", "n", ""}), 0u);
  ASSERT_TRUE(store_->Delete("x/f1").ok());  // Empties x: x is removed from the root.
  EXPECT_FALSE(fs::exists(store_->Path("x")));
  EXPECT_EQ(synced_after({""}), 1u);
  ASSERT_NO_FATAL_FAILURE(create("x/f4"));  // x made again: new in the root, and its entry new in it.
  EXPECT_EQ(synced_after({"x", ""}), 2u);
  ASSERT_TRUE(store_->Delete("a/b/f2").ok());
  EXPECT_EQ(synced_after({"a/b", "a", ""}), 1u);
  // A file an earlier run left without syncing its folder: PutIfAbsent finds it and syncs it.
  ASSERT_TRUE(WriteFile(store_->Path("n/m/left"), "1", /*sync=*/false).ok());
  before = store_->folder_syncs();
  EXPECT_EQ(store_->PutIfAbsent("n/m/left", "2").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->folder_syncs() - before, 1u);
  EXPECT_EQ(synced_after({"n/m", "n", ""}), 0u);
  // Taking the lock forgets what was synced: others may have changed any folder meanwhile.
  EXPECT_EQ(synced_after({"a/b", "a"}), 0u);
  auto lock = store_->Lock("LOCK", "test");
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  EXPECT_EQ(synced_after({"a/b", "a"}), 2u);
  // Another store on the same root has synced nothing itself.
  auto other = LocalStore::Open(dir_.path() / "root");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ASSERT_TRUE((*other)->SyncDir("a/b").ok());
  EXPECT_EQ((*other)->folder_syncs(), 1u);
}

TEST_F(LocalStoreTest, SecondLockFailsNamingTheHolderAndLeasesReportWhetherHeld) {
  auto lock = store_->Lock("LOCK", "pid 1 on host");
  ASSERT_TRUE(lock.ok());
  auto second = store_->Lock("LOCK", "pid 2");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("pid 1 on host"), std::string::npos);
  lock->reset();
  EXPECT_TRUE(store_->Lock("LOCK", "pid 3").ok());

  auto lease = store_->Lease("leases/7-1");
  ASSERT_TRUE(lease.ok());
  ASSERT_TRUE(store_->PutIfAbsent("leases/3-9", "").ok());  // Left by a process that died.
  std::vector<LeaseInfo> leases;
  ASSERT_TRUE(store_->ListLeases("leases/", &leases).ok());
  ASSERT_EQ(leases.size(), 2u);
  EXPECT_EQ(leases[0].key, "leases/3-9");
  EXPECT_FALSE(leases[0].held);
  EXPECT_EQ(leases[1].key, "leases/7-1");
  EXPECT_TRUE(leases[1].held);
}

TEST_F(LocalStoreTest, LeaseSucceedsWhileReleasedLeasesEmptyAndRemoveItsFolder) {
  // Readers take and drop leases side by side; dropping the last one removes the folder, which
  // another reader's Lease may just have made or found.
  constexpr int kRounds = 3000;
  std::atomic<int> failures{0};
  std::string first_failure;
  std::mutex failure_mu;
  auto reader = [&](int id) {
    for (int i = 0; i < kRounds; ++i) {
      std::string key = "leases/" + std::to_string(id) + "-" + std::to_string(i);
      auto lease = store_->Lease(key);
      if (!lease.ok()) {
        if (failures.fetch_add(1) == 0) {
          std::lock_guard<std::mutex> guard(failure_mu);
          first_failure = lease.status().ToString();
        }
        continue;
      }
      lease->reset();
      EXPECT_TRUE(store_->Delete(key).ok()) << key;
    }
  };
  std::thread a(reader, 1), b(reader, 2);
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0) << first_failure;
  EXPECT_FALSE(fs::exists(store_->Path("leases")));  // The last release removed it.
}

TEST_F(LocalStoreTest, OpenRefusesAFile) {
  ASSERT_TRUE(WriteFile(dir_.path() / "file", "x", false).ok());
  auto store = LocalStore::Open(dir_.path() / "file");
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("not a directory"), std::string::npos);
}

}  // namespace
}  // namespace adxm
