// Clang thread-safety annotations (-Wthread-safety) and an annotated mutex. Under GCC the macros
// expand to nothing; clang builds check that members marked ADXM_GUARDED_BY(mu) are only touched
// with `mu` held.
//
// Thread-safety: Mutex is a std::mutex.
// Example:
//   Mutex mu_;
//   int count_ ADXM_GUARDED_BY(mu_) = 0;
//   void Add() { MutexLock lock(&mu_); ++count_; }
#pragma once

#include <mutex>

#if defined(__clang__)
#define ADXM_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define ADXM_THREAD_ANNOTATION(x)
#endif

#define ADXM_CAPABILITY(x) ADXM_THREAD_ANNOTATION(capability(x))
#define ADXM_SCOPED_CAPABILITY ADXM_THREAD_ANNOTATION(scoped_lockable)
#define ADXM_GUARDED_BY(x) ADXM_THREAD_ANNOTATION(guarded_by(x))
#define ADXM_REQUIRES(...) ADXM_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define ADXM_ACQUIRE(...) ADXM_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ADXM_RELEASE(...) ADXM_THREAD_ANNOTATION(release_capability(__VA_ARGS__))

namespace adxm {

/// A std::mutex the thread-safety analysis knows as a capability.
class ADXM_CAPABILITY("mutex") Mutex {
 public:
  void lock() ADXM_ACQUIRE() { mu_.lock(); }
  void unlock() ADXM_RELEASE() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

/// Holds a Mutex for its scope; unlock()/lock() let a condition variable wait on it.
class ADXM_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ADXM_ACQUIRE(mu) : mu_(mu) { mu_->lock(); }
  ~MutexLock() ADXM_RELEASE() {
    if (locked_) mu_->unlock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void lock() ADXM_ACQUIRE() {
    mu_->lock();
    locked_ = true;
  }
  void unlock() ADXM_RELEASE() {
    mu_->unlock();
    locked_ = false;
  }

 private:
  Mutex* mu_;
  bool locked_ = true;
};

}  // namespace adxm
