// docs/s3.md's minimal IAM policy names every S3 action the code calls: the actions are read from
// the client's source (each request names the action it needs, for its 403 message), the policy
// from the JSON block of the document.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "test_util.h"

namespace adxm::testing {
namespace {

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every "s3:Action" string literal in `source`.
std::set<std::string> ActionsIn(const std::string& source) {
  std::set<std::string> actions;
  static const std::regex kAction("\"(s3:[A-Za-z]+)\"");
  for (auto it = std::sregex_iterator(source.begin(), source.end(), kAction); it != std::sregex_iterator(); ++it) {
    actions.insert((*it)[1]);
  }
  return actions;
}

TEST(S3PolicyDocTest, PolicyNamesEveryActionTheCodeCalls) {
  const std::string doc = ReadText(SourceDir() / "docs" / "s3.md");
  const size_t begin = doc.find("```json\n");
  ASSERT_NE(begin, std::string::npos) << "docs/s3.md has no JSON policy block";
  const size_t end = doc.find("```", begin + 8);
  const auto policy = nlohmann::json::parse(doc.substr(begin + 8, end - begin - 8), nullptr, false);
  ASSERT_TRUE(policy.is_object()) << "the policy block is not valid JSON";
  ASSERT_EQ(policy.value("Version", ""), "2012-10-17");
  std::set<std::string> allowed;
  for (const auto& statement : policy.at("Statement")) {
    ASSERT_EQ(statement.value("Effect", ""), "Allow");
    for (const auto& action : statement.at("Action")) allowed.insert(action.get<std::string>());
  }
  const std::set<std::string> called = ActionsIn(ReadText(SourceDir() / "src" / "s3" / "s3_client.cc"));
  ASSERT_GE(called.size(), 4u) << "the client's actions were not found";
  for (const std::string& action : called) EXPECT_EQ(allowed.count(action), 1u) << action << " is not in the policy";
  // And nothing beyond what is called: the policy is minimal.
  for (const std::string& action : allowed) EXPECT_EQ(called.count(action), 1u) << action << " is never called";
}

}  // namespace
}  // namespace adxm::testing
