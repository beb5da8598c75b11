// S3Store's contract against s3rver behind tests/s3/s3_proxy.py (SigV4 checked, conditional
// writes enforced): every Store operation as local_store_test.cc checks LocalStore's, plus the
// S3-only parts: multipart streaming, lock leases and their takeover, the reader cache.
#include "warehouse/s3_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "base/file_util.h"
#include "s3_store_options.h"
#include "s3_test_env.h"

namespace adxm::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kBucket[] = "wh";

class S3StoreS3IntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = S3TestEnv::Start({.buckets = {kBucket}});
    ASSERT_NE(env_, nullptr);
    store_ = Open();
    ASSERT_NE(store_, nullptr);
  }
  std::unique_ptr<S3Store> Open(S3StoreOptions options = {}) {
    const uint64_t part_size = options.s3.multipart_part_size;
    options.s3 = S3OptionsFor(*env_);
    options.s3.multipart_part_size = part_size;
    if (options.cache_dir.empty()) options.cache_dir = cache_.path();
    auto store = S3Store::Open({.bucket = kBucket, .key = "root/wh"}, std::move(options));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }
  std::string Read(const std::string& key) {
    std::string data;
    Status status = store_->Read(key, &data);
    EXPECT_TRUE(status.ok()) << key << ": " << status.ToString();
    return data;
  }
  std::vector<std::string> Keys(const std::string& prefix) {
    std::vector<StoreEntry> entries;
    EXPECT_TRUE(store_->List(prefix, &entries).ok());
    std::vector<std::string> keys;
    for (const StoreEntry& entry : entries) keys.push_back(entry.key);
    return keys;
  }
  // Write a lock or lease object by hand, as a process that died left it.
  void WriteByHand(const std::string& key, const std::string& body) {
    ASSERT_TRUE(store_->client()->Put(kBucket, "root/wh/" + key, body).ok());
  }

  std::unique_ptr<S3TestEnv> env_;
  ScratchDir cache_;
  std::unique_ptr<S3Store> store_;
};

TEST_F(S3StoreS3IntegrationTest, DescribeNamesTheBucketAndPrefix) {
  EXPECT_EQ(store_->Describe(), "s3://wh/root/wh");
  EXPECT_EQ(store_->ReaderPath("a/b"), (store_->cache_dir() / "a/b").string());
}

TEST_F(S3StoreS3IntegrationTest, WritableFileAppearsWholeAtCloseAndStreamsPartsWhenLarge) {
  auto small = store_->NewWritableFile("a/b/c.bin");
  ASSERT_TRUE(small.ok());
  ASSERT_TRUE((*small)->Append("hello ").ok());
  ASSERT_TRUE((*small)->Append("world").ok());
  ASSERT_TRUE((*small)->Sync().ok());
  EXPECT_TRUE(Keys("a/").empty()) << "visible before Close";
  ASSERT_TRUE((*small)->Close().ok());
  EXPECT_EQ(Read("a/b/c.bin"), "hello world");
  std::string range;
  ASSERT_TRUE(store_->ReadRange("a/b/c.bin", 6, 100, &range).ok());
  EXPECT_EQ(range, "world");
  EXPECT_EQ(*store_->Size("a/b/c.bin"), 11u);

  // s3rver accepts parts under S3's 5 MiB minimum: small parts keep the test fast.
  S3StoreOptions options;
  options.s3.multipart_part_size = 64 << 10;
  auto streaming = Open(options);
  std::string expected;
  for (int chunk = 0; expected.size() < (200u << 10) + 5; ++chunk) expected += std::string(10000, static_cast<char>('a' + chunk % 26));
  auto file = streaming->NewWritableFile("big/file.parquet");
  ASSERT_TRUE(file.ok());
  for (size_t offset = 0; offset < expected.size(); offset += 10000) {
    ASSERT_TRUE((*file)->Append(std::string_view(expected).substr(offset, 10000)).ok());
  }
  EXPECT_EQ(env_->Stats()["UploadPart"], 3u) << "parts stream out while appending";
  EXPECT_TRUE(Keys("big/").empty());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(env_->Stats()["CompleteMultipartUpload"], 1u);
  EXPECT_EQ(Read("big/file.parquet"), expected);
  // Create-only: a data key is never replaced (a writer that lost its lock cannot clobber).
  auto again = store_->NewWritableFile("a/b/c.bin");
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->Append("other").ok());
  EXPECT_EQ((*again)->Close().code(), StatusCode::kAlreadyExists);
}

TEST_F(S3StoreS3IntegrationTest, PutIfAbsentRefusesAnExistingKeyAndPutReplaces) {
  ASSERT_TRUE(store_->PutIfAbsent("log/1", "first").ok());
  Status again = store_->PutIfAbsent("log/1", "second");
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists) << again.ToString();
  EXPECT_EQ(Read("log/1"), "first");
  ASSERT_TRUE(store_->Put("log/1", "replaced").ok());
  EXPECT_EQ(Read("log/1"), "replaced");
  EXPECT_EQ(Keys("log/"), std::vector<std::string>{"log/1"});
  EXPECT_EQ(store_->Size("log/2").status().code(), StatusCode::kNotFound);
}

TEST_F(S3StoreS3IntegrationTest, LinkCopiesTheObjectWithItsIdentity) {
  ASSERT_TRUE(store_->PutIfAbsent("data/x", "bytes").ok());
  ASSERT_TRUE(store_->Link("data/x", "table/day=01/x").ok());
  EXPECT_EQ(Read("table/day=01/x"), "bytes");
  EXPECT_TRUE(*store_->SameObject("data/x", "table/day=01/x"));
  EXPECT_EQ(store_->Link("data/x", "table/day=01/x").code(), StatusCode::kAlreadyExists);
  // Equal bytes written separately are another object, as a second inode is locally.
  ASSERT_TRUE(store_->PutIfAbsent("data/y", "bytes").ok());
  EXPECT_FALSE(*store_->SameObject("data/x", "data/y"));
  // Replacing one name leaves the other with the old bytes.
  ASSERT_TRUE(store_->Put("table/day=01/x", "empty").ok());
  EXPECT_FALSE(*store_->SameObject("data/x", "table/day=01/x"));
  EXPECT_EQ(Read("data/x"), "bytes");
  EXPECT_EQ(store_->SameObject("data/missing", "data/x").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Link("data/missing", "data/z").code(), StatusCode::kNotFound);
}

TEST_F(S3StoreS3IntegrationTest, ListIsRecursiveSortedRelativeAndStaysUnderTheRoot) {
  for (const char* key : {"t/b/2", "t/a/1", "t/a/10", "u/1", "t/ab"}) ASSERT_TRUE(store_->PutIfAbsent(key, key).ok());
  ASSERT_TRUE(store_->client()->Put(kBucket, "root/other/t/a/1", "outside").ok());
  EXPECT_EQ(Keys("t/"), (std::vector<std::string>{"t/a/1", "t/a/10", "t/ab", "t/b/2"}));
  EXPECT_EQ(Keys("t/a").size(), 3u);
  EXPECT_TRUE(Keys("missing/").empty());
  std::vector<StoreEntry> entries;
  ASSERT_TRUE(store_->List("u/", &entries).ok());
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].size, 3u);
  ASSERT_TRUE(store_->Delete("u/1").ok());
  ASSERT_TRUE(store_->Delete("u/1").ok());  // Missing: not an error.
  EXPECT_TRUE(Keys("u/").empty());
  EXPECT_TRUE(store_->SyncDir("t").ok());
}

TEST_F(S3StoreS3IntegrationTest, SecondLockFailsNamingTheHolderUntilReleased) {
  auto lock = store_->Lock("_adxmetrics/LOCK", "pid 1 on host");
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  auto other = Open();
  auto second = other->Lock("_adxmetrics/LOCK", "pid 2");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("s3://wh/root/wh/_adxmetrics/LOCK: another ingest holds this warehouse (pid 1 on host, lease until "),
            std::string::npos)
      << second.status().ToString();
  lock->reset();
  EXPECT_TRUE(Keys("_adxmetrics/").empty()) << "released: deleted";
  EXPECT_TRUE(other->Lock("_adxmetrics/LOCK", "pid 3").ok());
}

TEST_F(S3StoreS3IntegrationTest, StaleLockIsTakenOverAndItsOldHolderStops) {
  std::atomic<int64_t> now_a{1000};
  S3StoreOptions options_a;
  options_a.lease_seconds = 3;  // Renewed every second.
  options_a.clock = [&] { return now_a.load(); };
  auto holder = Open(options_a);
  auto lock = holder->Lock("_adxmetrics/LOCK", "pid 1 on a host that froze");
  ASSERT_TRUE(lock.ok());
  // Another host, an hour later: the lease ran out long ago.
  S3StoreOptions options_b;
  options_b.clock = [] { return int64_t{1000 + 3600}; };
  auto taker = Open(options_b);
  auto taken = taker->Lock("_adxmetrics/LOCK", "pid 2");
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  // The old holder's next renewal finds the lock taken: it records that and writes no more.
  for (int wait = 0; wait < 50 && holder->lost_locks().empty(); ++wait) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(holder->lost_locks().size(), 1u);
  Status fenced = holder->PutIfAbsent("_adxmetrics/log/00000000000000000001.json", "{}");
  EXPECT_EQ(fenced.code(), StatusCode::kUnavailable) << fenced.ToString();
  lock->reset();  // Releasing a lost lock leaves the taker's alone.
  EXPECT_EQ(Keys("_adxmetrics/"), std::vector<std::string>{"_adxmetrics/LOCK"});
  EXPECT_EQ(Open(options_b)->Lock("_adxmetrics/LOCK", "pid 3").status().code(), StatusCode::kUnavailable);

  // A lock object a killed process left (written by hand) is taken over too.
  taken->reset();
  WriteByHand("_adxmetrics/LOCK", R"({"holder": "pid 9 on gone", "expires": 100, "id": "dead"})");
  EXPECT_TRUE(store_->Lock("_adxmetrics/LOCK", "pid 4").ok());
}

TEST_F(S3StoreS3IntegrationTest, OfTwoRacingTakersOfAStaleLockExactlyOneWins) {
  for (int round = 0; round < 5; ++round) {
    WriteByHand("_adxmetrics/LOCK", R"({"holder": "pid 9 on gone", "expires": 100, "id": "dead"})");
    auto first = Open();
    auto second = Open();
    Result<std::unique_ptr<StoreLock>> a = Status::Internal("not run"), b = Status::Internal("not run");
    std::thread racer([&] { a = first->Lock("_adxmetrics/LOCK", "racer a"); });
    b = second->Lock("_adxmetrics/LOCK", "racer b");
    racer.join();
    ASSERT_NE(a.ok(), b.ok()) << "round " << round << ": " << a.status().ToString() << " / " << b.status().ToString();
    const Status& loser = a.ok() ? b.status() : a.status();
    EXPECT_EQ(loser.code(), StatusCode::kUnavailable) << loser.ToString();
    EXPECT_NE(loser.message().find(a.ok() ? "racer a" : "racer b"), std::string::npos) << loser.ToString();
  }
}

TEST_F(S3StoreS3IntegrationTest, LeasesAreListedHeldOrNotAndDeletedOnRelease) {
  auto lease = store_->Lease("leases/7-1");
  ASSERT_TRUE(lease.ok());
  WriteByHand("leases/3-9", R"({"expires": 5, "id": "dead"})");  // Left by a process that died.
  WriteByHand("leases/4-9", "");
  std::vector<LeaseInfo> leases;
  ASSERT_TRUE(store_->ListLeases("leases/", &leases).ok());
  ASSERT_EQ(leases.size(), 3u);
  EXPECT_EQ(leases[0].key, "leases/3-9");
  EXPECT_FALSE(leases[0].held);
  EXPECT_FALSE(leases[1].held);
  EXPECT_EQ(leases[2].key, "leases/7-1");
  EXPECT_TRUE(leases[2].held);
  lease->reset();
  EXPECT_EQ(Keys("leases/"), (std::vector<std::string>{"leases/3-9", "leases/4-9"}));
}

TEST_F(S3StoreS3IntegrationTest, MakeReadableFetchesRefetchesWhatChangedAndEvictsBeyondTheBudget) {
  S3StoreOptions options;
  options.cache_bytes = 2500;
  auto store = Open(options);
  for (const char* key : {"d/a", "d/b", "d/c"}) ASSERT_TRUE(store->PutIfAbsent(key, std::string(1000, key[2])).ok());
  ASSERT_TRUE(store->MakeReadable({"d/a", "d/b"}).ok());
  EXPECT_EQ(*ReadFile(store->ReaderPath("d/a")), std::string(1000, 'a'));
  EXPECT_EQ(*ReadFile(store->ReaderPath("d/b")), std::string(1000, 'b'));
  env_->ResetStats();
  ASSERT_TRUE(store->MakeReadable({"d/a", "d/b"}).ok());
  EXPECT_EQ(env_->Stats()["GetObject"], 0u) << "cached copies that match are not fetched again";
  // A damaged cache copy (other size) and a replaced object (other ETag) are fetched again.
  ASSERT_TRUE(WriteFile(store->ReaderPath("d/a"), "garbage", false).ok());
  ASSERT_TRUE(store->Put("d/b", std::string(1000, 'B')).ok());
  ASSERT_TRUE(store->MakeReadable({"d/a", "d/b"}).ok());
  EXPECT_EQ(env_->Stats()["GetObject"], 2u);
  EXPECT_EQ(*ReadFile(store->ReaderPath("d/a")), std::string(1000, 'a'));
  EXPECT_EQ(*ReadFile(store->ReaderPath("d/b")), std::string(1000, 'B'));
  // Three files exceed 2500 bytes: the least recently used one not asked for goes.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(store->MakeReadable({"d/b"}).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(store->MakeReadable({"d/c"}).ok());
  EXPECT_FALSE(fs::exists(store->ReaderPath("d/a")));
  EXPECT_TRUE(fs::exists(store->ReaderPath("d/b")));
  EXPECT_EQ(*ReadFile(store->ReaderPath("d/c")), std::string(1000, 'c'));
  EXPECT_EQ(store->MakeReadable({"d/missing"}).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace adxm::testing
