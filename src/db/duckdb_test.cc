#include "db/duckdb.h"

#include <gtest/gtest.h>

namespace adxm {
namespace {

TEST(DuckDbTest, QueryAndFetchChunks) {
  auto db = Database::Open();
  ASSERT_TRUE(db.ok());
  auto conn = (*db)->Connect();
  ASSERT_TRUE(conn.ok());
  auto result = (*conn)->Query("SELECT range AS n FROM range(5000)");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  int64_t sum = 0, rows = 0;
  for (DataChunk chunk = result->Fetch(); chunk.valid(); chunk = result->Fetch()) {
    auto* data = static_cast<int64_t*>(duckdb_vector_get_data(chunk.column(0)));
    for (size_t row = 0; row < chunk.size(); ++row) sum += data[row];
    rows += static_cast<int64_t>(chunk.size());
  }
  EXPECT_EQ(rows, 5000);
  EXPECT_EQ(sum, 4999 * 5000 / 2);
}

TEST(DuckDbTest, BadSqlReportsTheError) {
  auto db = Database::Open();
  auto conn = (*db)->Connect();
  auto result = (*conn)->Query("SELEC 1");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("syntax error"), std::string::npos);
}

TEST(DuckDbTest, PrepareAllSplitsStatementsAndReportsTypes) {
  auto db = Database::Open();
  auto conn = (*db)->Connect();
  auto statements = (*conn)->PrepareAll("SELECT 1; CREATE TABLE t (a INT)");
  ASSERT_TRUE(statements.ok()) << statements.status().ToString();
  ASSERT_EQ(statements->size(), 2u);
  EXPECT_EQ((*statements)[0]->type(), DUCKDB_STATEMENT_TYPE_SELECT);
  EXPECT_EQ((*statements)[1]->type(), DUCKDB_STATEMENT_TYPE_CREATE);
}

TEST(DuckDbTest, SqlQuoteDoublesQuotes) { EXPECT_EQ(SqlQuote("it's"), "'it''s'"); }

}  // namespace
}  // namespace adxm
