#include "ingest/ingest.h"

#include <malloc.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>

#include "base/civil_time.h"
#include "base/printable.h"
#include "cloudtrail/log_key.h"
#include "ingest/commit_writer.h"
#include "ingest/compactor.h"
#include "ingest/day_index.h"
#include "ingest/extract_pool.h"
#include "ingest/parquet_reader.h"
#include "ingest/rebuild.h"
#include "warehouse/layout.h"
#include "warehouse/local_store.h"
#include "warehouse/warehouse.h"

namespace adxm {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Draws "objects done/total | events | MB/s | ETA" on stderr, at most 5 times a second.
class ProgressLine {
 public:
  ProgressLine(bool enabled, size_t total) : enabled_(enabled), total_(total), start_(Clock::now()) {}
  ~ProgressLine() {
    if (drawn_) std::fputs("\r\033[K", stderr);
  }

  void Update(size_t done, uint64_t events, uint64_t bytes) {
    if (!enabled_) return;
    auto now = Clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(200) && done < total_) return;
    last_ = now;
    drawn_ = true;
    double seconds = std::max(SecondsSince(start_), 1e-3);
    double rate = done / seconds;
    double eta = rate > 0 ? (total_ - done) / rate : 0;
    std::fprintf(stderr, "\r\033[Kingest: objects %zu/%zu | events %llu | %.1f MB/s (gz) | ETA %.0fs", done, total_,
                 static_cast<unsigned long long>(events), bytes / seconds / 1e6, eta);
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  size_t total_;
  Clock::time_point start_;
  Clock::time_point last_;
  bool drawn_ = false;
};

// List the source and keep the log objects to process: those the manifest does not hold, those
// it holds with another size or version (changed), and rejects that are due another attempt.
// What a listing may leave out: day folders older than the newest day ingested minus the
// lookback, in folder trees the warehouse already knows.
ListScope RecentScope(Manifest& manifest, int lookback_days) {
  ListScope scope;
  // CloudTrail names a folder by its delivery day in UTC: none is later than tomorrow.
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const CivilDate tomorrow = CivilFromDays(std::chrono::duration_cast<std::chrono::days>(now).count() + 1);
  const std::string newest =  // "YYYYMMDD"
      manifest.NewestLogDay(fmt::format("{:04d}{:02d}{:02d}", tomorrow.year, tomorrow.month, tomorrow.day));
  if (newest.empty()) return scope;
  const int64_t day = DaysFromCivil(std::stoi(newest.substr(0, 4)), static_cast<unsigned>(std::stoi(newest.substr(4, 2))),
                                    static_cast<unsigned>(std::stoi(newest.substr(6, 2)))) -
                      std::max(0, lookback_days);
  const CivilDate since = CivilFromDays(day);
  scope.since_day = fmt::format("{:04d}/{:02d}/{:02d}", since.year, since.month, since.day);
  scope.known = [&manifest](const std::vector<std::string>& keys) {
    std::vector<std::optional<bool>> known(keys.size());
    std::vector<std::optional<IndexedObject>> found;
    const bool looked_up = manifest.LookupObjects(keys, &found).ok();  // A failure shows as "not known": listed whole.
    for (size_t index = 0; index < keys.size(); ++index) {
      if (!ClassifyLogKey(keys[index]).is_log) continue;
      known[index] = manifest.state().rejects.count(keys[index]) > 0 || (looked_up && found[index].has_value());
    }
    return known;
  };
  return scope;
}

Status PlanObjects(LogSource* source, Manifest& manifest, const IngestOptions& options, IngestReport* report,
                   std::vector<ObjectInfo>* todo) {
  std::vector<ObjectInfo> listed;
  ListScope scope;
  if (!options.full_scan) scope = RecentScope(manifest, options.lookback_days);
  report->listed_since = scope.since_day;
  ADXM_RETURN_IF_ERROR(source->ListRecent(scope, &listed));  // Its messages name the path.
  report->objects_listed = listed.size();
  std::vector<ObjectInfo> logs;
  for (ObjectInfo& object : listed) {
    if (!object.problem.empty() && (!object.dangling_link || ClassifyLogKey(object.key).is_log)) {
      report->rejected.push_back({object.key, object.problem, 0});  // An entry that may hold logs, unread.
    } else if (!ClassifyLogKey(object.key).is_log || !object.problem.empty()) {
      ++report->objects_ignored;
      if (!IsTrailCompanionKey(object.key)) {
        ++report->objects_unrecognized;
        if (report->unrecognized_keys.size() < IngestReport::kMaxNamedIgnored) {
          report->unrecognized_keys.push_back(object.key);
        }
      }
    } else if (!simdjson::validate_utf8(object.key.data(), object.key.size())) {
      // The manifest cannot record it (S3 keys are UTF-8; a local file name may not be).
      report->rejected.push_back({object.key, "key is not valid UTF-8", 0});
    } else {
      logs.push_back(std::move(object));
    }
  }
  std::vector<std::string> keys;
  keys.reserve(logs.size());
  for (const ObjectInfo& object : logs) keys.push_back(object.key);
  std::vector<std::optional<IndexedObject>> found;
  ADXM_RETURN_IF_ERROR(manifest.LookupObjects(keys, &found));
  const auto& rejects = manifest.state().rejects;
  for (size_t index = 0; index < logs.size(); ++index) {
    ObjectInfo& object = logs[index];
    if (found[index].has_value()) {
      const IndexedObject& done = *found[index];
      // A rebuilt manifest knows no sizes or versions: such an object counts as unchanged.
      bool same = done.version.empty() || (done.size == object.size && done.version == object.version);
      if (same) {
        ++report->objects_skipped;
        continue;
      }
      ++report->objects_changed;
    } else if (auto reject = rejects.find(object.key); reject != rejects.end() &&
               reject->second.version == object.version && reject->second.size == object.size &&
               reject->second.attempts >= options.max_attempts) {
      ++report->objects_quarantined;
      continue;
    }
    todo->push_back(std::move(object));
  }
  // Delivery order keeps a day's rows together (fewer, larger files) and stays a total order
  // of keys, so which copy of a duplicated event is kept never depends on the run.
  std::vector<std::pair<std::string_view, size_t>> order;  // (delivery stamp, index); keys outlive it.
  order.reserve(todo->size());
  for (size_t i = 0; i < todo->size(); ++i) order.emplace_back(ClassifyLogKey((*todo)[i].key).stamp, i);
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return (*todo)[a.second].key < (*todo)[b.second].key;
  });
  std::vector<ObjectInfo> sorted;
  sorted.reserve(todo->size());
  for (const auto& entry : order) sorted.push_back(std::move((*todo)[entry.second]));
  *todo = std::move(sorted);
  return Status::OK();
}

// The ledger entry for a failed attempt at `object`, continuing its earlier entry if any.
RejectRecord NextReject(const std::map<std::string, RejectRecord>& ledger, const ObjectInfo& object,
                        std::string reason, int64_t now) {
  RejectRecord reject{object.key, object.size, object.version, std::move(reason), 1, now, now};
  auto it = ledger.find(object.key);
  if (it != ledger.end() && it->second.version == object.version && it->second.size == object.size) {
    reject.attempts = it->second.attempts + 1;
    reject.first_seen = it->second.first_seen;
  }
  return reject;
}

// The start of a record's JSON as the quarantine keeps it: at most kMaxQuarantinedJson bytes, cut
// on a character boundary.
std::string QuarantineExcerpt(std::string_view json) {
  if (!simdjson::validate_utf8(json.data(), json.size())) return "(not UTF-8)";
  size_t cut = std::min(json.size(), kMaxQuarantinedJson);
  while (cut < json.size() && cut > 0 && (static_cast<unsigned char>(json[cut]) & 0xC0) == 0x80) --cut;
  return std::string(json.substr(0, cut));
}

// Buffers routed rows and the objects they came from; hands full buffers to the commit writer.
class Batcher {
 public:
  Batcher(DayIndex* days, CommitWriter* writer, const IngestOptions& options)
      : days_(days), writer_(writer), options_(options) {}

  // Route `extracted`'s rows and buffer them; a full buffer is committed, with `idle_threads`
  // cores free to encode its files.
  Status Add(const ObjectInfo& object, std::unique_ptr<ExtractedObject> extracted, int64_t now, IngestReport* report,
             int idle_threads) {
    ADXM_ASSIGN_OR_RETURN(DayIndex::Counts counts, days_->Route(extracted->rows));
    // Malformed records go to the quarantine in the same commit as the object's rows.
    for (const MalformedRecord& record : extracted->malformed) {
      job_.quarantined.push_back({object.key, record.record_index, record.reason, QuarantineExcerpt(record.raw_json), now});
    }
    pending_bytes_ += extracted->rows.ByteSize();
    report->events_read += extracted->stats.records;
    report->events_qualifying += extracted->stats.qualifying;
    report->duplicates_dropped += counts.duplicates;
    job_.objects.push_back(ObjectRecord{object.key, object.size, object.version, extracted->stats.records,
                                        counts.kept, counts.duplicates});
    job_.batches.push_back(std::move(extracted));
    bool full = pending_bytes_ >= options_.commit_bytes ||
                (options_.max_objects_per_commit > 0 && job_.objects.size() >= options_.max_objects_per_commit);
    return full ? Flush(idle_threads) : Status::OK();
  }

  void AddReject(RejectRecord reject) { job_.rejects.push_back(std::move(reject)); }

  // Commit what is buffered, with `idle_threads` cores free to encode its files.
  Status Flush(int idle_threads = 1) {
    if (job_.objects.empty() && job_.rejects.empty()) return Status::OK();
    job_.days = days_->TakeRows();
    job_.idle_threads = idle_threads;
    CommitJob job = std::move(job_);
    job_ = CommitJob();
    pending_bytes_ = 0;
    return writer_->Submit(std::move(job));
  }

 private:
  DayIndex* days_;
  CommitWriter* writer_;
  const IngestOptions& options_;
  CommitJob job_;
  size_t pending_bytes_ = 0;
};

void NoteRecovery(const RecoveryReport& recovery, IngestReport* report) {
  report->orphans_removed = recovery.uncommitted_removed;
  report->files_republished = recovery.published + recovery.unpublished;
  report->migrated = recovery.migrated;
  report->foreign_files = recovery.foreign_files;
}

}  // namespace

Result<IngestReport> Ingest(LogSource* source, Store* store, const IngestOptions& options) {
  auto start = Clock::now();
  IngestReport report;
  WarehouseOptions warehouse_options;
  warehouse_options.retention_seconds = options.retention_seconds;
  warehouse_options.allow_unmanaged_files = options.rebuild;
  ADXM_ASSIGN_OR_RETURN(auto warehouse, Warehouse::OpenForWrite(store, warehouse_options));
  NoteRecovery(warehouse->recovery(), &report);
  ParquetReader reader(/*threads=*/1);
  if (options.rebuild && warehouse->manifest().empty()) {
    ADXM_RETURN_IF_ERROR(RebuildManifest(warehouse.get(), &reader));
    report.rebuilt = true;
  }
  std::vector<ObjectInfo> todo;
  ADXM_RETURN_IF_ERROR(PlanObjects(source, warehouse->manifest(), options, &report, &todo));
  source->WillRead(todo);
  // Up to two threads, the ingest thread encodes commits itself while the extraction pool keeps
  // the other core busy, and the writer's thread only waits on the disk for it (syncs, the
  // manifest's commit) while it extracts on; more threads add a background writer that encodes
  // too, so commits overlap routing.
  CommitWriter writer(warehouse.get(),
                      options.threads > 2 ? CommitWriter::Mode::kBackground : CommitWriter::Mode::kOverlapIo, &report);
  // Dedup loads a day's ids from the files live when the run began (files this run commits hold
  // only ids already in the set); a day dropped from memory reloads once no commit is in flight.
  const std::set<std::string> initial_live = warehouse->state().live_files;
  DayIndex days(options.max_loaded_days, options.max_loaded_id_bytes, [&](int64_t day, bool reload, EventIdSet* ids) -> Status {
    if (reload) ADXM_RETURN_IF_ERROR(writer.WaitIdle());
    std::vector<std::filesystem::path> files;
    std::vector<std::string> keys;
    for (const std::string& file : LiveFilesIn(reload ? warehouse->state().live_files : initial_live, PartitionDir(day))) {
      files.emplace_back(warehouse->ReaderPath(file));
      keys.push_back(WarehouseLayout::DataKey(file));
    }
    ADXM_RETURN_IF_ERROR(store->MakeReadable(keys));
    return reader.ReadEventIds(files, ids);
  });
  Batcher batcher(&days, &writer, options);
  // The ledger as the run began (a background commit may change the warehouse's meanwhile).
  const std::map<std::string, RejectRecord> ledger = warehouse->state().rejects;
  ProgressLine progress(options.progress, todo.size());
  const int64_t now = warehouse->Now();
  {
    ExtractPool pool(source, todo, options.extract, options.threads);
    bool all_claimed = false;  // Once true, stays true.
    for (size_t index = 0; index < todo.size(); ++index) {
      std::unique_ptr<ExtractedObject> extracted = pool.Next();
      report.bytes_read += todo[index].size;
      if (extracted->read_failed) {
        return extracted->status.WithContext(source->Describe() + ": " + PrintableText(todo[index].key) +
                                             " (a read error, not a bad object: rerun to retry)");
      }
      if (extracted->status.code() == StatusCode::kInternal) {
        return extracted->status.WithContext(PrintableText(todo[index].key));  // Out of memory: fail the run.
      }
      if (!extracted->status.ok()) {
        RejectRecord reject = NextReject(ledger, todo[index], extracted->status.message(), now);
        report.rejected.push_back({reject.key, reject.reason, reject.attempts, reject.attempts >= options.max_attempts});
        batcher.AddReject(std::move(reject));
      } else {
        for (const MalformedRecord& record : extracted->malformed) report.rejected_records.push_back({todo[index].key, record});
        // Once every object is claimed, extraction no longer keeps the other cores busy: commits
        // from here on encode on the run's threads (but the ingest thread's, routing beside a
        // background writer).
        all_claimed = all_claimed || pool.AllClaimed();
        int idle_threads = all_claimed ? options.threads - (options.threads > 2 ? 1 : 0) : 1;
        ADXM_RETURN_IF_ERROR(batcher.Add(todo[index], std::move(extracted), now, &report, idle_threads));
      }
      progress.Update(index + 1, report.events_read, report.bytes_read);
    }
  }
  // The last commit has the cores to itself. Its buffers reuse the memory extraction freed (no
  // malloc_trim before it: the pages handed back would be faulted in again, ~2,500 of them on
  // a commit of 12 MB of rows).
  ADXM_RETURN_IF_ERROR(batcher.Flush(options.threads));
  ADXM_RETURN_IF_ERROR(writer.WaitIdle());
  report.days_reloaded = days.reloads();
  // Dedup is over. Before a compaction, its eventID sets (16 MB a day of 700,000 events) and
  // extraction's free memory are handed back to make room for it; with nothing to compact the
  // run is all but over, and handing pages back would only cost time (1-4 ms at 50,000 events;
  // a server hands them back after its scheduled runs).
  Compactor compactor(warehouse.get(), &reader, options.max_files_per_day, &report);
  if (compactor.Due()) {
    days.DropIdle();
    malloc_trim(0);
  }
  ADXM_RETURN_IF_ERROR(compactor.CompactAll(writer.WrittenGroups()));
  ADXM_RETURN_IF_ERROR(warehouse->Vacuum(&report.files_vacuumed));
  ADXM_RETURN_IF_ERROR(warehouse->Checkpoint());
  report.source_requests = source->RequestSummary();
  report.warehouse_requests = store->RequestSummary();
  report.seconds = SecondsSince(start);
  return report;
}

Result<IngestReport> Ingest(LogSource* source, const std::string& warehouse, const IngestOptions& options) {
  ADXM_ASSIGN_OR_RETURN(auto store, OpenStore(warehouse, options.store));
  return Ingest(source, store.get(), options);
}

std::string FormatIngestReport(const IngestReport& report) {
  std::string out = fmt::format(
      "objects: {} new, {} already ingested, {} rejected, {} quarantined, {} not logs (of {} listed)\n"
      "events:  {} read, {} kept, {} duplicates dropped, {} malformed\n"
      "dataset: {} rows written in {} files, {} commits, {} days compacted",
      report.objects_ingested, report.objects_skipped, report.rejected.size(), report.objects_quarantined,
      report.objects_ignored,
      report.objects_listed, report.events_read, report.events_qualifying - report.duplicates_dropped,
      report.duplicates_dropped, report.rejected_records.size(), report.rows_written, report.files_written, report.commits,
      report.days_compacted);
  if (report.objects_unrecognized > 0) {
    std::string names;
    for (const std::string& key : report.unrecognized_keys) names += (names.empty() ? "" : ", ") + PrintableText(key);
    if (report.objects_unrecognized > report.unrecognized_keys.size()) {
      names += fmt::format(" and {} more", report.objects_unrecognized - report.unrecognized_keys.size());
    }
    out += fmt::format("\nnot read: {} objects are neither event logs (*.json.gz) nor CloudTrail digest or insight "
                       "files: {}", report.objects_unrecognized, names);
  }
  if (report.days_reloaded > 0) {
    out += fmt::format("\ndedup:   {} day eventID sets reloaded (see --max-loaded-days, --max-loaded-id-bytes)", report.days_reloaded);
  }
  if (report.objects_changed > 0) {
    out += fmt::format("\nchanged: {} objects replaced under the same key were reprocessed", report.objects_changed);
  }
  if (report.orphans_removed > 0 || report.files_republished > 0) {
    out += fmt::format("\nrecovered: removed {} uncommitted files, finished publishing {} files of an interrupted run",
                       report.orphans_removed, report.files_republished);
  }
  if (report.migrated) out += "\nmigrated: the warehouse's manifest was converted to format 2";
  if (report.rebuilt) out += "\nrebuilt: the manifest was re-derived from the data files present";
  if (report.files_vacuumed > 0) {
    out += fmt::format("\nvacuum:  {} replaced files deleted after the retention window", report.files_vacuumed);
  }
  if (!report.foreign_files.empty()) {
    out += fmt::format("\nforeign: {} files in the table folder were not written by adxmetrics and were left alone "
                       "(readers of the folder see them too), e.g. {}",
                       report.foreign_files.size(), report.foreign_files.front());
  }
  if (report.objects_quarantined > 0) {
    out += fmt::format("\nquarantined: {} objects that failed every attempt were skipped (`adxmetrics rejects` "
                       "lists them; a changed object is retried)", report.objects_quarantined);
  }
  if (!report.listed_since.empty()) {
    out += fmt::format("\nlisting: day folders from {} on (newest ingested day minus the lookback; --full-scan lists all)",
                       report.listed_since);
  }
  if (!report.source_requests.empty()) out += "\nS3 requests (source): " + report.source_requests;
  if (!report.warehouse_requests.empty()) out += "\nS3 requests (warehouse): " + report.warehouse_requests;
  double mb = report.bytes_read / 1e6;
  out += fmt::format("\ntime:    {:.2f} s ({:.1f} MB gz read)\n", report.seconds, mb);
  for (const RejectedObject& reject : report.rejected) {
    if (reject.attempts == 0) {  // Not an object the run tried (a source entry it could not read).
      out += fmt::format("rejected: {}: {}\n", PrintableText(reject.key), reject.reason);
      continue;
    }
    out += fmt::format("rejected: {}: {} (attempt {}{})\n", PrintableText(reject.key), reject.reason, reject.attempts,
                       reject.quarantined ? "; quarantined until the object changes" : "; retried on the next run");
  }
  // The first malformed records, each on one line with the start of its JSON: enough to act on
  // without flooding the terminal when a whole file is bad.
  constexpr size_t kMaxListed = 20;
  constexpr size_t kRawExcerpt = 300;
  for (size_t index = 0; index < report.rejected_records.size() && index < kMaxListed; ++index) {
    const RejectedRecord& reject = report.rejected_records[index];
    const std::string& json = reject.record.raw_json;
    size_t cut = std::min(json.size(), kRawExcerpt);  // Back to a character boundary.
    while (cut < json.size() && cut > 0 && (static_cast<unsigned char>(json[cut]) & 0xC0) == 0x80) --cut;
    std::string raw = json.substr(0, cut) + (cut < json.size() ? "..." : "");
    std::replace_if(raw.begin(), raw.end(), [](char byte) { return byte == '\n' || byte == '\r' || byte == '\t'; }, ' ');
    out += fmt::format("malformed record: {}: record {}: {}: {}\n", PrintableText(reject.key), reject.record.record_index,
                       reject.record.reason, raw);
  }
  if (report.rejected_records.size() > kMaxListed) {
    out += fmt::format("malformed record: ... and {} more\n", report.rejected_records.size() - kMaxListed);
  }
  return out;
}

}  // namespace adxm
