#include "s3/http.h"

#include <algorithm>
#include <cstdint>

#include "s3/curl_api.h"

namespace adxm {
namespace {

// RAII for the request's header list.
struct HeaderList {
  const CurlFunctions* curl;
  curl_slist* list = nullptr;
  ~HeaderList() { curl->slist_free_all(list); }
};

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

size_t CollectHeader(char* data, size_t size, size_t count, void* out) {
  auto* response = static_cast<HttpResponse*>(out);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();  // A new response (after 100 Continue or a redirect).
    return size * count;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  response->headers.emplace_back(std::move(name), std::string(value));
  return size * count;
}

}  // namespace

std::string HttpResponse::Header(std::string_view lowercase_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lowercase_name) return value;
  }
  return "";
}

Result<std::unique_ptr<HttpClient>> HttpClient::Make() {
  ADXM_ASSIGN_OR_RETURN(const CurlFunctions* curl, LoadCurl());
  CURL* handle = curl->easy_init();
  if (handle == nullptr) return Status::Internal("libcurl: cannot create a handle");
  return std::unique_ptr<HttpClient>(new HttpClient(curl, handle));
}

HttpClient::~HttpClient() { curl_->easy_cleanup(static_cast<CURL*>(handle_)); }

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  const CurlFunctions& curl = *curl_;
  CURL* handle = static_cast<CURL*>(handle_);
  curl.easy_reset(handle);  // Keeps the connection cache; clears every option of the last request.
  HttpResponse response;
  HeaderList headers{&curl};
  for (const auto& [name, value] : request.headers) {
    headers.list = curl.slist_append(headers.list, (name + ": " + value).c_str());
  }
  // curl would otherwise send "Expect: 100-continue" for larger bodies and "Accept: */*".
  headers.list = curl.slist_append(headers.list, "Expect:");
  headers.list = curl.slist_append(headers.list, "Accept:");
  curl.easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl.easy_setopt(handle, CURLOPT_HTTPHEADER, headers.list);
  curl.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  curl.easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_write_callback append_body = AppendBody;  // Variadic: pass exactly the types curl reads.
  curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, append_body);
  if (request.body_out != nullptr) request.body_out->clear();
  curl.easy_setopt(handle, CURLOPT_WRITEDATA, request.body_out != nullptr ? request.body_out : &response.body);
  if (request.stall_timeout.count() > 0) {
    curl.easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl.easy_setopt(handle, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(std::max<int64_t>(1, request.stall_timeout.count() / 1000)));
  }
  curl_write_callback collect_header = CollectHeader;
  curl.easy_setopt(handle, CURLOPT_HEADERFUNCTION, collect_header);
  curl.easy_setopt(handle, CURLOPT_HEADERDATA, &response);
  if (request.method == "HEAD") {
    curl.easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || !request.body.empty()) {
    curl.easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl.easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
    curl.easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  const CURLcode code = curl.easy_perform(handle);
  if (code != CURLE_OK) {
    return Status::Unavailable(request.method + " " + request.url + ": " + curl.easy_strerror(code));
  }
  curl.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace adxm
