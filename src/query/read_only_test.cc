#include "query/read_only.h"

#include <gtest/gtest.h>

#include <string>

#include "duckdb_fixture.h"

namespace adxm {
namespace {

class ReadOnlyTest : public testing::DuckDbTest {
 protected:
  // Prepare `sql` and apply the policy.
  Status Check(const std::string& sql) {
    auto statements = conn_->PrepareAll(sql);
    if (!statements.ok()) return statements.status().WithContext("prepare");
    return CheckReadOnly(conn_.get(), sql, *statements);
  }

};

TEST_F(ReadOnlyTest, SelectLikeStatementsPass) {
  for (const char* sql : {"SELECT 1", "FROM range(3)", "DESCRIBE SELECT 1 AS a", "SHOW TABLES",
                                 "SUMMARIZE SELECT 1 AS a", "PRAGMA version", "WITH t AS (SELECT 1) SELECT * FROM t",
                                 "EXPLAIN SELECT 1", "SELECT 1; SELECT 2"}) {
    Status status = Check(sql);
    EXPECT_TRUE(status.ok()) << sql << ": " << status.ToString();
  }
}

TEST_F(ReadOnlyTest, EveryOtherStatementTypeIsRefusedByName) {
  EXPECT_EQ(Check("CREATE TABLE t (a INT)").message(),
            "only read-only statements (SELECT, EXPLAIN, DESCRIBE, SHOW) are allowed; got CREATE");
  EXPECT_EQ(StatementTypeName(DUCKDB_STATEMENT_TYPE_COPY), "COPY");
  EXPECT_EQ(StatementTypeName(DUCKDB_STATEMENT_TYPE_ATTACH), "ATTACH");
  EXPECT_TRUE(CheckStatementType(DUCKDB_STATEMENT_TYPE_EXPLAIN).ok());
  for (duckdb_statement_type type : {DUCKDB_STATEMENT_TYPE_INSERT, DUCKDB_STATEMENT_TYPE_SET,
                                     DUCKDB_STATEMENT_TYPE_LOAD, DUCKDB_STATEMENT_TYPE_EXPORT,
                                     DUCKDB_STATEMENT_TYPE_CALL, DUCKDB_STATEMENT_TYPE_PRAGMA}) {
    EXPECT_NE(CheckStatementType(type).message().find(std::string("got ") + std::string(StatementTypeName(type))),
              std::string::npos);
  }
}

TEST_F(ReadOnlyTest, ExplainAnalyzePassesOnlyForASingleSelect) {
  EXPECT_TRUE(Check("EXPLAIN ANALYZE SELECT 1").ok());
  EXPECT_TRUE(Check("  explain\n analyse SELECT 1;").ok());
  EXPECT_TRUE(Check("EXPLAIN SELECT 'analysis'").ok());
  for (const char* sql :
       {"EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1", "EXPLAIN (ANALYZE) CREATE TABLE t AS SELECT 1",
        "EXPLAIN (\"analyze\") SELECT 1", "EXPLAIN /**/ ANALYZE SELECT 1", "/**/ EXPLAIN ANALYZE SELECT 1",
        "EXPLAIN ANALYZE/**/CREATE TABLE t AS SELECT 1", "SELECT 1; EXPLAIN ANALYZE SELECT 1"}) {
    Status status = Check(sql);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << sql;
  }
  // The refused EXPLAIN ANALYZE did not run its CREATE.
  EXPECT_FALSE(conn_->Execute("SELECT * FROM t").ok());
}

}  // namespace
}  // namespace adxm
