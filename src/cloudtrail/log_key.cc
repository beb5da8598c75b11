#include "cloudtrail/log_key.h"

namespace adxm {
namespace {

constexpr std::string_view kLogSuffix = ".json.gz";
constexpr std::string_view kFileNameMarker = "_CloudTrail_";
// "_YYYYMMDDTHHmmZ_<16 chars>.json.gz" follows the region in a log file name.
constexpr size_t kFileNameTailSize = 1 + 14 + 1 + 16 + kLogSuffix.size();

// Return true when some folder of `key` (not its file name) is named `folder`.
bool HasFolder(std::string_view key, std::string_view folder) {
  size_t start = 0;
  for (size_t slash = key.find('/'); slash != std::string_view::npos; slash = key.find('/', start)) {
    if (key.substr(start, slash - start) == folder) return true;
    start = slash + 1;
  }
  return false;
}

// Return the component after a `CloudTrail` folder, if it is itself a folder.
std::string_view RegionFromPath(std::string_view key) {
  constexpr std::string_view kFolder = "CloudTrail/";
  for (size_t pos = key.find(kFolder); pos != std::string_view::npos; pos = key.find(kFolder, pos + 1)) {
    if (pos != 0 && key[pos - 1] != '/') continue;
    size_t start = pos + kFolder.size();
    size_t end = key.find('/', start);
    if (end != std::string_view::npos && end > start) return key.substr(start, end - start);
  }
  return {};
}

std::string_view RegionFromFileName(std::string_view file_name) {
  size_t marker = file_name.find(kFileNameMarker);
  if (marker == std::string_view::npos) return {};
  size_t start = marker + kFileNameMarker.size();
  if (file_name.size() <= start + kFileNameTailSize) return {};
  size_t end = file_name.size() - kFileNameTailSize;
  if (file_name[end] != '_' || file_name[end + 14] != 'Z' || file_name[end + 15] != '_') return {};
  return file_name.substr(start, end - start);
}

// Return "YYYYMMDDTHHmmZ" of a `…_YYYYMMDDTHHmmZ_<16 chars>.json.gz` file name, else empty.
std::string_view StampFromFileName(std::string_view file_name) {
  if (file_name.size() < kFileNameTailSize) return {};
  size_t start = file_name.size() - kFileNameTailSize;
  std::string_view stamp = file_name.substr(start + 1, 14);
  if (file_name[start] != '_' || file_name[start + 15] != '_' || stamp[8] != 'T' || stamp[13] != 'Z') return {};
  for (size_t i = 0; i < stamp.size(); ++i) {
    if (i != 8 && i != 13 && (stamp[i] < '0' || stamp[i] > '9')) return {};
  }
  return stamp;
}

std::string_view FileName(std::string_view key) {
  size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

}  // namespace

bool DeliveredBefore(std::string_view a, std::string_view b) {
  std::string_view stamp_a = ClassifyLogKey(a).stamp;
  std::string_view stamp_b = ClassifyLogKey(b).stamp;
  if (stamp_a != stamp_b) return stamp_a < stamp_b;
  return a < b;
}

bool IsTrailCompanionKey(std::string_view key) {
  // A quick pre-check: a digest or insight folder's name contains "CloudTrail-".
  return key.find("CloudTrail-") != std::string_view::npos &&
         (HasFolder(key, "CloudTrail-Digest") || HasFolder(key, "CloudTrail-Insight"));
}

LogKeyInfo ClassifyLogKey(std::string_view key) {
  LogKeyInfo info;
  if (!key.ends_with(kLogSuffix) || IsTrailCompanionKey(key)) return info;
  info.is_log = true;
  info.region = RegionFromPath(key);
  if (info.region.empty()) info.region = RegionFromFileName(FileName(key));
  info.stamp = StampFromFileName(FileName(key));
  return info;
}

}  // namespace adxm
