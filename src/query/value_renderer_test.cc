#include "query/value_renderer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "query/query_table.h"
#include "query/value_text.h"

namespace adxm {
namespace {

// Each query yields a column `v`; DuckDB's own CAST(v AS VARCHAR) and typeof(v) are the oracle.
const std::vector<std::string> kQueries = {
    "SELECT true AS v", "SELECT false AS v", "SELECT NULL::INT AS v",
    "SELECT (-128)::TINYINT AS v", "SELECT (-32768)::SMALLINT AS v", "SELECT (-2147483648)::INTEGER AS v",
    "SELECT (-9223372036854775808)::BIGINT AS v", "SELECT 255::UTINYINT AS v", "SELECT 65535::USMALLINT AS v",
    "SELECT 4294967295::UINTEGER AS v", "SELECT 18446744073709551615::UBIGINT AS v",
    "SELECT 170141183460469231731687303715884105727::HUGEINT AS v",
    "SELECT (-170141183460469231731687303715884105727 - 1)::HUGEINT AS v",
    "SELECT 340282366920938463463374607431768211455::UHUGEINT AS v",
    "SELECT unnest([1.0, 0.1, 1e20, 1e-7, 1e-5, 0.0001, 123456789.123, 1e15, 1e16, -0.0, 1.5e300, -2.5,"
    " 'inf', '-inf', 'nan'])::DOUBLE AS v",
    "SELECT 1/3 AS v", "SELECT unnest([0.1, 3.4e38, 16777216, 1e15, 1e16, -1.25])::FLOAT AS v",
    "SELECT unnest([3.14, -0.05, 0, 12.5])::DECIMAL(4,2) AS v", "SELECT (-1234567.891)::DECIMAL(10,3) AS v",
    "SELECT 123456789012.345678::DECIMAL(18,6) AS v", "SELECT (-12345678901234567890.123456789)::DECIMAL(38,9) AS v",
    "SELECT 42::DECIMAL(10,0) AS v", "SELECT 'plain' AS v", "SELECT 'ünïcødé ✓ 日本' AS v", "SELECT '' AS v",
    "SELECT unnest(['2023-05-01', '1970-01-01', '0001-01-01', '-0044-03-15', '20000-01-01', 'infinity',"
    " '-infinity'])::DATE AS v",
    "SELECT unnest(['2023-05-01 12:00:00', '2023-05-01 12:00:00.5', '1969-12-31 23:59:59.25',"
    " '0044-03-15 (BC) 01:02:03', 'infinity'])::TIMESTAMP AS v",
    "SELECT unnest(['2023-05-01 12:00:00+00', '2023-05-01 12:00:00.123+02', '-infinity'])::TIMESTAMPTZ AS v",
    "SELECT TIMESTAMP_S '2023-05-01 12:00:00' AS v", "SELECT TIMESTAMP_MS '2023-05-01 12:00:00.12' AS v",
    "SELECT unnest(['2023-05-01 12:00:00.123456789', '1969-12-31 23:59:59.000000001'])::TIMESTAMP_NS AS v",
    "SELECT unnest(['00:00:00', '12:34:56.5', '23:59:59.999999'])::TIME AS v",
    "SELECT unnest(['12:34:56+02', '12:34:56-05:30:15', '01:02:03.25+00'])::TIMETZ AS v",
    "SELECT INTERVAL '1 year 2 months 3 days 04:05:06.789' AS v", "SELECT INTERVAL 0 SECOND AS v",
    "SELECT INTERVAL (-1) DAY AS v", "SELECT INTERVAL (-13) MONTH AS v", "SELECT INTERVAL 100 HOUR AS v",
    "SELECT INTERVAL (-5) SECOND AS v", "SELECT INTERVAL '5 years' - INTERVAL 1 DAY AS v",
    "SELECT unnest(['12345678-1234-5678-1234-567812345678', '00000000-0000-0000-0000-000000000000',"
    " 'ffffffff-ffff-ffff-ffff-ffffffffffff'])::UUID AS v",
    "SELECT from_hex('27225C41007F20') AS v", "SELECT '0101'::BIT AS v", "SELECT bitstring('1010', 11) AS v",
    "SELECT unnest([0, 1, -1, 256, -12345678901234567890123])::VARINT AS v",
    "SELECT 'b c'::ENUM('a', 'b c', 'it''s') AS v", "SELECT '{\"a\": 1}'::JSON AS v",
    "SELECT ['a', 'b c', 'd,e', NULL, '', 'it''s', '[x]', ' lead', 'trail ', 'null', 'NULL', 'a\"b', 'a:b',"
    " '{}', 'a\\b', 'a\\''b', 'x=y', '(p)'] AS v",
    "SELECT [i, i + 1] AS v FROM range(4) t(i)", "SELECT [[1, 2], NULL, []] AS v",
    "SELECT CASE WHEN i % 2 = 0 THEN NULL ELSE ['r' || i] END AS v FROM range(5) t(i)",
    "SELECT {'k': 'v', 'n': 1, 'q': 'a b', 'z': NULL::VARCHAR, 'w': '', 'k k': 2, 'it''s': 'x,y'} AS v",
    "SELECT {'a': {'b': 'c d'}, 'l': [1.5, 2.0]} AS v", "SELECT [{'a': [1, 2]}, NULL] AS v",
    "SELECT MAP {'a': 1, 'b c': 2, 'x=y': 3} AS v", "SELECT MAP {'k': NULL, ' a': 'null'} AS v",
    "SELECT MAP {[1]: {'a': 1}} AS v", "SELECT [TIMESTAMP '2023-01-01 10:00:00', NULL] AS v",
    "SELECT [DATE '2023-01-01', DATE '-0044-03-15'] AS v", "SELECT [INTERVAL 1 DAY] AS v",
    "SELECT [from_hex('2C41')] AS v", "SELECT [1.5::DECIMAL(4,2)] AS v", "SELECT [0.1::FLOAT, 1e20] AS v",
    "SELECT ['b,c'::ENUM('a', 'b,c')] AS v", "SELECT [1, 2, 3]::INT[3] AS v",
    "SELECT [['a', 'b'], ['c,d', NULL]]::VARCHAR[2][] AS v", "SELECT ['c,d', '', NULL, 'null']::VARCHAR[4] AS v",
    "SELECT [{'a': 'x,y'}]::STRUCT(a VARCHAR)[1] AS v", "SELECT union_value(k := 'x,y') AS v",
    "SELECT [union_value(k := 'x,y')] AS v", "SELECT union_value(a := 1)::UNION(a INT, b VARCHAR) AS v",
    "SELECT {'select': 1, 'Ab': 2, '1a': 3} AS v",
};

// Read every row's `v` and `t`.
QueryTable ReadAll(Connection* conn, const std::string& sql) {
  auto result = conn->Query(sql);
  EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
  if (!result.ok()) return QueryTable();
  auto table = QueryTable::Read(&*result);
  EXPECT_TRUE(table.ok()) << sql << ": " << table.status().ToString();
  return table.ok() ? std::move(*table) : QueryTable();
}

TEST(ValueRendererTest, RendersEveryTypeAsDuckDbCastsItToVarchar) {
  auto db = Database::Open();
  ASSERT_TRUE(db.ok());
  auto conn = (*db)->Connect();
  ASSERT_TRUE(conn.ok());
  for (const std::string& query : kQueries) {
    QueryTable native = ReadAll(conn->get(), query);
    QueryTable oracle = ReadAll(conn->get(), "SELECT CAST(v AS VARCHAR) AS v, typeof(v) AS t FROM (" + query + ")");
    ASSERT_EQ(native.rows.size(), oracle.rows.size()) << query;
    ASSERT_FALSE(native.rows.empty()) << query;
    EXPECT_EQ(native.column_types[0], *oracle.rows[0][1]) << query;
    for (size_t row = 0; row < native.rows.size(); ++row) {
      EXPECT_EQ(native.rows[row][0], oracle.rows[row][0]) << query << " row " << row;
    }
  }
}

TEST(ValueRendererTest, ReadsValuesAcrossManyChunks) {
  auto db = Database::Open();
  auto conn = (*db)->Connect();
  QueryTable table = ReadAll(conn->get(), "SELECT range AS n, [range] AS l FROM range(5000)");
  ASSERT_EQ(table.rows.size(), 5000u);
  EXPECT_EQ(table.rows[4999][0], "4999");
  EXPECT_EQ(table.rows[4999][1], "[4999]");
  EXPECT_EQ(table.numeric, (std::vector<bool>{true, false}));
}

TEST(ValueRendererTest, FormatsNumbersLikeDuckDb) {
  EXPECT_EQ(FormatDouble(1.0), "1.0");
  EXPECT_EQ(FormatDouble(1e16), "1e+16");
  EXPECT_EQ(FormatDouble(1e-7), "1e-07");
  EXPECT_EQ(FormatDecimal(-5, 2), "-0.05");
  EXPECT_EQ(FormatDecimal(150, 2), "1.50");
  EXPECT_EQ(FormatInterval({14, -1, 3723000001}), "1 year 2 months -1 day 01:02:03.000001");
}

}  // namespace
}  // namespace adxm
