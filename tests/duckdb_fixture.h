// DuckDbTest: a test fixture holding an in-memory DuckDB and one connection to it.
//
// Example:
//   class MyTest : public adxm::testing::DuckDbTest {};
//   TEST_F(MyTest, Reads) { ASSERT_TRUE(conn_->Execute("SELECT 1").ok()); }
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "db/duckdb.h"

namespace adxm::testing {

class DuckDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    auto conn = db_->Connect();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(*conn);
  }

  std::unique_ptr<Database> db_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace adxm::testing
