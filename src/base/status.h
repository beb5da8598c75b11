// Status and Result<T>: how fallible functions report errors (abseil/Arrow style).
//
// Thread-safety: values; safe to copy between threads.
// Example:
//   Result<std::string> data = ReadFile(path);
//   if (!data.ok()) return data.status();
//   ADXM_ASSIGN_OR_RETURN(auto rows, Parse(*data));
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace adxm {

/// Canonical error codes.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kCorruption,
  kIoError,
  kUnavailable,
  kPermissionDenied,
  kInternal,
};

/// Return the code's name, e.g. "Corruption".
std::string_view StatusCodeName(StatusCode code);

/// The outcome of an operation: OK, or a code with a message naming the object and the operation.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IoError(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) { return {StatusCode::kPermissionDenied, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  /// Return "Code: message", or "OK".
  std::string ToString() const;

  /// Return a copy whose message is prefixed with `context + ": "`.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

/// A value of type T, or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : state_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(state_).ok() && "Result constructed from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  Status status() const { return ok() ? Status::OK() : std::get<Status>(state_); }

  // Preconditions for the accessors: ok().
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> state_;
};

}  // namespace adxm

#define ADXM_CONCAT_INNER(a, b) a##b
#define ADXM_CONCAT(a, b) ADXM_CONCAT_INNER(a, b)

/// Return the Status of `expr` from the enclosing function if it is not OK.
#define ADXM_RETURN_IF_ERROR(expr)            \
  do {                                        \
    ::adxm::Status adxm_status_ = (expr);     \
    if (!adxm_status_.ok()) return adxm_status_; \
  } while (false)

#define ADXM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

/// Evaluate a Result-returning `expr`; on error return its Status, else assign the value to `lhs`.
#define ADXM_ASSIGN_OR_RETURN(lhs, expr) \
  ADXM_ASSIGN_OR_RETURN_IMPL(ADXM_CONCAT(adxm_result_, __LINE__), lhs, expr)
