// Every output format prints every row of every value losslessly: random strings over all code
// points (control characters and NUL included, quotes, delimiters, line separators) come back
// equal through Python's csv and json modules (an independent parser); nested types are real
// JSON; huge integers stay exact; NaN and infinities are strings; duplicate column names keep
// every value; the human formats keep one line per row.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "dataset_checks.h"

namespace adxm::testing {
namespace {

namespace fs = std::filesystem;

void AppendUtf8(char32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    *out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    *out += static_cast<char>(0xC0 | (code_point >> 6));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    *out += static_cast<char>(0xE0 | (code_point >> 12));
    *out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (code_point >> 18));
    *out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// A random string over every kind of code point, weighted towards the troublesome ones.
std::string RandomValue(std::mt19937_64& rng) {
  static constexpr char32_t kSpecial[] = {',', '"', '\'', '|', '\\', '<', '&', '\r', '\n', 0, 0x7F, 0x85,
                                          0x2028, 0x2029, 0xFEFF, ' ', '\t', 0x1B};
  std::string out;
  size_t length = rng() % 25;
  for (size_t index = 0; index < length; ++index) {
    char32_t code_point = 0;
    switch (rng() % 6) {
      case 0: code_point = 0x20 + rng() % 0x5F; break;  // Printable ASCII.
      case 1: code_point = rng() % 0x20; break;          // C0 controls, NUL included.
      case 2: code_point = kSpecial[rng() % std::size(kSpecial)]; break;
      case 3: code_point = 0x80 + rng() % (0xD800 - 0x80); break;  // BMP below the surrogates.
      case 4: code_point = 0xE000 + rng() % (0x10000 - 0xE000); break;
      default: code_point = 0x10000 + rng() % (0x110000 - 0x10000); break;  // Astral planes.
    }
    AppendUtf8(code_point, &out);
  }
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : bytes) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 0xF];
  }
  return out;
}

// Parse `text` (csv or json) with Python's csv/json modules; return the rows as JSON objects.
nlohmann::json PythonParse(const fs::path& dir, const std::string& kind, const std::string& text) {
  fs::path data = dir / ("output." + kind);
  std::ofstream(data, std::ios::binary) << text;
  fs::path script = dir / "parse.py";
  std::ofstream(script) << "import csv, json, sys\n"
                           "kind, path = sys.argv[1], sys.argv[2]\n"
                           "with open(path, newline='', encoding='utf-8') as f:\n"
                           "    if kind == 'csv':\n"
                           "        rows = list(csv.reader(f))\n"
                           "        out = [dict(zip(rows[0], row)) for row in rows[1:]]\n"
                           "    else:\n"
                           "        out = json.load(f)\n"
                           "json.dump(out, sys.stdout, ensure_ascii=True)\n";
  CommandResult run = RunCommand({"python3", script.string(), kind, data.string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return run.exit_code == 0 ? nlohmann::json::parse(run.out) : nlohmann::json::array();
}

class OutputFormatsIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::create_directory(scratch_.path() / "empty"));
    CommandResult ingest = IngestCli(scratch_.path() / "empty", warehouse());
    ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  }
  fs::path warehouse() const { return scratch_.path() / "wh"; }
  CommandResult Query(const std::string& format, const std::string& sql) {
    return RunCli({"query", "--warehouse", warehouse().string(), "--format", format, sql});
  }

  ScratchDir scratch_;
};

TEST_F(OutputFormatsIntegrationTest, RandomStringsSurviveEveryFormat) {
  std::mt19937_64 rng(20231201);
  std::vector<std::string> values;
  std::string sql = "SELECT idx, decode(from_hex(h)) AS s, hex(decode(from_hex(h))) AS duck_hex FROM (VALUES ";
  for (int idx = 0; idx < 300; ++idx) {
    values.push_back(RandomValue(rng));
    sql += (idx > 0 ? ", (" : "(") + std::to_string(idx) + ", '" + Hex(values.back()) + "')";
  }
  sql += ") t(idx, h) ORDER BY idx";
  for (const std::string format : {"csv", "json"}) {
    CommandResult run = Query(format, sql);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    nlohmann::json rows = PythonParse(scratch_.path(), format, run.out);
    ASSERT_EQ(rows.size(), values.size()) << format;
    for (size_t idx = 0; idx < values.size(); ++idx) {
      std::string parsed = rows[idx]["s"].get<std::string>();
      EXPECT_EQ(parsed, values[idx]) << format << " row " << idx;
      EXPECT_EQ(Hex(parsed), rows[idx]["duck_hex"].get<std::string>()) << format << " row " << idx << " vs DuckDB";
    }
  }
  // The human formats: one line per row, none lost, no raw control character.
  CommandResult table = Query("table", sql);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(std::count(table.out.begin(), table.out.end(), '\n'), 300 + 5);
  EXPECT_NE(table.out.find("\n300 rows\n"), std::string::npos);
  CommandResult markdown = Query("markdown", sql);
  ASSERT_EQ(markdown.exit_code, 0) << markdown.err;
  EXPECT_EQ(std::count(markdown.out.begin(), markdown.out.end(), '\n'), 300 + 2);
  for (const std::string* out : {&table.out, &markdown.out}) {
    EXPECT_EQ(std::count_if(out->begin(), out->end(), [](char c) {
                auto byte = static_cast<unsigned char>(c);
                return (byte < 0x20 && c != '\n') || byte == 0x7F;
              }), 0);
  }
}

TEST_F(OutputFormatsIntegrationTest, AValueWithNulDoesNotCutTheOutput) {
  for (const std::string format : {"table", "csv", "json", "markdown"}) {
    CommandResult run = Query(format, "SELECT 'a' || chr(0) || 'b' AS v UNION ALL SELECT 'last-row' ORDER BY v DESC");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("last-row"), std::string::npos) << format;
  }
  CommandResult csv = Query("csv", "SELECT 'a' || chr(0) || 'b' AS v");
  EXPECT_EQ(csv.out, std::string("v\r\n\"a\0b\"\r\n", 10));
  EXPECT_NE(Query("table", "SELECT 'a' || chr(0) || 'b' AS v").out.find("a\\x00b"), std::string::npos);
}

TEST_F(OutputFormatsIntegrationTest, JsonIsRealJsonForNestedTypesHugeIntegersNanAndDuplicateNames) {
  CommandResult run = Query(
      "json",
      "SELECT 9007199254740993::BIGINT AS big, (-170141183460469231731687303715884105727)::HUGEINT AS huge, "
      "18446744073709551615::UBIGINT AS ubig, 'nan'::DOUBLE AS nan, 'inf'::DOUBLE AS inf, '-inf'::DOUBLE AS ninf, "
      "1.5::DOUBLE AS d, 123456789012345678.90::DECIMAL(38,2) AS dec, "
      "{'a': 1, 'b': [1, 2, NULL], 'c': {'d': 'x\"y'}} AS st, [[1], [2, 3]] AS li, MAP {'k': 1, 'k2': 2} AS m, "
      "1 AS dup, 2 AS dup, [1.5, 'nan'::DOUBLE] AS fl, NULL AS n, true AS b, ['a,b', NULL] AS strs");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  fs::path script = scratch_.path() / "canonical.py";
  // Decimals as their text: Python's float would round them.
  std::ofstream(script) << "import json, sys\n"
                           "print(json.dumps(json.load(sys.stdin, parse_float=str)))\n";
  CommandResult canonical = RunCommand({"python3", script.string()}, run.out);
  ASSERT_EQ(canonical.exit_code, 0) << canonical.err << run.out;
  EXPECT_EQ(canonical.out,
            R"([{"big": 9007199254740993, "huge": -170141183460469231731687303715884105727, )"
            R"("ubig": 18446744073709551615, "nan": "nan", "inf": "inf", "ninf": "-inf", "d": "1.5", )"
            R"("dec": "123456789012345678.90", "st": {"a": 1, "b": [1, 2, null], "c": {"d": "x\"y"}}, )"
            R"("li": [[1], [2, 3]], "m": {"k": 1, "k2": 2}, "dup": 1, "dup_1": 2, "fl": ["1.5", "nan"], )"
            R"("n": null, "b": true, "strs": ["a,b", null]}])"
            "\n");
}

}  // namespace
}  // namespace adxm::testing
