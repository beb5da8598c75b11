#define ADXM_DUCKDB_API_IMPLEMENTATION
#include "db/duckdb_api.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

namespace adxm {
namespace {

struct Loaded {
  DuckDbFunctions functions;
  Status status;
};

// Open the library and resolve every function. A loaded library stays loaded for the life of the
// process (DuckDB's threads and static state are not meant to be unloaded).
Loaded Load() {
  Loaded loaded;
  // ADXM_DUCKDB_LIBRARY in the environment names the only file to try. Otherwise the library
  // scripts/bootstrap installed for this build (its header is the one compiled against), then the
  // loader's search (LD_LIBRARY_PATH, the binary's RUNPATH, system paths).
  std::vector<const char*> paths = {ADXM_DUCKDB_LIBRARY, "libduckdb.so"};
  const char* chosen = std::getenv("ADXM_DUCKDB_LIBRARY");
  if (chosen != nullptr && *chosen != '\0') paths = {chosen};
  std::string tried;
  void* handle = nullptr;
  const char* opened = nullptr;
  for (const char* path : paths) {
    handle = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (handle != nullptr) {
      opened = path;
      break;
    }
    const char* why = dlerror();
    tried += std::string(tried.empty() ? "" : "; ") + (why != nullptr ? why : path);
  }
  if (handle == nullptr) {
    loaded.status = Status::IoError(
        "cannot load DuckDB (" + tried + ")" +
        (paths.size() == 1 ? "; ADXM_DUCKDB_LIBRARY names it" : "; scripts/bootstrap installs it"));
    return loaded;
  }
  std::vector<const char*> missing;
#define ADXM_DUCKDB_RESOLVE(name)                                                    \
  loaded.functions.name = reinterpret_cast<decltype(&::name)>(dlsym(handle, #name)); \
  if (loaded.functions.name == nullptr) missing.push_back(#name);
  ADXM_DUCKDB_FUNCTIONS(ADXM_DUCKDB_RESOLVE)
#undef ADXM_DUCKDB_RESOLVE
  if (!missing.empty()) {
    loaded.status = Status::IoError("DuckDB library " + std::string(opened) + " lacks " +
                                    std::to_string(missing.size()) +
                                    " C API functions this build calls (not DuckDB, or another version?), e.g. " +
                                    missing.front());
    dlclose(handle);
  }
  return loaded;
}

// The loaded library: set once, by the first successful load. A failed load is not kept (a
// long-running `serve` retries on its next query: the failure may be passing, such as no file
// descriptors left).
std::mutex load_mu;
std::atomic<const DuckDbFunctions*> loaded_functions{nullptr};

}  // namespace

Status LoadDuckDb() {
  if (loaded_functions.load(std::memory_order_acquire) != nullptr) return Status::OK();
  std::lock_guard<std::mutex> lock(load_mu);
  if (loaded_functions.load(std::memory_order_relaxed) != nullptr) return Status::OK();
  Loaded loaded = Load();
  if (!loaded.status.ok()) return loaded.status;
  loaded_functions.store(new DuckDbFunctions(loaded.functions), std::memory_order_release);  // Never freed.
  return Status::OK();
}

namespace internal {

const DuckDbFunctions& LoadDuckDbOrDie() {
  Status status = LoadDuckDb();
  if (!status.ok()) {
    std::fprintf(stderr, "adxmetrics: %s\n", status.ToString().c_str());
    std::abort();
  }
  return *loaded_functions.load(std::memory_order_acquire);
}

}  // namespace internal
}  // namespace adxm
