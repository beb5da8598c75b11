#include "warehouse/manifest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "base/file_util.h"
#include "test_util.h"
#include "warehouse/layout.h"
#include "warehouse/local_store.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

std::string Key(int day, int n) {
  return "AWSLogs/1/CloudTrail/us-east-1/2023/05/" + std::string(day < 10 ? "0" : "") + std::to_string(day) + "/o" +
         std::to_string(n) + ".json.gz";
}

// Commit `count` records; record txn gets objects of day (txn % 3 + 1), a file added, and every
// third removes the previous one.
void CommitMany(Manifest* manifest, int count) {
  for (int index = 0; index < count; ++index) {
    CommitRecord record;
    record.txn = manifest->next_txn();
    record.time = 1000 + static_cast<int64_t>(record.txn);
    int day = static_cast<int>(record.txn % 3) + 1;
    for (int n = 0; n < 5; ++n) {
      record.objects.push_back({Key(day, static_cast<int>(record.txn) * 10 + n), 100 + record.txn, "v" + std::to_string(n), 1, 1, 0});
    }
    record.added_files.push_back("year=2023/month=05/day=0" + std::to_string(day) + "/part-" + std::to_string(record.txn));
    if (record.txn % 3 == 0) record.removed_files.push_back("year=2023/month=05/day=0" + std::to_string(day) + "/part-" + std::to_string(record.txn - 3));
    ASSERT_TRUE(manifest->Commit(record).ok()) << record.txn;
  }
}

void ExpectSameState(const ManifestState& a, const ManifestState& b) {
  EXPECT_EQ(a.txn, b.txn);
  EXPECT_EQ(a.live_files, b.live_files);
  ASSERT_EQ(a.retained.size(), b.retained.size());
  for (const auto& [path, file] : a.retained) {
    EXPECT_EQ(b.retained.at(path).removed_txn, file.removed_txn);
    EXPECT_EQ(b.retained.at(path).removed_time, file.removed_time);
  }
  ASSERT_EQ(a.rejects.size(), b.rejects.size());
  for (const auto& [key, reject] : a.rejects) EXPECT_EQ(b.rejects.at(key).attempts, reject.attempts);
}

class ManifestTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = *LocalStore::Open(dir_.path()); }
  std::vector<std::string> Keys(const std::string& folder) {
    std::vector<std::string> keys;
    if (!fs::exists(dir_.path() / folder)) return keys;
    for (const auto& entry : fs::directory_iterator(dir_.path() / folder)) keys.push_back(entry.path().filename().string());
    std::sort(keys.begin(), keys.end());
    return keys;
  }
  testing::ScratchDir dir_;
  std::unique_ptr<LocalStore> store_;
};

// The commit record as a nlohmann document, member by member as docs/manifest_format.md names
// them: the reference the hand-written encoder is checked against.
nlohmann::json ReferenceRecord(const CommitRecord& record) {
  using nlohmann::json;
  json doc = {{"txn", record.txn}, {"objects", json::array()}, {"added", record.added_files},
              {"removed", record.removed_files}};
  if (record.time > 0) doc["time"] = record.time;
  for (const ObjectRecord& o : record.objects) {
    doc["objects"].push_back({{"key", o.key}, {"size", o.size}, {"version", o.version}, {"events", o.events},
                              {"rows", o.rows}, {"duplicates", o.duplicates}});
  }
  for (const RejectRecord& r : record.rejects) {
    doc["rejects"].push_back({{"key", r.key}, {"size", r.size}, {"version", r.version}, {"reason", r.reason},
                              {"attempts", r.attempts}, {"first_seen", r.first_seen}, {"last_seen", r.last_seen}});
  }
  if (!record.vacuumed.empty()) doc["vacuumed"] = record.vacuumed;
  for (const QuarantinedRecord& q : record.quarantined) {
    doc["quarantined"].push_back(
        {{"key", q.key}, {"record", q.record_index}, {"reason", q.reason}, {"raw", q.raw_json}, {"time", q.time}});
  }
  return doc;
}

// A string of `length` characters drawn from every class JSON escapes differently: control
// bytes, quotes, backslashes, slashes, DEL, 2-, 3- and 4-byte UTF-8.
std::string RandomText(std::mt19937* random, size_t length) {
  static const std::vector<std::string> kPieces = {"a", "Z", "0", " ", "/", "\"", "\\", "\b", "\f", "\n", "\r", "\t",
                                                   std::string(1, '\0'), "\x01", "\x1f", "\x7f", "\xC3\xA9",
                                                   "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "=", "%3D", "{}[],:"};
  std::string text;
  for (size_t index = 0; index < length; ++index) text += kPieces[(*random)() % kPieces.size()];
  return text;
}

// The JSON body of a framed entry "<crc8> <json>\n".
std::string Body(const std::string& entry) { return entry.substr(9, entry.size() - 10); }

TEST(ManifestEncodingTest, CommitRecordsAreWhatNlohmannWrites) {
  std::mt19937 random(20261202);
  for (int trial = 0; trial < 300; ++trial) {
    auto text = [&] { return RandomText(&random, random() % 12); };
    auto number = [&] { return random() % 4 == 0 ? UINT64_MAX - random() % 3 : random() % 100000; };
    CommitRecord record;
    record.txn = number() + 1;
    record.time = random() % 3 == 0 ? 0 : static_cast<int64_t>(random());
    for (size_t n = random() % 5; n > 0; --n) {
      record.objects.push_back({text(), number(), text(), number(), number(), number()});
    }
    for (size_t n = random() % 3; n > 0; --n) record.added_files.push_back(text());
    for (size_t n = random() % 3; n > 0; --n) record.removed_files.push_back(text());
    for (size_t n = random() % 3; n > 0; --n) record.vacuumed.push_back(text());
    for (size_t n = random() % 3; n > 0; --n) {
      record.rejects.push_back({text(), number(), text(), text(), number(), static_cast<int64_t>(random() % 5),
                                static_cast<int64_t>(random())});
    }
    for (size_t n = random() % 3; n > 0; --n) {
      record.quarantined.push_back({text(), number(), text(), text(), static_cast<int64_t>(random())});
    }
    std::string entry = Manifest::EncodeRecord(record);
    ASSERT_EQ(Body(entry), ReferenceRecord(record).dump()) << "trial " << trial;
    CommitRecord decoded;
    ASSERT_TRUE(Manifest::DecodeRecord(entry, &decoded)) << entry;
    ASSERT_EQ(decoded.objects.size(), record.objects.size());
    for (size_t index = 0; index < record.objects.size(); ++index) {
      EXPECT_EQ(decoded.objects[index].key, record.objects[index].key);
      EXPECT_EQ(decoded.objects[index].duplicates, record.objects[index].duplicates);
    }
    EXPECT_EQ(decoded.quarantined.size(), record.quarantined.size());
  }
  // Text that is not UTF-8 (Commit refuses it) is written as nlohmann replaces it.
  CommitRecord bad;
  bad.txn = 1;
  bad.added_files = {"ok", std::string("bad\xFF\xC3") + "end"};
  nlohmann::json reference = ReferenceRecord(bad);
  EXPECT_EQ(Body(Manifest::EncodeRecord(bad)), reference.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

TEST_F(ManifestTest, CheckpointsAreCanonicalJsonThatReadsBack) {
  ManifestOptions options;
  options.checkpoint_commits = 4;
  auto manifest = *Manifest::Open(store_.get(), options);
  CommitMany(manifest.get(), 3);
  CommitRecord record;
  record.txn = manifest->next_txn();
  record.time = 77;
  record.objects.push_back({Key(9, 1), 5, "v\"1\\", 2, 1, 1});
  record.rejects.push_back({Key(9, 2), 10, "e\ttag", "not gzip: \"x\"\n", 2, 50, 60});
  record.quarantined.push_back({Key(9, 1), 3, "no eventTime", "{\"eventID\":\"\xC3\xA9\x01\"}", 77});
  record.removed_files.push_back("year=2023/month=05/day=02/part-1");  // Added by the first commit.
  ASSERT_TRUE(manifest->Commit(record).ok());  // The 4th: checkpointed.
  std::vector<std::string> checkpoints = Keys("_adxmetrics/checkpoint");
  ASSERT_EQ(checkpoints.size(), 1u);
  std::string entry = *ReadFile(dir_.path() / "_adxmetrics" / "checkpoint" / checkpoints[0]);
  nlohmann::json doc = nlohmann::json::parse(Body(entry));
  EXPECT_EQ(doc.dump(), Body(entry));  // Written exactly as nlohmann would write it.
  EXPECT_EQ(doc["txn"], 4);
  EXPECT_EQ(doc["rejects"][0]["reason"], "not gzip: \"x\"\n");
  EXPECT_EQ(doc["quarantined"][0]["raw"], "{\"eventID\":\"\xC3\xA9\x01\"}");
  EXPECT_EQ(doc["quarantined_total"], 1);
  ASSERT_EQ(doc["retained"].size(), 1u);
  EXPECT_EQ(doc["retained"][0]["path"], "year=2023/month=05/day=02/part-1");
  EXPECT_EQ(doc["retained"][0]["txn"], 4);
  auto reopened = *Manifest::Open(store_.get(), options);
  ExpectSameState(manifest->state(), reopened->state());
  EXPECT_EQ(reopened->state().quarantined.at(0).raw_json, "{\"eventID\":\"\xC3\xA9\x01\"}");
}

TEST_F(ManifestTest, MissingManifestIsEmpty) {
  auto manifest = Manifest::Open(store_.get());
  ASSERT_TRUE(manifest.ok());
  EXPECT_TRUE((*manifest)->empty());
  EXPECT_EQ((*manifest)->next_txn(), 1u);
}

TEST_F(ManifestTest, CheckpointsBoundTheTailAndKeepTwoGenerations) {
  ManifestOptions options;
  options.checkpoint_commits = 3;
  auto manifest = *Manifest::Open(store_.get(), options);
  CommitMany(manifest.get(), 10);
  EXPECT_EQ(manifest->checkpoint_txn(), 9u);
  EXPECT_EQ(Keys("_adxmetrics/checkpoint"),
            (std::vector<std::string>{"00000000000000000006.json", "00000000000000000009.json"}));
  // Entries up to the previous checkpoint are gone; 7..10 remain.
  EXPECT_EQ(Keys("_adxmetrics/log").size(), 4u);
  EXPECT_EQ(Keys("_adxmetrics/log").front(), "00000000000000000007.json");
  auto reopened = Manifest::Open(store_.get(), options);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  ExpectSameState(manifest->state(), (*reopened)->state());
  EXPECT_EQ((*reopened)->object_count(), 50u);
  // Retained files carry their removal commit and time.
  EXPECT_EQ((*reopened)->state().retained.at("year=2023/month=05/day=01/part-3").removed_txn, 6u);
  EXPECT_EQ((*reopened)->state().retained.at("year=2023/month=05/day=01/part-3").removed_time, 1006);

  std::vector<std::string> keys = {Key(1, 30), Key(2, 100), Key(2, 104), Key(2, 10), Key(2, 99999), "elsewhere"};
  std::vector<std::optional<IndexedObject>> found;
  ASSERT_TRUE((*reopened)->LookupObjects(keys, &found).ok());
  ASSERT_TRUE(found[0].has_value());  // txn 3 -> day 1, in a checkpoint part.
  EXPECT_EQ(found[0]->size, 103u);
  ASSERT_TRUE(found[1].has_value());  // txn 10 -> day 2, in the tail.
  EXPECT_EQ(found[2]->version, "v4");
  ASSERT_TRUE(found[3].has_value());  // txn 1 -> day 2, in the oldest part.
  EXPECT_EQ(found[3]->size, 101u);
  EXPECT_FALSE(found[4].has_value());
  EXPECT_FALSE(found[5].has_value());
}

TEST_F(ManifestTest, LookupOfManyKeysOfOnePartFindsEveryOne) {
  ManifestOptions options;
  options.checkpoint_commits = 3;
  auto manifest = *Manifest::Open(store_.get(), options);
  CommitMany(manifest.get(), 12);  // Checkpoint at 12: every object is in an index part.
  auto reopened = *Manifest::Open(store_.get(), options);
  std::vector<std::string> keys;
  for (int txn = 12; txn >= 1; --txn) {
    for (int n = 4; n >= 0; --n) keys.push_back(Key(txn % 3 + 1, txn * 10 + n));  // Not in index order.
  }
  std::vector<std::optional<IndexedObject>> found;
  ASSERT_TRUE(reopened->LookupObjects(keys, &found).ok());
  for (size_t index = 0; index < keys.size(); ++index) {
    ASSERT_TRUE(found[index].has_value()) << keys[index];
    EXPECT_EQ(found[index]->key, keys[index]);
  }
}

TEST_F(ManifestTest, NewestLogDayIgnoresFoldersThatAreNoDateOrLaterThanTheBound) {
  auto manifest = *Manifest::Open(store_.get());
  EXPECT_EQ(manifest->NewestLogDay("20241231"), "");
  const std::string folder = "AWSLogs/1/CloudTrail/us-east-1/";
  CommitRecord record{1, 10, {}, {}, {}, {}, {}};
  for (const char* day : {"2024/03/01", "2024/02/29", "2024/13/45", "2023/02/29", "2024/04/31", "2030/01/01",
                          "2024/00/10"}) {
    record.objects.push_back({folder + day + "/o.json.gz", 1, "v", 1, 1, 0});
  }
  ASSERT_TRUE(manifest->Commit(record).ok());
  EXPECT_EQ(manifest->NewestLogDay("20241231"), "20240301");  // Not 2030, 2024/13/45, 2024/04/31.
  EXPECT_EQ(manifest->NewestLogDay("20240229"), "20240229");  // The bound itself counts.
  EXPECT_EQ(manifest->NewestLogDay("20300101"), "20300101");
  ASSERT_TRUE(manifest->Checkpoint().ok());  // Now from the index parts, not the tail.
  auto reopened = *Manifest::Open(store_.get());
  EXPECT_EQ(reopened->NewestLogDay("20241231"), "20240301");
  EXPECT_EQ(reopened->NewestLogDay("20240101"), "");
}

TEST_F(ManifestTest, DamagedNewestCheckpointFallsBackToThePreviousOne) {
  ManifestOptions options;
  options.checkpoint_commits = 3;
  auto manifest = *Manifest::Open(store_.get(), options);
  CommitMany(manifest.get(), 10);
  fs::resize_file(dir_.path() / "_adxmetrics/checkpoint/00000000000000000009.json", 30);
  auto reopened = Manifest::Open(store_.get(), options);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  ExpectSameState(manifest->state(), (*reopened)->state());
  EXPECT_EQ((*reopened)->checkpoint_txn(), 6u);
}

TEST_F(ManifestTest, ReprocessedObjectReplacesItsIndexEntry) {
  auto manifest = *Manifest::Open(store_.get());
  CommitRecord first{1, 10, {{Key(1, 1), 10, "old", 1, 1, 0}}, {}, {}, {}, {}};
  ASSERT_TRUE(manifest->Commit(first).ok());
  ASSERT_TRUE(manifest->Checkpoint().ok());
  CommitRecord second{2, 11, {{Key(1, 1), 20, "new", 1, 1, 0}}, {}, {}, {}, {}};
  ASSERT_TRUE(manifest->Commit(second).ok());
  ASSERT_TRUE(manifest->Checkpoint().ok());
  auto reopened = *Manifest::Open(store_.get());
  std::vector<std::optional<IndexedObject>> found;
  ASSERT_TRUE(reopened->LookupObjects({Key(1, 1)}, &found).ok());
  ASSERT_TRUE(found[0].has_value());
  EXPECT_EQ(found[0]->version, "new");
  EXPECT_EQ(found[0]->size, 20u);
  EXPECT_EQ(reopened->object_count(), 1u);
}

TEST_F(ManifestTest, RejectsAreRecordedUpdatedAndClearedByAnIngestOfTheObject) {
  auto manifest = *Manifest::Open(store_.get());
  RejectRecord reject{Key(1, 1), 5, "v1", "not gzip", 1, 100, 100};
  ASSERT_TRUE(manifest->Commit({1, 100, {}, {}, {}, {reject}, {}}).ok());
  reject.attempts = 2;
  reject.last_seen = 200;
  ASSERT_TRUE(manifest->Commit({2, 200, {}, {}, {}, {reject}, {}}).ok());
  ASSERT_TRUE(manifest->Checkpoint().ok());
  auto reopened = *Manifest::Open(store_.get());
  ASSERT_EQ(reopened->state().rejects.size(), 1u);
  EXPECT_EQ(reopened->state().rejects.at(Key(1, 1)).attempts, 2u);
  EXPECT_EQ(reopened->state().rejects.at(Key(1, 1)).first_seen, 100);
  EXPECT_EQ(reopened->state().rejects.at(Key(1, 1)).reason, "not gzip");
  ASSERT_TRUE(reopened->Commit({3, 300, {{Key(1, 1), 6, "v2", 1, 1, 0}}, {}, {}, {}, {}}).ok());
  EXPECT_TRUE(reopened->state().rejects.empty());
}

TEST_F(ManifestTest, TxnOutOfSequenceAndNonUtf8AreRefusedBeforeAnythingIsWritten) {
  auto manifest = *Manifest::Open(store_.get());
  EXPECT_EQ(manifest->Commit({2, 1, {}, {}, {}, {}, {}}).code(), StatusCode::kInternal);
  CommitRecord bad{1, 1, {{"bad-\xff.json.gz", 1, "v", 0, 0, 0}}, {}, {}, {}, {}};
  EXPECT_EQ(manifest->Commit(bad).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Keys("_adxmetrics/log").empty());
}

TEST_F(ManifestTest, ADifferentWriterCannotCommitTheSameTxn) {
  auto first = *Manifest::Open(store_.get());
  auto second = *Manifest::Open(store_.get());
  ASSERT_TRUE(first->Commit({1, 1, {}, {"a"}, {}, {}, {}}).ok());
  Status lost = second->Commit({1, 1, {}, {"b"}, {}, {}, {}});
  EXPECT_EQ(lost.code(), StatusCode::kAlreadyExists) << lost.ToString();
  EXPECT_EQ((*Manifest::Open(store_.get()))->state().live_files, std::set<std::string>{"a"});
}

}  // namespace
}  // namespace adxm
