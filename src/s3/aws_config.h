// The AWS CLI's shared files: `credentials` ([name] sections) and `config` ([default] and
// [profile name] sections), read as the CLI reads them.
//
// A profile's settings merge both files; a key in the credentials file wins over the same key in
// the config file. Indented lines (nested settings such as "s3 =\n  addressing_style = path") are
// skipped; comments start with '#' or ';'. A missing file is an empty file.
// Thread-safety: values; const methods may be called from several threads.
// Example:
//   ADXM_ASSIGN_OR_RETURN(AwsConfigFiles files, AwsConfigFiles::Load(credentials_path, config_path));
//   if (const ProfileSettings* profile = files.Find("dev")) region = Setting(*profile, "region");
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "base/status.h"

namespace adxm {

/// One profile's settings, names lowercased ("aws_access_key_id", "role_arn", "region").
using ProfileSettings = std::map<std::string, std::string, std::less<>>;

/// Parse the INI text of a shared file into profiles. `config_file` selects the config file's
/// section names ("profile x" and "default"; others ignored) over the credentials file's ("x").
/// InvalidArgument (naming `origin` and the line number, never its content) for a line that is
/// neither a section, a setting, a comment nor blank.
Result<std::map<std::string, ProfileSettings, std::less<>>> ParseAwsIni(std::string_view text, bool config_file,
                                                                        std::string_view origin);

/// Return `name`'s value in `settings`, or "".
std::string Setting(const ProfileSettings& settings, std::string_view name);

/// Both shared files, parsed.
class AwsConfigFiles {
 public:
  /// Read both files; a missing file counts as empty.
  static Result<AwsConfigFiles> Load(const std::filesystem::path& credentials_path,
                                     const std::filesystem::path& config_path);

  /// Return `profile`'s merged settings, or nullptr when neither file has it.
  const ProfileSettings* Find(std::string_view profile) const;

  /// Return `profile`'s settings from the credentials file alone, or nullptr.
  const ProfileSettings* FindInCredentialsFile(std::string_view profile) const;

 private:
  std::map<std::string, ProfileSettings, std::less<>> merged_;
  std::map<std::string, ProfileSettings, std::less<>> credentials_file_;
};

}  // namespace adxm
