#include "generate/digest_writer.h"

#include <fmt/format.h>

#include <algorithm>

#include "generate/json_text.h"
#include "generate/random.h"
#include "base/sha256.h"
#include "generate/time_text.h"

namespace adxm {
namespace {

void AppendNullableField(std::string* out, std::string_view prefix, const std::string& value) {
  if (value.empty()) {
    out->append(prefix);
    out->append("null");
  } else {
    AppendJsonField(out, prefix, value);
  }
}

}  // namespace

void DigestWriter::Add(int region, int64_t delivery_time, DigestEntry entry) {
  int64_t hour_start = delivery_time - delivery_time % 3600;
  hours_[{region, hour_start}].push_back(std::move(entry));
}

Result<int> DigestWriter::WriteAll(const std::filesystem::path& out, GzipFileWriter* writer) const {
  int written = 0;
  std::string previous_key, previous_hash;
  int previous_region = -1;
  for (const auto& [slot, files] : hours_) {  // Ordered by region, then hour: the chain order.
    auto [region, hour_start] = slot;
    if (region != previous_region) previous_key.clear(), previous_hash.clear();
    previous_region = region;
    const std::string& name = world_.regions[region].name;
    int64_t written_at =
        hour_start + 3600 + 300 +
        static_cast<int64_t>(
            Rng(DeriveSeed(seed_, "digest-time", static_cast<uint64_t>(hour_start))).Uniform(600));
    CivilTime t = ToCivil(written_at);
    std::string key = fmt::format(
        "{}CloudTrail-Digest/{}/{:04}/{:02}/{:02}/"
        "{}_CloudTrail-Digest_{}_{}_{}_{:04}{:02}{:02}T{:02}{:02}{:02}Z.json.gz",
        LogRoot(world_, region), name, t.year, t.month, t.day, world_.provider_account, name,
        world_.trail_name, name, t.year, t.month, t.day, t.hour, t.minute, t.second);
    std::string json = Render(hour_start, files, key, previous_key, previous_hash);
    ADXM_RETURN_IF_ERROR(writer->Write(out / key, json).status());
    previous_key = key;
    previous_hash = Sha256Hex(json);
    ++written;
  }
  return written;
}

std::string DigestWriter::Render(int64_t hour_start, const std::vector<DigestEntry>& files,
                                 const std::string& key, const std::string& previous_key,
                                 const std::string& previous_hash) const {
  Rng rng(DeriveSeed(seed_, key));
  int64_t oldest = files.front().oldest, newest = files.front().newest;
  for (const DigestEntry& file : files) {
    oldest = std::min(oldest, file.oldest);
    newest = std::max(newest, file.newest);
  }
  std::string out;
  AppendJsonField(&out, "{\"awsAccountId\":", world_.provider_account);
  AppendJsonField(&out, ",\"digestStartTime\":", FormatIsoTime(hour_start));
  AppendJsonField(&out, ",\"digestEndTime\":", FormatIsoTime(hour_start + 3600));
  AppendJsonField(&out, ",\"digestS3Bucket\":", world_.log_bucket);
  AppendJsonField(&out, ",\"digestS3Object\":", key);
  AppendJsonField(&out, ",\"digestPublicKeyFingerprint\":", rng.Chars(32, kLowerHex));
  out.append(",\"digestSignatureAlgorithm\":\"SHA256withRSA\"");
  AppendJsonField(&out, ",\"newestEventTime\":", FormatIsoTime(newest));
  AppendJsonField(&out, ",\"oldestEventTime\":", FormatIsoTime(oldest));
  AppendNullableField(
      &out, ",\"previousDigestS3Bucket\":", previous_key.empty() ? "" : world_.log_bucket);
  AppendNullableField(&out, ",\"previousDigestS3Object\":", previous_key);
  AppendNullableField(&out, ",\"previousDigestHashValue\":", previous_hash);
  AppendNullableField(&out,
                      ",\"previousDigestHashAlgorithm\":", previous_key.empty() ? "" : "SHA-256");
  AppendNullableField(
      &out, ",\"previousDigestSignature\":", previous_key.empty() ? "" : rng.Chars(512, kLowerHex));
  out.append(",\"logFiles\":[");
  for (size_t idx = 0; idx < files.size(); ++idx) {
    AppendJsonField(&out, idx == 0 ? "{\"s3Bucket\":" : ",{\"s3Bucket\":", world_.log_bucket);
    AppendJsonField(&out, ",\"s3Object\":", files[idx].key);
    AppendJsonField(&out, ",\"hashValue\":", files[idx].sha256);
    out.append(",\"hashAlgorithm\":\"SHA-256\"");
    AppendJsonField(&out, ",\"newestEventTime\":", FormatIsoTime(files[idx].newest));
    AppendJsonField(&out, ",\"oldestEventTime\":", FormatIsoTime(files[idx].oldest));
    out.push_back('}');
  }
  out.append("]}");
  return out;
}

}  // namespace adxm
