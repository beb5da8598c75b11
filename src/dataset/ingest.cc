#include "dataset/ingest.h"

#include <malloc.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>

#include "base/printable.h"
#include "cloudtrail/log_key.h"
#include "dataset/committer.h"
#include "dataset/extract_pool.h"
#include "dataset/parquet_reader.h"
#include "dataset/warehouse.h"

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

// List the source and keep the log objects the manifest does not hold yet.
Status PlanObjects(LogSource* source, const Manifest& manifest, IngestReport* report,
                   std::vector<ObjectInfo>* todo) {
  std::vector<ObjectInfo> listed;
  ADXM_RETURN_IF_ERROR(source->List(&listed));  // Its messages name the path.
  report->objects_listed = listed.size();
  for (ObjectInfo& object : listed) {
    if (!object.problem.empty() && (!object.dangling_link || ClassifyLogKey(object.key).is_log)) {
      report->rejected.push_back({object.key, object.problem});  // An entry that may hold logs, unread.
    } else if (!ClassifyLogKey(object.key).is_log || !object.problem.empty()) {
      ++report->objects_ignored;
    } else if (manifest.Contains(object.key)) {
      ++report->objects_skipped;
    } else if (!simdjson::validate_utf8(object.key.data(), object.key.size())) {
      // The manifest cannot record it (S3 keys are UTF-8; a local file name may not be).
      report->rejected.push_back({object.key, "key is not valid UTF-8"});
    } else {
      todo->push_back(std::move(object));
    }
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

}  // namespace

Result<IngestReport> Ingest(LogSource* source, const std::filesystem::path& warehouse_dir,
                            const IngestOptions& options) {
  auto start = Clock::now();
  IngestReport report;
  ADXM_ASSIGN_OR_RETURN(auto warehouse, Warehouse::OpenForWrite(warehouse_dir));
  report.orphans_removed = warehouse->orphans_removed();
  std::vector<ObjectInfo> todo;
  ADXM_RETURN_IF_ERROR(PlanObjects(source, warehouse->manifest(), &report, &todo));
  ParquetReader reader(/*threads=*/1);
  Committer committer(warehouse.get(), &reader, options, &report);
  ProgressLine progress(options.progress, todo.size());
  {
    ExtractPool pool(source, todo, options.extract, options.threads);
    for (size_t index = 0; index < todo.size(); ++index) {
      std::unique_ptr<ExtractedObject> extracted = pool.Next();
      report.bytes_read += todo[index].size;
      if (extracted->status.code() == StatusCode::kInternal) {
        return extracted->status.WithContext(todo[index].key);  // Out of memory: fail the run.
      } else if (!extracted->status.ok()) {
        report.rejected.push_back({todo[index].key, extracted->status.message()});
      } else {
        for (MalformedRecord& record : extracted->malformed) {
          report.rejected_records.push_back({todo[index].key, std::move(record)});
        }
        ADXM_RETURN_IF_ERROR(committer.Add(todo[index], std::move(extracted)));
      }
      progress.Update(index + 1, report.events_read, report.bytes_read);
    }
  }
  // Extraction is over: hand its threads' free memory back before compaction allocates its own.
  malloc_trim(0);
  ADXM_RETURN_IF_ERROR(committer.Finish());
  report.seconds = SecondsSince(start);
  return report;
}

std::string FormatIngestReport(const IngestReport& report) {
  std::string out = fmt::format(
      "objects: {} new, {} already ingested, {} rejected, {} not logs (of {} listed)\n"
      "events:  {} read, {} kept, {} duplicates dropped, {} malformed\n"
      "dataset: {} rows written in {} files, {} commits, {} days compacted",
      report.objects_ingested, report.objects_skipped, report.rejected.size(), report.objects_ignored,
      report.objects_listed, report.events_read, report.events_qualifying - report.duplicates_dropped,
      report.duplicates_dropped, report.rejected_records.size(), report.rows_written, report.files_written, report.commits,
      report.days_compacted);
  if (report.days_reloaded > 0) {
    out += fmt::format("\ndedup:   {} day eventID sets reloaded (see --max-loaded-days)", report.days_reloaded);
  }
  if (report.orphans_removed > 0) {
    out += fmt::format("\nrecovered: removed {} files left by an interrupted run", report.orphans_removed);
  }
  double mb = report.bytes_read / 1e6;
  out += fmt::format("\ntime:    {:.2f} s ({:.1f} MB gz read)\n", report.seconds, mb);
  for (const RejectedObject& reject : report.rejected) {
    out += fmt::format("rejected: {}: {}\n", PrintableText(reject.key), reject.reason);
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
