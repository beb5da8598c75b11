#include "s3/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cassert>
#include <ctime>
#include <map>

namespace adxm {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
// SHA-256 of the empty string: the payload hash of a request without a body.
constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string Hex(const unsigned char* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t byte_idx = 0; byte_idx < size; ++byte_idx) {
    out[2 * byte_idx] = kDigits[bytes[byte_idx] >> 4];
    out[2 * byte_idx + 1] = kDigits[bytes[byte_idx] & 0xf];
  }
  return out;
}

// Raw 32-byte HMAC-SHA256 (the signing key chain feeds raw bytes forward).
std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &size);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// Trim a header value and collapse each run of whitespace (folded lines too) to one space.
std::string TrimAll(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// Remove "." and ".." segments and empty segments; keep a trailing slash (RFC 3986 5.2.4 as the
// SigV4 test suite applies it).
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (std::string_view segment : segments) out.append("/").append(segment);
  bool trailing = path.size() > 1 && path.back() == '/';
  if (out.empty() || trailing) out.push_back('/');
  return out;
}

bool IsS3(const SigV4Scope& scope) { return scope.service == "s3"; }

std::string CanonicalUri(std::string_view path, const SigV4Scope& scope) {
  if (path.empty()) return "/";
  // S3 signs the path as sent; other services sign the (normalised) path encoded once more.
  if (IsS3(scope)) return std::string(path);
  return UriEncode(scope.normalize_path ? NormalizePath(path) : std::string(path), true);
}

// Lowercased, sorted names; repeated headers joined with ',' in the order given.
std::map<std::string, std::string> CanonicalHeaderMap(const HttpHeaders& headers) {
  std::map<std::string, std::string> canonical;
  for (const auto& [name, value] : headers) {
    auto [it, inserted] = canonical.try_emplace(Lower(name), TrimAll(value));
    if (!inserted) it->second.append(",").append(TrimAll(value));
  }
  return canonical;
}

std::string CredentialScope(const SigV4Scope& scope) {
  return FormatAmzDate(scope.time).substr(0, 8) + "/" + scope.region + "/" + scope.service +
         "/aws4_request";
}

std::string SignatureOf(std::string_view string_to_sign, const AwsCredentials& credentials,
                        const SigV4Scope& scope) {
  std::string key = Hmac("AWS4" + credentials.secret_access_key, FormatAmzDate(scope.time).substr(0, 8));
  key = Hmac(key, scope.region);
  key = Hmac(key, scope.service);
  key = Hmac(key, "aws4_request");
  std::string raw = Hmac(key, string_to_sign);
  return Hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

struct Canonical {
  std::string request;
  std::string signed_headers;
};

Canonical CanonicalRequest(const SigV4Request& request, const QueryParams& query,
                           const HttpHeaders& headers, std::string_view payload_hash,
                           const SigV4Scope& scope) {
  Canonical out;
  std::string header_lines;
  for (const auto& [name, value] : CanonicalHeaderMap(headers)) {
    header_lines.append(name).append(":").append(value).append("\n");
    if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
    out.signed_headers.append(name);
  }
  out.request = request.method + "\n" + CanonicalUri(request.path, scope) + "\n" +
                CanonicalQueryString(query) + "\n" + header_lines + "\n" + out.signed_headers +
                "\n" + std::string(payload_hash);
  return out;
}

std::string StringToSign(std::string_view canonical_request, const SigV4Scope& scope) {
  return std::string(kAlgorithm) + "\n" + FormatAmzDate(scope.time) + "\n" + CredentialScope(scope) +
         "\n" + Sha256Hex(canonical_request);
}

}  // namespace

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' ||
                            byte == '_' || byte == '~';
    if (unreserved || (keep_slash && byte == '/')) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kDigits[byte >> 4]);
      out.push_back(kDigits[byte & 0xf]);
    }
  }
  return out;
}

std::string CanonicalQueryString(const QueryParams& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  std::sort(encoded.begin(), encoded.end());  // By encoded name, then encoded value.
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  std::string raw = Hmac(key, data);
  return Hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string FormatAmzDate(std::chrono::sys_seconds time) {
  const std::time_t seconds = time.time_since_epoch().count();
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y%m%dT%H%M%SZ", &utc);
  return buffer;
}

SigV4Signature SignRequest(const SigV4Request& request, const AwsCredentials& credentials,
                           const SigV4Scope& scope) {
  const std::string payload_hash =
      request.payload_hash.empty() ? std::string(kEmptySha256) : request.payload_hash;
  SigV4Signature out;
  out.headers_to_add.emplace_back("X-Amz-Date", FormatAmzDate(scope.time));
  if (IsS3(scope) || scope.send_content_sha256) {
    out.headers_to_add.emplace_back("X-Amz-Content-SHA256", payload_hash);
  }
  if (!credentials.session_token.empty()) {
    out.headers_to_add.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  HttpHeaders signed_headers = request.headers;
  signed_headers.insert(signed_headers.end(), out.headers_to_add.begin(), out.headers_to_add.end());
  assert(CanonicalHeaderMap(signed_headers).count("host") == 1 && "SigV4 requests need a Host header");

  Canonical canonical = CanonicalRequest(request, request.query, signed_headers, payload_hash, scope);
  out.canonical_request = std::move(canonical.request);
  out.string_to_sign = StringToSign(out.canonical_request, scope);
  out.signature = SignatureOf(out.string_to_sign, credentials, scope);
  out.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
                      CredentialScope(scope) + ", SignedHeaders=" + canonical.signed_headers +
                      ", Signature=" + out.signature;
  out.headers_to_add.emplace_back("Authorization", out.authorization);
  return out;
}

QueryParams PresignQuery(const SigV4Request& request, const AwsCredentials& credentials,
                         const SigV4Scope& scope, std::chrono::seconds expires) {
  std::string signed_headers;
  for (const auto& entry : CanonicalHeaderMap(request.headers)) {
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers.append(entry.first);
  }
  QueryParams auth = {
      {"X-Amz-Algorithm", std::string(kAlgorithm)},
      {"X-Amz-Credential", credentials.access_key_id + "/" + CredentialScope(scope)},
      {"X-Amz-Date", FormatAmzDate(scope.time)},
      {"X-Amz-Expires", std::to_string(expires.count())},
      {"X-Amz-SignedHeaders", signed_headers},
  };
  if (!credentials.session_token.empty()) auth.emplace_back("X-Amz-Security-Token", credentials.session_token);
  QueryParams query = request.query;
  query.insert(query.end(), auth.begin(), auth.end());
  std::string payload_hash = IsS3(scope) ? std::string(kUnsignedPayload)
                             : request.payload_hash.empty() ? std::string(kEmptySha256)
                                                            : request.payload_hash;
  Canonical canonical = CanonicalRequest(request, query, request.headers, payload_hash, scope);
  auth.emplace_back("X-Amz-Signature",
                    SignatureOf(StringToSign(canonical.request, scope), credentials, scope));
  return auth;
}

}  // namespace adxm
