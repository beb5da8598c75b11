#include "bench/process.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdlib>

#include "base/file_util.h"

namespace adxm {
namespace {

// In the child: wire stdout to `out_fd`, stderr to `stderr_path`, and exec. Never returns.
[[noreturn]] void ExecChild(const std::vector<std::string>& argv, int out_fd, const char* stderr_path) {
  int err_fd = ::open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (err_fd < 0 || ::dup2(out_fd, STDOUT_FILENO) < 0 || ::dup2(err_fd, STDERR_FILENO) < 0) ::_exit(126);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

// Read `fd` to its end into `out`.
void ReadAll(int fd, std::string* out) {
  char buffer[65536];
  for (;;) {
    ssize_t got = ::read(fd, buffer, sizeof(buffer));
    if (got > 0) {
      out->append(buffer, static_cast<size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      return;
    }
  }
}

Status ErrnoError(std::string_view what) {
  return Status::IoError(std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

Result<ProcessResult> RunProcess(const std::vector<std::string>& argv, const std::filesystem::path& stderr_path) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return ErrnoError("pipe");
  std::string err_path = stderr_path.string();
  auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid < 0) return ErrnoError("fork " + argv[0]);
  if (pid == 0) ExecChild(argv, pipe_fds[1], err_path.c_str());
  ::close(pipe_fds[1]);
  ProcessResult result;
  ReadAll(pipe_fds[0], &result.out);
  ::close(pipe_fds[0]);
  int status = 0;
  struct rusage usage {};
  while (::wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) return ErrnoError("wait4 " + argv[0]);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.max_rss_kib = usage.ru_maxrss;
  result.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

Result<ProcessResult> RunChecked(const std::vector<std::string>& argv, const std::filesystem::path& stderr_path) {
  ADXM_ASSIGN_OR_RETURN(ProcessResult result, RunProcess(argv, stderr_path));
  if (result.exit_code == 0) return result;
  std::string command;
  for (const std::string& arg : argv) command += (command.empty() ? "" : " ") + arg;
  auto err = ReadFile(stderr_path);
  std::string tail = err.ok() ? err->substr(err->size() > 2000 ? err->size() - 2000 : 0) : "";
  return Status::Internal(command + ": exit code " + std::to_string(result.exit_code) + "\n" + tail);
}

std::map<std::string, std::string> ParseKeyValues(std::string_view text) {
  std::map<std::string, std::string> values;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of(" \n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(pos, end - pos);
    size_t equals = word.find('=');
    if (equals != std::string_view::npos) values[std::string(word.substr(0, equals))] = word.substr(equals + 1);
    pos = end + 1;
  }
  return values;
}

double NumberOf(const std::map<std::string, std::string>& values, const std::string& key) {
  auto it = values.find(key);
  return it == values.end() ? 0 : std::strtod(it->second.c_str(), nullptr);
}

}  // namespace adxm
