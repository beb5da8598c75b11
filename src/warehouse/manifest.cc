#include "warehouse/manifest.h"

#include <libdeflate.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <type_traits>
#include <nlohmann/json.hpp>

#include "base/civil_time.h"
#include "base/parallel.h"
#include "warehouse/json_text.h"
#include "warehouse/layout.h"
#include "warehouse/legacy_manifest.h"

namespace adxm {
namespace {

using json_text::AppendArray;
using json_text::AppendKey;
using json_text::AppendMember;
using json_text::AppendStrings;
using nlohmann::json;

// Object index parts of a checkpoint written (and synced) at a time.
constexpr size_t kPartWriteThreads = 16;

uint32_t Crc32(std::string_view text) { return libdeflate_crc32(0, text.data(), text.size()); }

bool Utf8(std::string_view text) { return simdjson::validate_utf8(text.data(), text.size()); }

// Commit records and checkpoints are written as JSON text directly (json_text.h), not
// through a nlohmann document: a record names every object its commit processed (5,000 for a
// bucket of small logs), and building and dumping a tree of std::maps cost ~30,000 instructions an
// object. The text is what nlohmann's dump() wrote before: members below go in sorted order, as
// its std::map held them (ManifestEncodingTest.CommitRecordsAreWhatNlohmannWrites).

void AppendObjectRecord(const ObjectRecord& object, std::string* out) {
  out->push_back('{');
  AppendMember("duplicates", object.duplicates, out);
  AppendMember("events", object.events, out);
  AppendMember("key", object.key, out);
  AppendMember("rows", object.rows, out);
  AppendMember("size", object.size, out);
  AppendMember("version", object.version, out);
  out->push_back('}');
}

void AppendRejectRecord(const RejectRecord& reject, std::string* out) {
  out->push_back('{');
  AppendMember("attempts", reject.attempts, out);
  AppendMember("first_seen", reject.first_seen, out);
  AppendMember("key", reject.key, out);
  AppendMember("last_seen", reject.last_seen, out);
  AppendMember("reason", reject.reason, out);
  AppendMember("size", reject.size, out);
  AppendMember("version", reject.version, out);
  out->push_back('}');
}

void AppendQuarantinedRecord(const QuarantinedRecord& record, std::string* out) {
  out->push_back('{');
  AppendMember("key", record.key, out);
  AppendMember("raw", record.raw_json, out);
  AppendMember("reason", record.reason, out);
  AppendMember("record", record.record_index, out);
  AppendMember("time", record.time, out);
  out->push_back('}');
}

void AppendRetainedFile(const RetainedFile& file, std::string* out) {
  out->push_back('{');
  AppendMember("path", file.path, out);
  AppendMember("time", file.removed_time, out);
  AppendMember("txn", file.removed_txn, out);
  out->push_back('}');
}

// Frame a JSON body as "<crc32 hex8> <json>\n".
std::string Frame(std::string_view body) {
  char crc[10];
  std::snprintf(crc, sizeof(crc), "%08x ", Crc32(body));
  std::string framed;
  framed.reserve(9 + body.size() + 1);
  framed.append(crc, 9);
  framed.append(body);
  framed.push_back('\n');
  return framed;
}

// The JSON body of "<crc8> <json>[\n]"; false when the frame or its checksum is damaged.
bool Unframe(std::string_view entry, std::string_view* body) {
  if (!entry.empty() && entry.back() == '\n') entry.remove_suffix(1);
  if (entry.size() < 10 || entry[8] != ' ') return false;
  uint32_t crc = 0;
  for (size_t pos = 0; pos < 8; ++pos) {
    char c = entry[pos];
    int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (digit < 0) return false;
    crc = (crc << 4) | static_cast<uint32_t>(digit);
  }
  *body = entry.substr(9);
  return Crc32(*body) == crc;
}

// Read the optional field `name` of `object` into `*out` (absent: left as is); false when it is not
// a string (T = std::string) or an unsigned integer. Unlike nlohmann's value(), this neither throws
// on a wrong type nor converts an out-of-range float (undefined behaviour).
template <typename T>
bool ReadField(const json& object, const char* name, T* out) {
  auto it = object.find(name);
  if (it == object.end()) return true;
  if (std::is_same_v<T, std::string> ? !it->is_string() : !it->is_number_unsigned()) return false;
  *out = it->template get<T>();
  return true;
}

// Read the optional array of strings `name` of `doc` into `*out`; false on another shape.
bool ReadStrings(const json& doc, const char* name, std::vector<std::string>* out) {
  auto it = doc.find(name);
  if (it == doc.end()) return true;
  if (!it->is_array()) return false;
  for (const json& item : *it) {
    if (!item.is_string()) return false;
    out->push_back(item.get<std::string>());
  }
  return true;
}

// Decode the optional array `name` of `doc` with `decode` per item; false on any shape error.
template <typename T, typename Decode>
bool ReadArray(const json& doc, const char* name, std::vector<T>* out, Decode decode) {
  auto it = doc.find(name);
  if (it == doc.end()) return true;
  if (!it->is_array()) return false;
  for (const json& item : *it) {
    if (!item.is_object() || !decode(item, &out->emplace_back())) return false;
  }
  return true;
}

bool DecodeObject(const json& object, ObjectRecord* out) {
  return object.contains("key") && ReadField(object, "key", &out->key) && ReadField(object, "size", &out->size) &&
         ReadField(object, "version", &out->version) && ReadField(object, "events", &out->events) &&
         ReadField(object, "rows", &out->rows) && ReadField(object, "duplicates", &out->duplicates);
}

bool DecodeReject(const json& object, RejectRecord* out) {
  return object.contains("key") && ReadField(object, "key", &out->key) && ReadField(object, "size", &out->size) &&
         ReadField(object, "version", &out->version) && ReadField(object, "reason", &out->reason) &&
         ReadField(object, "attempts", &out->attempts) && ReadField(object, "first_seen", &out->first_seen) &&
         ReadField(object, "last_seen", &out->last_seen);
}

bool DecodeQuarantined(const json& object, QuarantinedRecord* out) {
  return object.contains("key") && ReadField(object, "key", &out->key) &&
         ReadField(object, "record", &out->record_index) && ReadField(object, "reason", &out->reason) &&
         ReadField(object, "raw", &out->raw_json) && ReadField(object, "time", &out->time);
}

bool DecodeRetained(const json& object, RetainedFile* out) {
  return object.contains("path") && ReadField(object, "path", &out->path) &&
         ReadField(object, "txn", &out->removed_txn) && ReadField(object, "time", &out->removed_time);
}

struct PartEntry {
  std::string part, key;
  uint64_t count = 0;
};

bool DecodePart(const json& object, PartEntry* out) {
  return ReadField(object, "part", &out->part) && ReadField(object, "key", &out->key) &&
         ReadField(object, "count", &out->count) && !out->part.empty() && !out->key.empty();
}

// The decoded body of a checkpoint.
struct CheckpointData {
  uint64_t txn = 0;
  std::vector<std::string> live;
  std::vector<RetainedFile> retained;
  std::vector<RejectRecord> rejects;
  std::vector<PartEntry> parts;
  std::vector<QuarantinedRecord> quarantined;
  uint64_t quarantined_total = 0;
};

bool DecodeCheckpoint(std::string_view entry, CheckpointData* out) {
  std::string_view body;
  if (!Unframe(entry, &body)) return false;
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  return doc.is_object() && ReadField(doc, "txn", &out->txn) && out->txn > 0 && ReadStrings(doc, "live", &out->live) &&
         ReadArray(doc, "retained", &out->retained, DecodeRetained) &&
         ReadArray(doc, "rejects", &out->rejects, DecodeReject) && ReadArray(doc, "parts", &out->parts, DecodePart) &&
         ReadArray(doc, "quarantined", &out->quarantined, DecodeQuarantined) &&
         ReadField(doc, "quarantined_total", &out->quarantined_total);
}

// Store keys under `prefix` that parse as a txn, with their txns, ascending.
Status ListTxns(Store* store, std::string_view prefix, std::vector<std::pair<uint64_t, std::string>>* out) {
  std::vector<StoreEntry> entries;
  ADXM_RETURN_IF_ERROR(store->List(std::string(prefix), &entries));
  for (StoreEntry& entry : entries) {
    if (KeyFolder(entry.key) != prefix.substr(0, prefix.size() - 1)) continue;
    uint64_t txn = WarehouseLayout::TxnOfKey(entry.key);
    if (txn > 0) out->emplace_back(txn, std::move(entry.key));
  }
  std::sort(out->begin(), out->end());
  return Status::OK();
}

}  // namespace

bool Manifest::IsEncodable(const CommitRecord& record) {
  for (const ObjectRecord& object : record.objects) {
    if (!Utf8(object.key) || !Utf8(object.version)) return false;
  }
  for (const RejectRecord& reject : record.rejects) {
    if (!Utf8(reject.key) || !Utf8(reject.version) || !Utf8(reject.reason)) return false;
  }
  for (const QuarantinedRecord& quarantined : record.quarantined) {
    if (!Utf8(quarantined.key) || !Utf8(quarantined.reason) || !Utf8(quarantined.raw_json)) return false;
  }
  auto all = [](const std::vector<std::string>& names) { return std::all_of(names.begin(), names.end(), Utf8); };
  return all(record.added_files) && all(record.removed_files) && all(record.vacuumed);
}

std::string Manifest::EncodeRecord(const CommitRecord& record) {
  std::string body;
  body.reserve(128 + record.objects.size() * 160);
  // Members in sorted order; rejects, quarantined, vacuumed and time only when present.
  body.push_back('{');
  AppendKey("added", &body);
  AppendStrings(record.added_files, &body);
  AppendKey("objects", &body);
  AppendArray(record.objects, AppendObjectRecord, &body);
  if (!record.quarantined.empty()) {
    AppendKey("quarantined", &body);
    AppendArray(record.quarantined, AppendQuarantinedRecord, &body);
  }
  if (!record.rejects.empty()) {
    AppendKey("rejects", &body);
    AppendArray(record.rejects, AppendRejectRecord, &body);
  }
  AppendKey("removed", &body);
  AppendStrings(record.removed_files, &body);
  if (record.time > 0) {
    AppendMember("time", record.time, &body);
  }
  AppendMember("txn", record.txn, &body);
  if (!record.vacuumed.empty()) {
    AppendKey("vacuumed", &body);
    AppendStrings(record.vacuumed, &body);
  }
  body.push_back('}');
  return Frame(body);
}

bool Manifest::DecodeRecord(std::string_view entry, CommitRecord* record) {
  std::string_view body;
  if (!Unframe(entry, &body)) return false;
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  return doc.is_object() && doc.contains("txn") && ReadField(doc, "txn", &record->txn) &&
         ReadField(doc, "time", &record->time) && ReadArray(doc, "objects", &record->objects, DecodeObject) &&
         ReadStrings(doc, "added", &record->added_files) && ReadStrings(doc, "removed", &record->removed_files) &&
         ReadArray(doc, "rejects", &record->rejects, DecodeReject) && ReadStrings(doc, "vacuumed", &record->vacuumed) &&
         ReadArray(doc, "quarantined", &record->quarantined, DecodeQuarantined);
}

Result<std::unique_ptr<Manifest>> Manifest::Open(Store* store, const ManifestOptions& options) {
  std::unique_ptr<Manifest> manifest(new Manifest(store, options));
  std::vector<std::pair<uint64_t, std::string>> checkpoints, log;
  ADXM_RETURN_IF_ERROR(ListTxns(store, WarehouseLayout::kCheckpointPrefix, &checkpoints));
  ADXM_RETURN_IF_ERROR(ListTxns(store, WarehouseLayout::kLogPrefix, &log));
  if (checkpoints.empty() && log.empty()) {
    ADXM_RETURN_IF_ERROR(manifest->LoadLegacy());
    return manifest;
  }
  // The newest checkpoint that reads back; an older one is the fallback (its log tail is kept).
  Status loaded;
  for (auto it = checkpoints.rbegin(); it != checkpoints.rend(); ++it) {
    loaded = manifest->LoadCheckpoint(it->first);
    if (loaded.ok()) break;
  }
  if (!checkpoints.empty() && !loaded.ok()) return loaded;
  for (size_t index = 0; index < log.size(); ++index) {
    const auto& [txn, key] = log[index];
    if (txn <= manifest->state_.txn) continue;
    if (txn != manifest->next_txn()) {
      return Status::Corruption(store->Describe() + ": commit log has no entry for txn " +
                                std::to_string(manifest->next_txn()) + " before " + key);
    }
    std::string entry;
    ADXM_RETURN_IF_ERROR(store->Read(key, &entry));
    CommitRecord record;
    if (!DecodeRecord(entry, &record) || record.txn != txn) {
      // The last entry may be a write that never completed; a damaged entry before others is not.
      if (index + 1 == log.size()) {
        manifest->torn_key_ = key;
        break;
      }
      return Status::Corruption(store->Describe() + "/" + key + ": damaged commit record followed by further commits");
    }
    ADXM_RETURN_IF_ERROR(manifest->Apply(record).WithContext(key));
  }
  return manifest;
}

Status Manifest::LoadCheckpoint(uint64_t txn) {
  std::string key = WarehouseLayout::CheckpointKey(txn);
  std::string entry;
  ADXM_RETURN_IF_ERROR(store_->Read(key, &entry));
  CheckpointData data;
  if (!DecodeCheckpoint(entry, &data)) {
    return Status::Corruption(store_->Describe() + "/" + key + ": damaged checkpoint (checksum or JSON shape)");
  }
  if (data.txn != txn) {
    return Status::Corruption(store_->Describe() + "/" + key + ": checkpoint holds txn " + std::to_string(data.txn));
  }
  state_ = ManifestState();
  state_.txn = txn;
  state_.live_files.insert(data.live.begin(), data.live.end());
  for (RetainedFile& file : data.retained) state_.retained[file.path] = std::move(file);
  for (RejectRecord& reject : data.rejects) state_.rejects[reject.key] = std::move(reject);
  state_.quarantined = std::move(data.quarantined);
  state_.quarantined_total = data.quarantined_total;
  parts_.clear();
  checkpoint_objects_ = 0;
  for (PartEntry& part : data.parts) {
    checkpoint_objects_ += part.count;
    parts_[part.part] = Part{std::move(part.key), part.count};
  }
  checkpoint_txn_ = txn;
  return Status::OK();
}

Status Manifest::LoadLegacy() {
  std::string data;
  Status read = store_->Read(std::string(WarehouseLayout::kLegacyManifestKey), &data);
  if (read.code() == StatusCode::kNotFound) {
    // Migrated between our listing and this read: the caller may open again.
    auto migrated = store_->Size(std::string(WarehouseLayout::kLegacyManifestKey) + ".format1");
    if (migrated.ok()) return Status::NotFound(store_->Describe() + ": the manifest was migrated while being read");
    return Status::OK();
  }
  ADXM_RETURN_IF_ERROR(read);
  ADXM_ASSIGN_OR_RETURN(auto legacy,
                        LegacyManifest::Parse(data, store_->Describe() + "/" + std::string(WarehouseLayout::kLegacyManifestKey)));
  state_.txn = legacy->last_txn();
  state_.live_files = legacy->live_files();
  state_.legacy = true;
  tail_ = legacy->objects();
  return Status::OK();
}

Status Manifest::Apply(const CommitRecord& record) {
  if (record.txn != next_txn()) {
    return Status::Corruption("commit txn " + std::to_string(record.txn) + " follows txn " + std::to_string(state_.txn));
  }
  std::set<std::string_view> processed;
  for (const ObjectRecord& object : record.objects) {
    tail_[object.key] = IndexedObject{object.key, object.size, object.version};
    state_.rejects.erase(object.key);
    processed.insert(object.key);
  }
  // A reprocessed object's malformed records replace those of its earlier version.
  if (!state_.quarantined.empty() && !processed.empty()) {
    std::erase_if(state_.quarantined, [&](const QuarantinedRecord& quarantined) {
      return processed.count(quarantined.key) > 0;
    });
  }
  state_.quarantined.insert(state_.quarantined.end(), record.quarantined.begin(), record.quarantined.end());
  state_.quarantined_total += record.quarantined.size();
  if (state_.quarantined.size() > kMaxQuarantinedRecords) {
    state_.quarantined.erase(state_.quarantined.begin(),
                             state_.quarantined.end() - static_cast<std::ptrdiff_t>(kMaxQuarantinedRecords));
  }
  for (const std::string& file : record.removed_files) {
    if (state_.live_files.erase(file) > 0) state_.retained[file] = RetainedFile{file, record.txn, record.time};
  }
  for (const std::string& file : record.added_files) {
    state_.live_files.insert(file);
    state_.retained.erase(file);
  }
  for (const RejectRecord& reject : record.rejects) state_.rejects[reject.key] = reject;
  for (const std::string& file : record.vacuumed) state_.retained.erase(file);
  state_.txn = record.txn;
  return Status::OK();
}

Status Manifest::LookupObjects(const std::vector<std::string>& keys,
                               std::vector<std::optional<IndexedObject>>* found) {
  found->assign(keys.size(), std::nullopt);
  std::map<std::string, std::vector<size_t>> by_part;
  for (size_t index = 0; index < keys.size(); ++index) {
    auto tail = tail_.find(keys[index]);
    if (tail != tail_.end()) {
      (*found)[index] = tail->second;
    } else {
      by_part[ObjectIndexPart(keys[index])].push_back(index);
    }
  }
  std::string data;
  for (const auto& [part, indexes] : by_part) {
    auto it = parts_.find(part);
    if (it == parts_.end()) continue;
    ADXM_RETURN_IF_ERROR(store_->Read(it->second.key, &data));
    ADXM_ASSIGN_OR_RETURN(std::vector<IndexedObject> entries, DecodeObjectIndex(data, it->second.key));
    for (size_t index : indexes) {
      auto entry = std::lower_bound(entries.begin(), entries.end(), keys[index],
                                    [](const IndexedObject& a, const std::string& key) { return a.key < key; });
      if (entry != entries.end() && entry->key == keys[index]) (*found)[index] = *entry;  // A copy: others still search.
    }
  }
  return Status::OK();
}

Status Manifest::Commit(const CommitRecord& record) {
  if (state_.legacy) return Status::Internal("commit to a format-1 manifest before its migration");
  if (record.txn != next_txn()) {
    return Status::Internal(store_->Describe() + ": commit txn " + std::to_string(record.txn) + ", expected " +
                            std::to_string(next_txn()));
  }
  if (!IsEncodable(record)) {
    return Status::InvalidArgument(store_->Describe() + ": commit txn " + std::to_string(record.txn) +
                                   ": an object key, version, reason or file name is not valid UTF-8");
  }
  ADXM_RETURN_IF_ERROR(store_->PutIfAbsent(WarehouseLayout::LogKey(record.txn), EncodeRecord(record)));
  ADXM_RETURN_IF_ERROR(Apply(record));
  if (state_.txn - checkpoint_txn_ >= options_.checkpoint_commits || tail_.size() >= options_.checkpoint_objects) {
    return Checkpoint();
  }
  return Status::OK();
}

std::string Manifest::NewestLogDay(std::string_view not_after) const {
  std::string newest;
  const auto consider = [&](const std::string& part) {
    if (part.size() != 8 || part.find_first_not_of("0123456789") != std::string::npos) return;
    if (part <= newest || part > not_after) return;
    const int year = std::stoi(part.substr(0, 4));
    const auto month = static_cast<unsigned>(std::stoi(part.substr(4, 2)));
    const auto day = static_cast<unsigned>(std::stoi(part.substr(6, 2)));
    const CivilDate date = CivilFromDays(DaysFromCivil(year, month, day));
    if (month < 1 || month > 12 || date.year != year || date.month != month || date.day != day) return;
    newest = part;
  };
  for (const auto& [part, entry] : parts_) consider(part);
  for (const auto& [key, object] : tail_) consider(ObjectIndexPart(key));
  return newest;
}

Status Manifest::WriteParts(std::map<std::string, Part>* parts) {
  std::map<std::string, std::vector<IndexedObject>> changed;
  for (auto& [key, object] : tail_) changed[ObjectIndexPart(key)].push_back(object);
  std::vector<std::pair<const std::string*, std::vector<IndexedObject>*>> work;
  for (auto& [part, objects] : changed) work.emplace_back(&part, &objects);
  // Parts are independent files (a first ingest of a month writes 30): written and synced
  // together, the filesystem serves their fsyncs in a few journal commits, not one each. All are
  // durable before the checkpoint that names them is written.
  std::vector<std::string> keys(work.size());
  ADXM_RETURN_IF_ERROR(ParallelFor(work.size(), kPartWriteThreads, [&](size_t index) -> Status {
    const std::string& part = *work[index].first;
    std::vector<IndexedObject>& objects = *work[index].second;
    auto old = parts->find(part);  // Only read while the parts are written.
    if (old != parts->end()) {
      std::string data;
      ADXM_RETURN_IF_ERROR(store_->Read(old->second.key, &data));
      ADXM_ASSIGN_OR_RETURN(std::vector<IndexedObject> entries, DecodeObjectIndex(data, old->second.key));
      // Objects of the tail replace older entries of the same key (a changed object reprocessed).
      objects.reserve(objects.size() + entries.size());  // The views below must stay valid.
      std::set<std::string_view> replaced;
      for (const IndexedObject& object : objects) replaced.insert(object.key);
      for (IndexedObject& entry : entries) {
        if (replaced.count(entry.key) == 0) objects.push_back(std::move(entry));
      }
    }
    std::sort(objects.begin(), objects.end(), [](const IndexedObject& a, const IndexedObject& b) { return a.key < b.key; });
    keys[index] = WarehouseLayout::ObjectIndexKey(part, state_.txn);
    Status put = store_->PutIfAbsent(keys[index], EncodeObjectIndex(objects));
    // Written by an interrupted checkpoint of this same state: the same content.
    if (!put.ok() && put.code() != StatusCode::kAlreadyExists) return put;
    return Status::OK();
  }));
  for (size_t index = 0; index < work.size(); ++index) {
    (*parts)[*work[index].first] = Part{keys[index], work[index].second->size()};
  }
  return Status::OK();
}

Status Manifest::Checkpoint() {
  if (state_.txn == 0 || (state_.txn == checkpoint_txn_ && !state_.legacy)) return Status::OK();
  std::map<std::string, Part> parts = parts_;
  ADXM_RETURN_IF_ERROR(WriteParts(&parts));
  // Members in sorted order, as for commit records.
  std::string body;
  body.push_back('{');
  AppendKey("live", &body);
  AppendStrings(state_.live_files, &body);
  AppendKey("parts", &body);
  AppendArray(parts, [](const auto& entry, std::string* out) {
    out->push_back('{');
    AppendMember("count", entry.second.count, out);
    AppendMember("key", entry.second.key, out);
    AppendMember("part", entry.first, out);
    out->push_back('}');
  }, &body);
  AppendKey("quarantined", &body);
  AppendArray(state_.quarantined, AppendQuarantinedRecord, &body);
  AppendMember("quarantined_total", state_.quarantined_total, &body);
  AppendKey("rejects", &body);
  AppendArray(state_.rejects, [](const auto& entry, std::string* out) { AppendRejectRecord(entry.second, out); }, &body);
  AppendKey("retained", &body);
  AppendArray(state_.retained, [](const auto& entry, std::string* out) { AppendRetainedFile(entry.second, out); }, &body);
  AppendMember("txn", state_.txn, &body);
  body.push_back('}');
  uint64_t objects = 0;
  for (const auto& [part, entry] : parts) objects += entry.count;
  Status put = store_->PutIfAbsent(WarehouseLayout::CheckpointKey(state_.txn), Frame(body));
  if (!put.ok() && put.code() != StatusCode::kAlreadyExists) return put;
  previous_parts_ = std::move(parts_);
  parts_ = std::move(parts);
  checkpoint_objects_ = objects;
  tail_.clear();
  previous_checkpoint_txn_ = checkpoint_txn_;
  checkpoint_txn_ = state_.txn;
  return DeleteObsolete(previous_parts_);
}

Status Manifest::DeleteObsolete(const std::map<std::string, Part>& previous_parts) {
  // Keep this checkpoint and the one before it (with the log after it) as a fallback.
  uint64_t keep_from = previous_checkpoint_txn_;
  std::vector<std::pair<uint64_t, std::string>> checkpoints, log;
  ADXM_RETURN_IF_ERROR(ListTxns(store_, WarehouseLayout::kCheckpointPrefix, &checkpoints));
  ADXM_RETURN_IF_ERROR(ListTxns(store_, WarehouseLayout::kLogPrefix, &log));
  for (const auto& [txn, key] : checkpoints) {
    if (txn < keep_from) ADXM_RETURN_IF_ERROR(store_->Delete(key));
  }
  for (const auto& [txn, key] : log) {
    if (txn <= keep_from) ADXM_RETURN_IF_ERROR(store_->Delete(key));
  }
  std::set<std::string> needed;
  for (const auto& [part, entry] : parts_) needed.insert(entry.key);
  for (const auto& [part, entry] : previous_parts) needed.insert(entry.key);
  std::vector<StoreEntry> files;
  ADXM_RETURN_IF_ERROR(store_->List(std::string(WarehouseLayout::kObjectsPrefix), &files));
  for (const StoreEntry& file : files) {
    if (needed.count(file.key) == 0 && !IsTemporaryKey(file.key)) {
      ADXM_RETURN_IF_ERROR(store_->Delete(file.key));
    }
  }
  return Status::OK();
}

Status Manifest::DropTornTail() {
  if (torn_key_.empty()) return Status::OK();
  ADXM_RETURN_IF_ERROR(store_->Delete(torn_key_));
  ADXM_RETURN_IF_ERROR(store_->SyncDir(std::string(KeyFolder(torn_key_))));
  torn_key_.clear();
  return Status::OK();
}

Status Manifest::FinishMigration() {
  if (!state_.legacy) return Status::OK();
  ADXM_RETURN_IF_ERROR(Checkpoint());
  state_.legacy = false;
  std::string key(WarehouseLayout::kLegacyManifestKey);
  std::string data;
  ADXM_RETURN_IF_ERROR(store_->Read(key, &data));
  ADXM_RETURN_IF_ERROR(store_->Put(key + ".format1", data));
  return store_->Delete(key);
}

}  // namespace adxm
