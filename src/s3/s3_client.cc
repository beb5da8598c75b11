#include "s3/s3_client.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <random>
#include <thread>

#include "base/printable.h"
#include "s3/aws_config.h"
#include "s3/http.h"
#include "s3/xml.h"

namespace adxm {
namespace {

using Clock = std::chrono::system_clock;

std::string Lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return text;
}

std::string Unquote(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return etag;
}

std::string Md5(std::string_view data, bool base64) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr);
  if (base64) {
    unsigned char encoded[64];
    const int size = EVP_EncodeBlock(encoded, digest, static_cast<int>(length));
    return std::string(reinterpret_cast<char*>(encoded), static_cast<size_t>(size));
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int index = 0; index < length; ++index) {
    hex += kHex[digest[index] >> 4];
    hex += kHex[digest[index] & 15];
  }
  return hex;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

// Decode a key S3 sent with encoding-type=url ('+' is a space).
std::string UrlDecode(std::string_view text) {
  std::string out;
  for (size_t index = 0; index < text.size(); ++index) {
    const char c = text[index];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && index + 2 < text.size() + 0 && std::isxdigit(static_cast<unsigned char>(text[index + 1])) &&
               std::isxdigit(static_cast<unsigned char>(text[index + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(index + 1, 2)), nullptr, 16));
      index += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// A bucket name usable as a DNS label for virtual-hosted addressing (no dots: TLS wildcard).
bool DnsCompatibleBucket(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return bucket.front() != '-' && bucket.back() != '-';
}

std::string HostOf(std::string_view url) {
  const size_t scheme_end = url.find("://");
  std::string_view rest = scheme_end == std::string_view::npos ? url : url.substr(scheme_end + 3);
  return std::string(rest.substr(0, rest.find('/')));
}

bool RetryableStatus(long status, std::string_view code) {
  return status == 500 || status == 502 || status == 503 || status == 504 || status == 429 ||
         code == "SlowDown" || code == "RequestTimeout" || code == "InternalError" || code == "ServiceUnavailable" ||
         code == "Throttling" || code == "ThrottlingException" || code == "RequestLimitExceeded" ||
         code == "ConditionalRequestConflict";  // 409: a concurrent conditional write; S3 asks to retry.
}

std::chrono::milliseconds Backoff(const S3Options& options, int attempt) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const int64_t ceiling = std::min<int64_t>(options.max_backoff.count(),
                                            options.base_backoff.count() << std::min(attempt - 1, 20));
  return std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, std::max<int64_t>(ceiling, 1))(random));
}

std::string EnvOr(const CredentialOptions& options, const std::string& name) {
  if (options.getenv) return options.getenv(name).value_or("");
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? "" : value;
}

std::string ResolveRegion(const S3Options& options) {
  if (!options.region.empty()) return options.region;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (std::string value = EnvOr(options.credentials, name); !value.empty()) return value;
  }
  std::string profile = options.credentials.profile;
  if (profile.empty()) profile = EnvOr(options.credentials, "AWS_PROFILE");
  if (profile.empty()) profile = "default";
  std::string config_path = EnvOr(options.credentials, "AWS_CONFIG_FILE");
  if (config_path.empty()) config_path = EnvOr(options.credentials, "HOME") + "/.aws/config";
  auto files = AwsConfigFiles::Load("/nonexistent", config_path);
  if (files.ok()) {
    if (const ProfileSettings* settings = files->Find(profile)) {
      if (std::string region = Setting(*settings, "region"); !region.empty()) return region;
    }
  }
  return "us-east-1";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// URIs

std::string S3Uri::ToString() const { return "s3://" + bucket + (key.empty() ? "" : "/" + key); }

bool IsS3Uri(std::string_view text) { return text.rfind("s3://", 0) == 0; }

Result<S3Uri> ParseS3Uri(std::string_view text) {
  if (!IsS3Uri(text)) return Status::InvalidArgument(PrintableText(text) + ": not an s3:// URI");
  std::string_view rest = text.substr(5);
  const size_t slash = rest.find('/');
  S3Uri uri{std::string(rest.substr(0, slash)), slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1))};
  if (uri.bucket.empty()) return Status::InvalidArgument(PrintableText(text) + ": no bucket name after s3://");
  for (char c : uri.bucket) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')) {
      return Status::InvalidArgument(PrintableText(text) + ": '" + PrintableText(uri.bucket) +
                                     "' is not a valid bucket name (lowercase letters, digits, '.', '-')");
    }
  }
  return uri;
}

std::string S3RequestCounts::ToString() const {
  std::string text;
  const auto add = [&](uint64_t count, const char* name) {
    if (count == 0) return;
    if (!text.empty()) text += ", ";
    text += std::to_string(count) + " " + name;
  };
  add(list, "LIST");
  add(get, "GET");
  add(head, "HEAD");
  add(put, "PUT");
  add(copy, "COPY");
  add(del, "DELETE");
  add(multipart, "multipart");
  add(retries, "retries");
  return text.empty() ? "none" : text;
}

// ---------------------------------------------------------------------------------------------
// Requests

struct S3Client::Call {
  Kind kind = Kind::kGet;
  const char* operation = "";  // "GetObject": for messages.
  const char* action = "";     // IAM action checked: "s3:GetObject".
  std::string method = "GET";
  std::string bucket;
  std::string key;             // The object; for a bucket-level request, the prefix (messages only).
  bool bucket_level = false;   // ListObjectsV2, DeleteObjects: the request goes to the bucket.
  QueryParams query;
  HttpHeaders headers;         // Besides Host and the signature's.
  std::string_view body;
  std::string* body_out = nullptr;
  bool body_is_payload = true;  // The body's SHA-256 is signed (else UNSIGNED-PAYLOAD).

  std::string Resource() const { return "s3://" + bucket + (key.empty() ? "" : "/" + PrintableText(key)); }
};

struct S3Client::Answer {
  HttpResponse response;
  std::string code;     // S3's error code, if any.
  std::string message;  // S3's error message, if any.
  std::string region;   // The bucket's region, when S3 said.
  int attempts = 1;
};

S3Client::S3Client(S3Options options) : options_(std::move(options)) {}
S3Client::~S3Client() = default;

Result<std::unique_ptr<S3Client>> S3Client::Make(S3Options options) {
  std::unique_ptr<S3Client> client(new S3Client(options));
  client->region_ = ResolveRegion(options);
  std::string endpoint = options.endpoint;
  if (endpoint.empty()) endpoint = EnvOr(options.credentials, "AWS_ENDPOINT_URL_S3");
  if (endpoint.empty()) endpoint = EnvOr(options.credentials, "AWS_ENDPOINT_URL");
  client->custom_endpoint_ = !endpoint.empty();
  if (endpoint.empty()) endpoint = "https://s3." + client->region_ + ".amazonaws.com";
  if (endpoint.find("://") == std::string::npos) {
    return Status::InvalidArgument("S3 endpoint '" + PrintableText(endpoint) + "' has no scheme (http:// or https://)");
  }
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  client->endpoint_ = endpoint;
  client->path_style_ = options.addressing == S3Addressing::kPath ||
                        (options.addressing == S3Addressing::kAuto && client->custom_endpoint_);
  CredentialOptions credential_options = options.credentials;
  if (credential_options.region.empty()) credential_options.region = client->region_;
  ADXM_ASSIGN_OR_RETURN(client->credentials_, CredentialProvider::Make(std::move(credential_options)));
  return client;
}

std::unique_ptr<HttpClient> S3Client::TakeHttp() {
  {
    MutexLock lock(&pool_mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<HttpClient> http = std::move(idle_.back());
      idle_.pop_back();
      return http;
    }
  }
  auto http = HttpClient::Make();
  return http.ok() ? std::move(*http) : nullptr;
}

void S3Client::ReturnHttp(std::unique_ptr<HttpClient> http) {
  MutexLock lock(&pool_mutex_);
  idle_.push_back(std::move(http));
}

Result<S3Client::Answer> S3Client::SendOnce(const Call& call, int attempt) {
  Result<AwsCredentials> found = credentials_->Get();
  if (!found.ok()) return found.status().WithContext(call.Resource() + ": " + call.operation);
  const AwsCredentials& credentials = *found;
  const bool path_style = path_style_ || !DnsCompatibleBucket(call.bucket);
  std::string base = endpoint_;
  std::string path = call.bucket_level ? "" : "/" + UriEncode(call.key, true);
  if (path_style) {
    path = "/" + call.bucket + path;
  } else {
    if (path.empty()) path = "/";
    const size_t scheme_end = base.find("://") + 3;
    base.insert(scheme_end, call.bucket + ".");
  }
  SigV4Request request{.method = call.method, .path = path, .query = call.query, .headers = call.headers};
  request.headers.emplace_back("Host", HostOf(base));
  request.payload_hash = call.body_is_payload ? Sha256Hex(call.body) : std::string(kUnsignedPayload);
  const SigV4Signature signature =
      SignRequest(request, credentials, {region_, "s3", std::chrono::floor<std::chrono::seconds>(Clock::now())});
  HttpRequest http_request;
  http_request.method = call.method;
  http_request.url = base + path;
  if (!call.query.empty()) http_request.url += "?" + CanonicalQueryString(call.query);
  http_request.headers = request.headers;
  http_request.headers.insert(http_request.headers.end(), signature.headers_to_add.begin(),
                              signature.headers_to_add.end());
  http_request.body = std::string(call.body);
  http_request.connect_timeout = options_.connect_timeout;
  const bool write = call.method != "GET" && call.method != "HEAD";
  http_request.timeout = write && call.body.size() < (1u << 20) ? options_.small_write_timeout : std::chrono::milliseconds(0);
  http_request.stall_timeout = options_.stall_timeout;
  http_request.body_out = call.body_out;
  std::unique_ptr<HttpClient> http = TakeHttp();
  if (http == nullptr) return Status::Internal("libcurl: cannot create a handle");
  counts_[static_cast<int>(call.kind)].fetch_add(1, std::memory_order_relaxed);
  if (attempt > 1) retries_.fetch_add(1, std::memory_order_relaxed);
  Result<HttpResponse> response = http->Send(http_request);
  ReturnHttp(std::move(http));
  if (!response.ok()) return response.status();
  Answer answer{.response = std::move(*response)};
  answer.region = answer.response.Header("x-amz-bucket-region");
  const std::string& error_body =
      call.body_out != nullptr && answer.response.status >= 300 ? *call.body_out : answer.response.body;
  // CompleteMultipartUpload and CopyObject may answer 200 with an error in the body.
  const bool may_hide_error = call.kind == Kind::kCopy || (call.kind == Kind::kMultipart && call.method == "POST");
  if ((answer.response.status >= 300 || may_hide_error) && error_body.find("<Error") != std::string::npos) {
    if (auto leaves = FlattenXml(error_body); leaves.ok()) {
      answer.code = FindXmlText(*leaves, "Error/Code");
      answer.message = FindXmlText(*leaves, "Error/Message");
      if (answer.region.empty()) answer.region = FindXmlText(*leaves, "Error/Region");
      if (answer.response.status < 300 && !answer.code.empty()) answer.response.status = 500;
    }
  }
  return answer;
}

Result<S3Client::Answer> S3Client::Send(const Call& call) {
  Status last;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    if (attempt > 1) std::this_thread::sleep_for(Backoff(options_, attempt - 1));
    if (write_guard_ && call.method != "GET" && call.method != "HEAD") {
      Status guard = write_guard_(call.key);
      if (!guard.ok()) return guard;
    }
    Result<Answer> answer = SendOnce(call, attempt);
    if (!answer.ok()) {
      if (answer.status().code() != StatusCode::kUnavailable) return answer.status();
      last = answer.status();  // No response: a refused, reset, stalled or truncated exchange.
      continue;
    }
    answer->attempts = attempt;
    if (!RetryableStatus(answer->response.status, answer->code)) return answer;
    last = Status::Unavailable("HTTP " + std::to_string(answer->response.status) +
                               (answer->code.empty() ? "" : " " + answer->code));
  }
  return Status::Unavailable(call.Resource() + ": " + call.operation + " failed after " +
                             std::to_string(options_.max_attempts) + " attempts: " + last.message());
}

Status S3Client::Explain(const Call& call, const Answer& answer) const {
  const long status = answer.response.status;
  const std::string& code = answer.code;
  const std::string where = call.Resource() + ": " + call.operation + ": ";
  const std::string reason = "(HTTP " + std::to_string(status) + (code.empty() ? "" : " " + code) + ")";
  const std::string who = "the credentials from " + credentials_->source();
  if (!answer.region.empty() && answer.region != region_ &&
      (status == 301 || code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed" ||
       code == "IllegalLocationConstraintException")) {
    return Status::InvalidArgument(where + "bucket " + call.bucket + " is in region " + PrintableText(answer.region) +
                                   ", not " + region_ + ": pass --region " + PrintableText(answer.region) + " " + reason);
  }
  if (status == 301 || code == "PermanentRedirect") {
    return Status::InvalidArgument(where + "bucket " + call.bucket + " is not in region " + region_ +
                                   ": pass its region with --region " + reason);
  }
  if (code == "ExpiredToken" || code == "TokenRefreshRequired") {
    return Status::PermissionDenied(where + who + " have expired; renew them " + reason);
  }
  if (code == "InvalidAccessKeyId") {
    return Status::PermissionDenied(where + "the access key from " + credentials_->source() +
                                    " is not known to S3 " + reason);
  }
  if (code == "SignatureDoesNotMatch") {
    return Status::PermissionDenied(where + "S3 rejected the signature: the secret key from " +
                                    credentials_->source() + " does not match its access key " + reason);
  }
  if (code == "RequestTimeTooSkewed") {
    return Status::PermissionDenied(where + "this machine's clock is too far from S3's; set it right " + reason);
  }
  if (status == 403) {
    const std::string arn = "arn:aws:s3:::" + call.bucket + (call.kind == Kind::kList ? "" : "/" + PrintableText(call.key));
    return Status::PermissionDenied(where + "access denied: " + who + " may not " + call.action + " on " + arn + " " + reason);
  }
  if (code == "NoSuchBucket") return Status::NotFound(where + "bucket " + call.bucket + " does not exist " + reason);
  if (status == 404) return Status::NotFound(where + "no such object " + reason);
  if (status == 412 || code == "PreconditionFailed" || status == 409) {
    return Status::AlreadyExists(where + "the write condition failed: the object exists or changed " + reason);
  }
  return Status::IoError(where + "failed " + reason + (answer.message.empty() ? "" : ": " + PrintableText(answer.message)));
}

// ---------------------------------------------------------------------------------------------
// Operations

Status S3Client::List(const S3ListRequest& request, std::vector<S3Object>* objects,
                      std::vector<std::string>* common_prefixes) {
  std::string token;
  const size_t first = objects->size();
  do {
    Call call{.kind = Kind::kList, .operation = "ListObjectsV2", .action = "s3:ListBucket", .bucket = request.bucket,
              .key = request.prefix, .bucket_level = true};
    call.query = {{"list-type", "2"}, {"encoding-type", "url"}, {"max-keys", std::to_string(request.limit > 0 ? std::min<size_t>(request.limit, options_.list_page_size) : options_.list_page_size)}};
    if (!request.prefix.empty()) call.query.emplace_back("prefix", request.prefix);
    if (!request.delimiter.empty()) call.query.emplace_back("delimiter", request.delimiter);
    if (!request.start_after.empty() && token.empty()) call.query.emplace_back("start-after", request.start_after);
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    ADXM_ASSIGN_OR_RETURN(Answer answer, Send(call));
    if (answer.response.status != 200) return Explain(call, answer);
    auto leaves = FlattenXml(answer.response.body);
    if (!leaves.ok()) return leaves.status().WithContext(call.Resource() + ": ListObjectsV2 reply");
    const bool encoded = FindXmlText(*leaves, "ListBucketResult/EncodingType") == "url";
    const auto decode = [&](const std::string& text) { return encoded ? UrlDecode(text) : text; };
    token.clear();
    bool truncated = false;
    for (const auto& [path, text] : *leaves) {
      if (path == "ListBucketResult/Contents/Key") {
        objects->push_back({.key = decode(text)});
      } else if (path == "ListBucketResult/Contents/Size" && !objects->empty()) {
        objects->back().size = std::strtoull(text.c_str(), nullptr, 10);
      } else if (path == "ListBucketResult/Contents/ETag" && !objects->empty()) {
        objects->back().etag = Unquote(text);
      } else if (path == "ListBucketResult/CommonPrefixes/Prefix" && common_prefixes != nullptr) {
        common_prefixes->push_back(decode(text));
      } else if (path == "ListBucketResult/IsTruncated") {
        truncated = text == "true";
      } else if (path == "ListBucketResult/NextContinuationToken") {
        token = text;
      }
    }
    if (request.limit > 0 && objects->size() - first >= request.limit) {
      objects->resize(first + request.limit);
      break;
    }
    if (truncated && token.empty()) {
      return Status::IoError(call.Resource() + ": ListObjectsV2: a truncated page without a continuation token");
    }
  } while (!token.empty());
  return Status::OK();
}

Status S3Client::Get(const std::string& bucket, const std::string& key, std::string* out, size_t padding,
                     std::string* etag) {
  Call call{.kind = Kind::kGet, .operation = "GetObject", .action = "s3:GetObject", .bucket = bucket, .key = key};
  call.body_out = out;
  ADXM_ASSIGN_OR_RETURN(Answer answer, Send(call));
  if (answer.response.status != 200) return Explain(call, answer);
  if (etag != nullptr) *etag = Unquote(answer.response.Header("etag"));
  out->reserve(out->size() + padding);
  return Status::OK();
}

Status S3Client::GetRange(const std::string& bucket, const std::string& key, uint64_t offset, uint64_t size,
                          std::string* out) {
  if (size == 0) {
    out->clear();
    return Status::OK();
  }
  Call call{.kind = Kind::kGet, .operation = "GetObject", .action = "s3:GetObject", .bucket = bucket, .key = key};
  call.headers = {{"Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + size - 1)}};
  call.body_out = out;
  ADXM_ASSIGN_OR_RETURN(Answer answer, Send(call));
  if (answer.response.status == 416) {  // The range starts at or after the end.
    out->clear();
    return Status::OK();
  }
  if (answer.response.status == 200) {  // A server that ignores Range sends the whole object.
    *out = out->size() > offset ? out->substr(offset, size) : std::string();
    return Status::OK();
  }
  if (answer.response.status != 206) return Explain(call, answer);
  return Status::OK();
}

Result<S3Object> S3Client::Head(const std::string& bucket, const std::string& key) {
  Call call{.kind = Kind::kHead, .operation = "HeadObject", .action = "s3:GetObject", .method = "HEAD",
            .bucket = bucket, .key = key};
  ADXM_ASSIGN_OR_RETURN(Answer answer, Send(call));
  if (answer.response.status != 200) return Explain(call, answer);
  S3Object object{.key = key};
  object.size = std::strtoull(answer.response.Header("content-length").c_str(), nullptr, 10);
  object.etag = Unquote(answer.response.Header("etag"));
  for (const auto& [name, value] : answer.response.headers) {
    if (name.rfind("x-amz-meta-", 0) == 0) object.metadata[name.substr(11)] = value;
  }
  return object;
}

namespace {

void AddWriteHeaders(const S3WriteOptions& options, HttpHeaders* headers) {
  if (options.if_none_match) headers->emplace_back("If-None-Match", "*");
  if (!options.if_match.empty()) headers->emplace_back("If-Match", "\"" + options.if_match + "\"");
  for (const auto& [name, value] : options.metadata) headers->emplace_back("x-amz-meta-" + Lowercase(name), value);
}

}  // namespace

Result<std::string> S3Client::Put(const std::string& bucket, const std::string& key, std::string_view data,
                                  const S3WriteOptions& options) {
  if (data.size() > options_.multipart_part_size) return PutMultipart(bucket, key, data, options);
  Call call{.kind = Kind::kPut, .operation = "PutObject", .action = "s3:PutObject", .method = "PUT",
            .bucket = bucket, .key = key};
  AddWriteHeaders(options, &call.headers);
  call.headers.emplace_back("Content-Type", "application/octet-stream");
  call.body = data;
  ADXM_ASSIGN_OR_RETURN(Answer answer, Send(call));
  if (answer.response.status == 412 && answer.attempts > 1) {
    // The condition failed on a retry: the first attempt may have landed and lost its answer. The
    // object is ours if it carries the id we sent (x-amz-meta-adxm-id), else if its ETag is the
    // body's MD5 (not so under SSE-KMS / SSE-C: there only the id tells).
    auto head = Head(bucket, key);
    if (head.ok()) {
      auto sent = options.metadata.find("adxm-id");
      auto found = head->metadata.find("adxm-id");
      const bool ours = sent != options.metadata.end()
                            ? found != head->metadata.end() && found->second == sent->second
                            : head->etag == Md5(data, false);
      if (ours) return head->etag;
    }
  }
  if (answer.response.status != 200) return Explain(call, answer);
  return Unquote(answer.response.Header("etag"));
}

Result<std::string> S3Client::Copy(const std::string& bucket, const std::string& from, const std::string& to,
                                   const S3WriteOptions& options) {
  Call call{.kind = Kind::kCopy, .operation = "CopyObject", .action = "s3:PutObject", .method = "PUT",
            .bucket = bucket, .key = to};
  call.headers.emplace_back("x-amz-copy-source", "/" + bucket + "/" + UriEncode(from, true));
  call.headers.emplace_back("x-amz-metadata-directive", "REPLACE");
  AddWriteHeaders(options, &call.headers);
  ADXM_ASSIGN_OR_RETURN(Answer answer, Send(call));
  if (answer.response.status != 200) {
    if (answer.response.status == 404 && answer.code == "NoSuchKey") {
      return Status::NotFound(call.Resource() + ": CopyObject: the source " + PrintableText(from) + " does not exist");
    }
    if (answer.response.status == 403) {
      return Status::PermissionDenied(call.Resource() + ": CopyObject: access denied: it needs s3:GetObject on arn:aws:s3:::" +
                                      bucket + "/" + PrintableText(from) + " and s3:PutObject on arn:aws:s3:::" + bucket +
                                      "/" + PrintableText(to) + " (HTTP 403 " + answer.code + ")");
    }
    return Explain(call, answer);
  }
  auto leaves = FlattenXml(answer.response.body);
  return leaves.ok() ? Unquote(FindXmlText(*leaves, "ETag")) : std::string();
}

Status S3Client::Delete(const std::string& bucket, const std::string& key) {
  Call call{.kind = Kind::kDelete, .operation = "DeleteObject", .action = "s3:DeleteObject", .method = "DELETE",
            .bucket = bucket, .key = key};
  ADXM_ASSIGN_OR_RETURN(Answer answer, Send(call));
  if (answer.response.status == 204 || answer.response.status == 200 || answer.response.status == 404) {
    return Status::OK();
  }
  return Explain(call, answer);
}

Status S3Client::DeleteMany(const std::string& bucket, const std::vector<std::string>& keys) {
  for (size_t begin = 0; begin < keys.size(); begin += 1000) {
    std::string body = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>";
    for (size_t index = begin; index < std::min(keys.size(), begin + 1000); ++index) {
      body += "<Object><Key>" + XmlEscape(keys[index]) + "</Key></Object>";
    }
    body += "</Delete>";
    Call call{.kind = Kind::kDelete, .operation = "DeleteObjects", .action = "s3:DeleteObject", .method = "POST",
              .bucket = bucket, .bucket_level = true};
    call.query = {{"delete", ""}};
    call.headers = {{"Content-MD5", Md5(body, true)}, {"Content-Type", "application/xml"}};
    call.body = body;
    ADXM_ASSIGN_OR_RETURN(Answer answer, Send(call));
    if (answer.response.status != 200) return Explain(call, answer);
    auto leaves = FlattenXml(answer.response.body);
    if (!leaves.ok()) return leaves.status().WithContext(call.Resource() + ": DeleteObjects reply");
    std::string failed_key;
    for (const auto& [path, text] : *leaves) {
      if (path == "DeleteResult/Error/Key") failed_key = text;
      if (path == "DeleteResult/Error/Code") {
        return Status::IoError("s3://" + bucket + "/" + PrintableText(failed_key) + ": DeleteObjects: " + PrintableText(text));
      }
    }
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Multipart uploads

S3Client::Upload::Upload(S3Client* client, std::string bucket, std::string key, std::string upload_id,
                         S3WriteOptions options)
    : client_(client), bucket_(std::move(bucket)), key_(std::move(key)), upload_id_(std::move(upload_id)),
      options_(std::move(options)) {}

S3Client::Upload::~Upload() {
  if (!finished_) (void)Abort();
}

Result<std::unique_ptr<S3Client::Upload>> S3Client::StartUpload(const std::string& bucket, const std::string& key,
                                                                 const S3WriteOptions& options) {
  Call call{.kind = Kind::kMultipart, .operation = "CreateMultipartUpload", .action = "s3:PutObject",
            .method = "POST", .bucket = bucket, .key = key};
  call.query = {{"uploads", ""}};
  S3WriteOptions create_options{.metadata = options.metadata};
  AddWriteHeaders(create_options, &call.headers);
  call.headers.emplace_back("Content-Type", "application/octet-stream");
  ADXM_ASSIGN_OR_RETURN(Answer answer, Send(call));
  if (answer.response.status != 200) return Explain(call, answer);
  auto leaves = FlattenXml(answer.response.body);
  const std::string upload_id = leaves.ok() ? FindXmlText(*leaves, "UploadId") : "";
  if (upload_id.empty()) return Status::IoError(call.Resource() + ": CreateMultipartUpload: no UploadId in the reply");
  return std::unique_ptr<Upload>(new Upload(this, bucket, key, upload_id, options));
}

Status S3Client::Upload::AddPart(std::string_view data) {
  const std::string number = std::to_string(part_etags_.size() + 1);
  Call call{.kind = Kind::kMultipart, .operation = "UploadPart", .action = "s3:PutObject", .method = "PUT",
            .bucket = bucket_, .key = key_};
  call.query = {{"partNumber", number}, {"uploadId", upload_id_}};
  call.body = data;
  ADXM_ASSIGN_OR_RETURN(Answer answer, client_->Send(call));
  if (answer.response.status != 200) return client_->Explain(call, answer);
  part_etags_.push_back(answer.response.Header("etag"));
  return Status::OK();
}

Result<std::string> S3Client::Upload::Complete() {
  std::string body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (size_t index = 0; index < part_etags_.size(); ++index) {
    body += "<Part><PartNumber>" + std::to_string(index + 1) + "</PartNumber><ETag>" + XmlEscape(part_etags_[index]) +
            "</ETag></Part>";
  }
  body += "</CompleteMultipartUpload>";
  Call call{.kind = Kind::kMultipart, .operation = "CompleteMultipartUpload", .action = "s3:PutObject",
            .method = "POST", .bucket = bucket_, .key = key_};
  call.query = {{"uploadId", upload_id_}};
  S3WriteOptions conditions{.if_none_match = options_.if_none_match, .if_match = options_.if_match};
  AddWriteHeaders(conditions, &call.headers);
  call.headers.emplace_back("Content-Type", "application/xml");
  call.body = body;
  ADXM_ASSIGN_OR_RETURN(Answer answer, client_->Send(call));
  if (answer.response.status == 404 && answer.code == "NoSuchUpload" && answer.attempts > 1) {
    // A retry after the first attempt completed (its answer lost): the object is there.
    auto head = client_->Head(bucket_, key_);
    if (head.ok()) {
      finished_ = true;
      return head->etag;
    }
  }
  if (answer.response.status != 200) return client_->Explain(call, answer);
  finished_ = true;
  auto leaves = FlattenXml(answer.response.body);
  return leaves.ok() ? Unquote(FindXmlText(*leaves, "ETag")) : std::string();
}

Status S3Client::Upload::Abort() {
  finished_ = true;
  Call call{.kind = Kind::kMultipart, .operation = "AbortMultipartUpload", .action = "s3:AbortMultipartUpload",
            .method = "DELETE", .bucket = bucket_, .key = key_};
  call.query = {{"uploadId", upload_id_}};
  ADXM_ASSIGN_OR_RETURN(Answer answer, client_->Send(call));
  if (answer.response.status == 204 || answer.response.status == 200 || answer.response.status == 404) {
    return Status::OK();
  }
  return client_->Explain(call, answer);
}

Result<std::string> S3Client::PutMultipart(const std::string& bucket, const std::string& key, std::string_view data,
                                           const S3WriteOptions& options) {
  ADXM_ASSIGN_OR_RETURN(auto upload, StartUpload(bucket, key, options));
  for (size_t offset = 0; offset < data.size(); offset += options_.multipart_part_size) {
    ADXM_RETURN_IF_ERROR(upload->AddPart(data.substr(offset, options_.multipart_part_size)));
  }
  return upload->Complete();
}

S3RequestCounts S3Client::counts() const {
  const auto get = [&](Kind kind) { return counts_[static_cast<int>(kind)].load(std::memory_order_relaxed); };
  return {.list = get(Kind::kList), .get = get(Kind::kGet), .head = get(Kind::kHead), .put = get(Kind::kPut),
          .copy = get(Kind::kCopy), .del = get(Kind::kDelete), .multipart = get(Kind::kMultipart),
          .retries = retries_.load(std::memory_order_relaxed)};
}

}  // namespace adxm
