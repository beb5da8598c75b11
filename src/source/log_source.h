// LogSource: where CloudTrail log objects come from (a local directory today, S3 next).
//
// Keys are '/'-separated paths relative to the source root, e.g.
// "AWSLogs/111122223333/CloudTrail/us-east-1/2023/05/01/111122223333_CloudTrail_us-east-1_20230501T0005Z_ab12cd34ef56gh78.json.gz".
// Thread-safety: List from one thread; Read may be called from several threads at once.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto source, OpenLocalSource("/data/trail"));
//   std::vector<ObjectInfo> objects;
//   ADXM_RETURN_IF_ERROR(source->List(&objects));
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace adxm {

/// One object in a log source.
struct ObjectInfo {
  std::string key;      // Path relative to the source root, '/'-separated.
  uint64_t size = 0;    // Bytes as stored (gzip'd).
  std::string version;  // ETag for S3, "mtime-ns" for local files; recorded for lineage.
  // Non-empty: the entry was seen but cannot be read or listed, and why ("cannot list directory:
  // Permission denied", "dangling symlink"). A directory's key ends in '/'. size and version unset.
  std::string problem;
  bool dangling_link = false;  // The problem is a symbolic link to nothing (a log only if named like one).
};

/// What a listing may leave out. Sources that list folder by folder (S3) list, in each
/// CloudTrail day-folder tree (".../CloudTrail/<region>/YYYY/MM/DD/"), only the days from
/// since_day on. A tree is listed whole when it is new to the warehouse (its first log is not
/// `known`) or fell behind (none of the logs from since_day on is known, e.g. after runs that
/// failed for this bucket while another kept the warehouse's newest day moving).
struct ListScope {
  std::string since_day;  // "YYYY/MM/DD"; empty: list everything.
  // For each of `keys`: whether the warehouse holds (or rejected) that log; nullopt for a key that
  // is not a log. One call looks a batch up (each day's index part read once).
  std::function<std::vector<std::optional<bool>>(const std::vector<std::string>& keys)> known;
};

/// A read-only store of log objects.
class LogSource {
 public:
  virtual ~LogSource() = default;

  /// Name the source for messages, e.g. "/data/trail" or "s3://bucket/prefix".
  virtual std::string Describe() const = 0;

  /// List every object under the root (logs and anything else), sorted by key. Entries that
  /// cannot be listed or read are listed too, with their problem, so that nothing is skipped
  /// silently. Fails (IoError) only when the root itself cannot be listed.
  virtual Status List(std::vector<ObjectInfo>* objects) = 0;

  /// Read `object` whole into `out` (reusing its capacity), reserving `padding` spare bytes.
  virtual Status Read(const ObjectInfo& object, std::string* out, size_t padding) = 0;

  /// List as List() does, leaving out what `scope` allows (a local directory lists everything).
  virtual Status ListRecent(const ListScope& scope, std::vector<ObjectInfo>* objects) {
    (void)scope;
    return List(objects);
  }

  /// Announce the objects about to be Read, in order, so a remote source can fetch ahead.
  virtual void WillRead(const std::vector<ObjectInfo>& objects) { (void)objects; }

  /// Requests sent so far, for the run's summary ("14 LIST, 300 GET"); "" when not remote.
  virtual std::string RequestSummary() const { return ""; }
};

/// Open a directory tree of log files. Symbolic links are followed, to files and to directories
/// (a synced log folder is often linked in); a directory reached twice (a link cycle, or two
/// links to one folder) is listed once, under the first key met in sorted walk order.
Result<std::unique_ptr<LogSource>> OpenLocalSource(const std::filesystem::path& root);

}  // namespace adxm
