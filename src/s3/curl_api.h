// libcurl, loaded when first needed: libcurl.so.4 and the ~30 libraries it depends on (TLS,
// Kerberos, LDAP, HTTP/2, IDN, ...) are opened with dlopen the first time a run makes an HTTP
// request (an S3 source or warehouse, credentials from STS or instance metadata), not at program
// start, where loading and relocating them cost ~6 ms of every run, local ones included.
//
// Calls go through the table: `curl->easy_setopt(handle, CURLOPT_URL, url)` calls
// curl_easy_setopt. A function not listed in ADXM_CURL_FUNCTIONS is not linked: calling it
// directly fails at link time.
//
// Thread-safety: the first successful LoadCurl() loads the library and runs curl_global_init under
// a mutex (a failed load is retried by the next caller); the table is immutable after.
#pragma once

#include <curl/curl.h>

#include "base/status.h"

// Every libcurl function adxmetrics calls, without its "curl_" prefix (sorted).
#define ADXM_CURL_FUNCTIONS(X) \
  X(easy_cleanup)              \
  X(easy_getinfo)              \
  X(easy_init)                 \
  X(easy_perform)              \
  X(easy_reset)                \
  X(easy_setopt)               \
  X(easy_strerror)             \
  X(global_init)               \
  X(slist_append)              \
  X(slist_free_all)

namespace adxm {

/// Pointers to libcurl's functions, each named as its curl_ function without the prefix.
struct CurlFunctions {
#define ADXM_CURL_MEMBER(name) decltype(&::curl_##name) name = nullptr;
  ADXM_CURL_FUNCTIONS(ADXM_CURL_MEMBER)
#undef ADXM_CURL_MEMBER
};

/// Load libcurl and initialise it (once per process); an error names the library and why.
Result<const CurlFunctions*> LoadCurl();

}  // namespace adxm
