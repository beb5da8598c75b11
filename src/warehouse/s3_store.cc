#include "warehouse/s3_store.h"

#include <cerrno>

#include <csignal>

#include <fstream>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "base/civil_time.h"
#include "base/file_util.h"

namespace adxm {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct S3Store::Held {
  std::string key;     // Relative to the root.
  std::string holder;  // Who holds it (locks only).
  bool exclusive = false;
  std::string id;      // Ours: tells our object from a taker's.
  // Guarded by the store's mu_:
  std::string etag;  // Of our last write; renewals are If-Match on it.
  int64_t expires = 0;
  bool lost = false;
};

namespace {


// The fields of a lock or lease object; expires 0 when it does not parse (not ours: stale).
struct LeaseBody {
  std::string holder, id;
  int64_t expires = 0;
  std::string machine;  // The holder's host and boot (locks only), with its pid:
  int64_t pid = 0;      // a holder on this machine that no longer runs is gone at once.
};

// This machine and boot: "<host>/<boot id>" (a pid means the same process only within one boot).
const std::string& ThisMachine() {
  static const std::string machine = [] {
    char host[256] = "";
    ::gethostname(host, sizeof(host) - 1);
    std::string boot;
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::getline(in, boot);
    return boot.empty() ? std::string() : std::string(host) + "/" + boot;
  }();
  return machine;
}

// True when the lock's holder ran on this machine, in this boot, and its process is gone.
bool HolderIsGone(const LeaseBody& body) {
  if (body.machine.empty() || body.machine != ThisMachine() || body.pid <= 0) return false;
  return ::kill(static_cast<pid_t>(body.pid), 0) != 0 && errno == ESRCH;
}

LeaseBody ParseBody(std::string_view text) {
  LeaseBody body;
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return body;
  if (doc.contains("holder") && doc["holder"].is_string()) body.holder = doc["holder"].get<std::string>();
  if (doc.contains("id") && doc["id"].is_string()) body.id = doc["id"].get<std::string>();
  if (doc.contains("expires") && doc["expires"].is_number_integer()) body.expires = doc["expires"].get<int64_t>();
  if (doc.contains("machine") && doc["machine"].is_string()) body.machine = doc["machine"].get<std::string>();
  if (doc.contains("pid") && doc["pid"].is_number_integer()) body.pid = doc["pid"].get<int64_t>();
  return body;
}

// A folder name for a bucket and prefix: readable, and unique through a hash of the whole.
std::string CacheFolderName(const S3Uri& root) {
  std::string whole = root.bucket + "/" + root.key;
  uint64_t hash = 1469598103934665603ull;  // FNV-1a.
  for (unsigned char c : whole) hash = (hash ^ c) * 1099511628211ull;
  std::string name;
  for (char c : whole) name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  while (!name.empty() && name.back() == '_') name.pop_back();
  return fmt::format("{}-{:08x}", name, static_cast<uint32_t>(hash));
}

fs::path DefaultCacheRoot() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') return fs::path(xdg) / "adxmetrics";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return fs::path(home) / ".cache/adxmetrics";
  return fs::temp_directory_path() / "adxmetrics-cache";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Writable files: buffered, then one PUT or a multipart upload; the object appears at Close.

class S3WritableFile : public WritableFile {
 public:
  S3WritableFile(S3Store* store, std::string key, std::string id)
      : store_(store), key_(std::move(key)), id_(std::move(id)) {}

  Status Append(std::string_view data) override {
    if (closed_) return Status::Internal(Name() + ": append after close");
    buffer_.append(data);
    const uint64_t part = store_->options_.s3.multipart_part_size;
    while (buffer_.size() >= part) {
      if (upload_ == nullptr) {
        ADXM_RETURN_IF_ERROR(store_->CheckFence());
        ADXM_ASSIGN_OR_RETURN(upload_, store_->client_->StartUpload(store_->root_.bucket, key_, Options()));
      }
      ADXM_RETURN_IF_ERROR(upload_->AddPart(std::string_view(buffer_).substr(0, part)));
      buffer_.erase(0, part);
    }
    return Status::OK();
  }
  // Nothing is visible or durable before Close (S3 has no partial objects): nothing to do.
  Status Sync() override { return Status::OK(); }
  Status Close() override {
    if (closed_) return Status::OK();
    ADXM_RETURN_IF_ERROR(store_->CheckFence());
    if (upload_ != nullptr) {
      if (!buffer_.empty()) ADXM_RETURN_IF_ERROR(upload_->AddPart(buffer_));
      ADXM_RETURN_IF_ERROR(upload_->Complete().status());
    } else {
      ADXM_RETURN_IF_ERROR(store_->client_->Put(store_->root_.bucket, key_, buffer_, Options()).status());
    }
    closed_ = true;
    buffer_.clear();
    buffer_.shrink_to_fit();
    return Status::OK();
  }

 private:
  S3WriteOptions Options() const { return {.if_none_match = true, .metadata = {{"adxm-id", id_}}}; }
  std::string Name() const { return "s3://" + store_->root_.bucket + "/" + key_; }

  S3Store* store_;
  std::string key_;  // Full key.
  std::string id_;
  std::string buffer_;  // Bytes not yet sent; below one part once Append returns.
  std::unique_ptr<S3Client::Upload> upload_;  // Aborted when destroyed unfinished.
  bool closed_ = false;
};

// ---------------------------------------------------------------------------------------------
// Locks and leases

class S3Lock : public StoreLock {
 public:
  S3Lock(S3Store* store, std::unique_ptr<S3Store::Held> held) : store_(store), held_(std::move(held)) {}
  ~S3Lock() override { store_->Release(held_.get()); }

 private:
  S3Store* store_;
  std::unique_ptr<S3Store::Held> held_;
};

S3Store::S3Store(S3Uri root, S3StoreOptions options, std::unique_ptr<S3Client> client, fs::path cache_dir)
    : root_(std::move(root)), options_(std::move(options)), client_(std::move(client)), cache_dir_(std::move(cache_dir)) {}

Result<std::unique_ptr<S3Store>> S3Store::Open(const S3Uri& root, S3StoreOptions options) {
  if (root.bucket.empty()) return Status::InvalidArgument(root.ToString() + ": no bucket");
  if (options.lease_seconds < 3) return Status::InvalidArgument("S3 lease duration must be at least 3 s");
  S3Uri normalized = root;
  while (normalized.key.starts_with('/')) normalized.key.erase(0, 1);
  if (!normalized.key.empty() && !normalized.key.ends_with('/')) normalized.key += '/';
  // A small write (a log entry) must not land long after the lock's fence let it go: one attempt
  // lasts at most the fence's margin, and the fence is checked again before every attempt.
  options.s3.small_write_timeout = std::chrono::seconds(std::max<int64_t>(1, options.lease_seconds / 6));
  ADXM_ASSIGN_OR_RETURN(std::unique_ptr<S3Client> client, S3Client::Make(options.s3));
  fs::path cache = (options.cache_dir.empty() ? DefaultCacheRoot() : options.cache_dir) / CacheFolderName(normalized);
  std::unique_ptr<S3Store> store(new S3Store(std::move(normalized), std::move(options), std::move(client), std::move(cache)));
  S3Store* raw = store.get();
  raw->client_->SetWriteGuard([raw](const std::string& key) { return raw->GuardWrite(key); });
  return store;
}

S3Store::~S3Store() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
}

std::string S3Store::Describe() const {
  std::string key = root_.key;
  if (key.ends_with('/')) key.pop_back();
  return "s3://" + root_.bucket + (key.empty() ? "" : "/" + key);
}

int64_t S3Store::Now() const { return options_.clock ? options_.clock() : static_cast<int64_t>(std::time(nullptr)); }

std::string S3Store::NewId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", random(), random());
}

std::vector<std::string> S3Store::lost_locks() const {
  MutexLock lock(&mu_);
  return lost_;
}

Status S3Store::GuardWrite(const std::string& key) const {
  {
    MutexLock lock(&keys_mu_);
    if (held_keys_.count(key) > 0) return Status::OK();  // Renewing a lock or lease.
  }
  return CheckFence();
}

Status S3Store::CheckFence() const {
  MutexLock lock(&mu_);
  const int64_t now = Now();
  for (const Held* held : held_) {
    if (!held->exclusive) continue;
    if (held->lost) {
      return Status::Unavailable(Describe() + "/" + held->key + ": the writer lock was taken by another ingest; stopping");
    }
    if (now >= held->expires - options_.lease_seconds / 6) {
      return Status::Unavailable(Describe() + "/" + held->key + ": the writer lock was not renewed in time (lease until " +
                                 FormatIsoUtc(held->expires) + "); stopping before another ingest may take it");
    }
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Objects

Result<std::unique_ptr<WritableFile>> S3Store::NewWritableFile(const std::string& key) {
  ADXM_RETURN_IF_ERROR(CheckFence());
  return std::unique_ptr<WritableFile>(new S3WritableFile(this, FullKey(key), NewId()));
}

Status S3Store::PutIfAbsent(const std::string& key, std::string_view data) {
  ADXM_RETURN_IF_ERROR(CheckFence());
  return client_->Put(root_.bucket, FullKey(key), data, {.if_none_match = true, .metadata = {{"adxm-id", NewId()}}}).status();
}

Status S3Store::Put(const std::string& key, std::string_view data) {
  ADXM_RETURN_IF_ERROR(CheckFence());
  return client_->Put(root_.bucket, FullKey(key), data, {.metadata = {{"adxm-id", NewId()}}}).status();
}

Status S3Store::Link(const std::string& from, const std::string& to) {
  ADXM_RETURN_IF_ERROR(CheckFence());
  ADXM_ASSIGN_OR_RETURN(S3Object source, client_->Head(root_.bucket, FullKey(from)));
  // Checked first too: S3-compatible servers without conditional copies would overwrite.
  auto target = client_->Head(root_.bucket, FullKey(to));
  if (target.ok()) return Status::AlreadyExists(Describe() + "/" + to + ": link from " + from + ": the target exists");
  if (target.status().code() != StatusCode::kNotFound) return target.status();
  S3WriteOptions options{.if_none_match = true};
  auto id = source.metadata.find("adxm-id");
  if (id != source.metadata.end()) options.metadata["adxm-id"] = id->second;
  return client_->Copy(root_.bucket, FullKey(from), FullKey(to), options).status();
}

Status S3Store::ReadRange(const std::string& key, uint64_t offset, uint64_t size, std::string* out) {
  return client_->GetRange(root_.bucket, FullKey(key), offset, size, out);
}

Status S3Store::Read(const std::string& key, std::string* out) { return client_->Get(root_.bucket, FullKey(key), out); }

Result<uint64_t> S3Store::Size(const std::string& key) {
  ADXM_ASSIGN_OR_RETURN(S3Object object, client_->Head(root_.bucket, FullKey(key)));
  return object.size;
}

Result<bool> S3Store::SameObject(const std::string& from, const std::string& to) {
  ADXM_ASSIGN_OR_RETURN(S3Object a, client_->Head(root_.bucket, FullKey(from)));
  ADXM_ASSIGN_OR_RETURN(S3Object b, client_->Head(root_.bucket, FullKey(to)));
  auto id_a = a.metadata.find("adxm-id");
  auto id_b = b.metadata.find("adxm-id");
  return id_a != a.metadata.end() && id_b != b.metadata.end() && !id_a->second.empty() && id_a->second == id_b->second;
}

Status S3Store::List(const std::string& prefix, std::vector<StoreEntry>* out) {
  std::vector<S3Object> objects;
  ADXM_RETURN_IF_ERROR(client_->List({.bucket = root_.bucket, .prefix = FullKey(prefix)}, &objects));
  size_t first = out->size();
  for (S3Object& object : objects) out->push_back({object.key.substr(root_.key.size()), object.size});
  std::sort(out->begin() + static_cast<std::ptrdiff_t>(first), out->end(),
            [](const StoreEntry& a, const StoreEntry& b) { return a.key < b.key; });
  return Status::OK();
}

Status S3Store::Delete(const std::string& key) {
  ADXM_RETURN_IF_ERROR(CheckFence());
  return client_->Delete(root_.bucket, FullKey(key));
}

// ---------------------------------------------------------------------------------------------
// Locks and leases

std::string S3Store::Body(const Held& held, int64_t expires) const {
  json doc = {{"expires", expires}, {"id", held.id}};
  if (held.exclusive) {
    doc["holder"] = held.holder;
    if (!ThisMachine().empty()) {
      doc["machine"] = ThisMachine();
      doc["pid"] = static_cast<int64_t>(::getpid());
    }
  }
  return doc.dump();
}

Result<std::unique_ptr<StoreLock>> S3Store::Lock(const std::string& key, std::string_view holder) {
  return Hold(key, std::string(holder), /*exclusive=*/true);
}

Result<std::unique_ptr<StoreLock>> S3Store::Lease(const std::string& key) { return Hold(key, "", /*exclusive=*/false); }

Result<std::unique_ptr<StoreLock>> S3Store::Hold(const std::string& key, std::string holder, bool exclusive) {
  auto held = std::make_unique<Held>();
  held->key = key;
  held->holder = std::move(holder);
  held->exclusive = exclusive;
  held->id = NewId();
  const std::string full = FullKey(key);
  const std::string name = Describe() + "/" + key;
  // Create it; or, for a lock, take over one its holder stopped renewing. A lost race means
  // someone else holds it now: look again (its new holder is named).
  for (int attempt = 0; attempt < 4; ++attempt) {
    const int64_t expires = Now() + options_.lease_seconds;
    auto created = client_->Put(root_.bucket, full, Body(*held, expires), {.if_none_match = true});
    std::string etag;
    if (created.ok()) {
      etag = *created;
    } else {
      if (created.status().code() != StatusCode::kAlreadyExists) return created.status();
      if (!exclusive) return Status::AlreadyExists(name + ": the lease exists");
      std::string text, current_etag;
      Status read = client_->Get(root_.bucket, full, &text, 0, &current_etag);
      if (read.code() == StatusCode::kNotFound) continue;  // Released meanwhile.
      ADXM_RETURN_IF_ERROR(read);
      LeaseBody current = ParseBody(text);
      if (current.expires >= Now() && !HolderIsGone(current)) {
        return Status::Unavailable(name + ": another ingest holds this warehouse (" +
                                   (current.holder.empty() ? std::string("holder unknown") : current.holder) +
                                   ", lease until " + FormatIsoUtc(current.expires) + ")");
      }
      auto taken = client_->Put(root_.bucket, full, Body(*held, expires), {.if_match = current_etag});
      if (!taken.ok()) {
        if (taken.status().code() == StatusCode::kAlreadyExists || taken.status().code() == StatusCode::kNotFound) continue;
        return taken.status();
      }
      etag = *taken;
    }
    {
      MutexLock lock(&mu_);
      held->etag = std::move(etag);
      held->expires = expires;
      held_.insert(held.get());
      MutexLock keys_lock(&keys_mu_);
      held_keys_.insert(full);
      if (!heartbeat_.joinable()) heartbeat_ = std::thread([this] { HeartbeatLoop(); });
    }
    return std::unique_ptr<StoreLock>(new S3Lock(this, std::move(held)));
  }
  return Status::Unavailable(name + ": the lock changed hands repeatedly while being taken; try again");
}

void S3Store::HeartbeatLoop() {
  const auto interval = std::chrono::milliseconds(options_.lease_seconds * 1000 / 3);
  MutexLock lock(&mu_);
  while (!stop_) {
    wake_.wait_for(lock, interval);
    if (stop_) break;
    // Renewed under mu_: a release waits for the round, and the fence sees renewals at once.
    // Requests are rare (one per lock or lease every lease/3).
    for (Held* held : held_) Renew(held);
  }
}

void S3Store::Renew(Held* held) {
  if (held->lost) return;
  const int64_t expires = Now() + options_.lease_seconds;
  auto renewed = client_->Put(root_.bucket, FullKey(held->key), Body(*held, expires), {.if_match = held->etag});
  if (renewed.ok()) {
    held->etag = *renewed;
    held->expires = expires;
  } else if (renewed.status().code() == StatusCode::kAlreadyExists || renewed.status().code() == StatusCode::kNotFound) {
    held->lost = true;  // Taken over (or deleted) by someone who saw it expired.
    lost_.push_back(Describe() + "/" + held->key + ": lost (" + renewed.status().message() + ")");
  }
  // Other failures: tried again next round; the fence stops writes if the lease runs out.
}

void S3Store::Release(Held* held) {
  bool lost = false;
  {
    MutexLock lock(&mu_);
    held_.erase(held);
    MutexLock keys_lock(&keys_mu_);
    held_keys_.erase(FullKey(held->key));
    lost = held->lost;
  }
  if (lost) return;
  // Delete it only if it is still ours (a taker's object has another id).
  const std::string full = FullKey(held->key);
  std::string text;
  if (!client_->Get(root_.bucket, full, &text).ok() || ParseBody(text).id != held->id) return;
  (void)client_->Delete(root_.bucket, full);
}

Status S3Store::ListLeases(const std::string& prefix, std::vector<LeaseInfo>* out) {
  std::vector<StoreEntry> entries;
  ADXM_RETURN_IF_ERROR(List(prefix, &entries));
  const int64_t now = Now();
  for (const StoreEntry& entry : entries) {
    std::string text;
    Status read = client_->Get(root_.bucket, FullKey(entry.key), &text);
    if (read.code() == StatusCode::kNotFound) continue;  // Released meanwhile.
    ADXM_RETURN_IF_ERROR(read);
    out->push_back({entry.key, ParseBody(text).expires >= now});
  }
  return Status::OK();
}

}  // namespace adxm
