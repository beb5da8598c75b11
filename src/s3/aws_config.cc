#include "s3/aws_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace adxm {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// Return the profile a section header names, or "" when the section is not a profile.
std::string ProfileOfSection(std::string_view section, bool config_file) {
  section = Trim(section);
  if (!config_file) return std::string(section);
  if (section == "default") return "default";
  if (section.rfind("profile", 0) == 0 && section.size() > 7 && (section[7] == ' ' || section[7] == '\t')) {
    return std::string(Trim(section.substr(8)));
  }
  return "";  // [sso-session x], [services x]: not profiles.
}

Result<std::string> ReadOptionalFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT || errno == ENOTDIR) return std::string();
    return Status::IoError(path.string() + ": cannot open: " + std::strerror(errno));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

Result<std::map<std::string, ProfileSettings, std::less<>>> ParseAwsIni(std::string_view text, bool config_file,
                                                                        std::string_view origin) {
  std::map<std::string, ProfileSettings, std::less<>> profiles;
  ProfileSettings* current = nullptr;  // Null: outside any profile section.
  int line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    std::string_view line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (raw[0] == ' ' || raw[0] == '\t') continue;  // A nested setting's continuation.
    if (line.front() == '[') {
      if (line.back() != ']') {
        return Status::InvalidArgument(std::string(origin) + ":" + std::to_string(line_number) + ": unterminated section header");
      }
      std::string profile = ProfileOfSection(line.substr(1, line.size() - 2), config_file);
      current = profile.empty() ? nullptr : &profiles[profile];
      continue;
    }
    const size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      return Status::InvalidArgument(std::string(origin) + ":" + std::to_string(line_number) +
                                     ": expected 'name = value' or a [section]");
    }
    if (current != nullptr) {
      (*current)[Lower(Trim(line.substr(0, equals)))] = std::string(Trim(line.substr(equals + 1)));
    }
  }
  return profiles;
}

std::string Setting(const ProfileSettings& settings, std::string_view name) {
  auto it = settings.find(name);
  return it == settings.end() ? "" : it->second;
}

Result<AwsConfigFiles> AwsConfigFiles::Load(const std::filesystem::path& credentials_path,
                                            const std::filesystem::path& config_path) {
  AwsConfigFiles files;
  ADXM_ASSIGN_OR_RETURN(std::string config_text, ReadOptionalFile(config_path));
  ADXM_ASSIGN_OR_RETURN(files.merged_, ParseAwsIni(config_text, true, config_path.string()));
  ADXM_ASSIGN_OR_RETURN(std::string credentials_text, ReadOptionalFile(credentials_path));
  ADXM_ASSIGN_OR_RETURN(files.credentials_file_, ParseAwsIni(credentials_text, false, credentials_path.string()));
  for (const auto& [profile, settings] : files.credentials_file_) {
    for (const auto& [name, value] : settings) files.merged_[profile][name] = value;  // Credentials file wins.
  }
  return files;
}

const ProfileSettings* AwsConfigFiles::Find(std::string_view profile) const {
  auto it = merged_.find(profile);
  return it == merged_.end() ? nullptr : &it->second;
}

const ProfileSettings* AwsConfigFiles::FindInCredentialsFile(std::string_view profile) const {
  auto it = credentials_file_.find(profile);
  return it == credentials_file_.end() ? nullptr : &it->second;
}

}  // namespace adxm
