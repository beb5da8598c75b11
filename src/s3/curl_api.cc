#include "s3/curl_api.h"

#include <dlfcn.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace adxm {
namespace {

// The soname of libcurl's ABI since 2006 (curl 7.16 to 8.x), which the Debian package installs.
constexpr const char* kCurlLibrary = "libcurl.so.4";

Result<const CurlFunctions*> Load() {
  void* handle = dlopen(kCurlLibrary, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Status::IoError(std::string("cannot load libcurl, which S3 and HTTP access need (") +
                           (why != nullptr ? why : kCurlLibrary) + "); scripts/bootstrap installs it");
  }
  auto functions = std::make_unique<CurlFunctions>();
  std::vector<const char*> missing;
#define ADXM_CURL_RESOLVE(name)                                                                  \
  functions->name = reinterpret_cast<decltype(functions->name)>(dlsym(handle, "curl_" #name)); \
  if (functions->name == nullptr) missing.push_back("curl_" #name);
  ADXM_CURL_FUNCTIONS(ADXM_CURL_RESOLVE)
#undef ADXM_CURL_RESOLVE
  if (!missing.empty()) {
    dlclose(handle);
    return Status::IoError(std::string(kCurlLibrary) + " lacks " + missing.front() + " (not libcurl?)");
  }
  CURLcode code = functions->global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) {
    // The library stays open (it may be half initialised); the next caller tries again.
    return Status::Internal(std::string("libcurl initialisation failed: ") + functions->easy_strerror(code));
  }
  return functions.release();  // Never freed: libcurl stays loaded for the life of the process.
}

}  // namespace

Result<const CurlFunctions*> LoadCurl() {
  static std::mutex mu;
  static const CurlFunctions* loaded = nullptr;  // Guarded by mu; set by the first success.
  std::lock_guard<std::mutex> lock(mu);
  if (loaded == nullptr) {
    ADXM_ASSIGN_OR_RETURN(loaded, Load());
  }
  return loaded;
}

}  // namespace adxm
