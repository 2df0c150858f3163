#pragma once

// The fixture of the query tests: todos in a deque, queries decoded as the
// edge decodes them, pages walked through the cursor.

#include <algorithm>
#include <deque>
#include <gtest/gtest.h>
#include <map>
#include <stdexcept>

#include "actors/domain/query.hpp"
#include "actors/domain/text.hpp"
#include "io/codec/cursor.hpp"

using namespace actodo::actors::domain;
using actodo::io::codec::decode_cursor;
using actodo::io::codec::decode_query;
using actodo::io::codec::encode_cursor;

namespace {

using params = std::vector<std::pair<std::string, std::string>>;

struct run_query_tests : ::testing::Test {
  std::deque<todo> store;

  todo& add(std::string id) {
    auto& x = store.emplace_back();
    x.id = std::move(id);
    x.title = "todo " + x.id;
    x.created_ms = 1767225600000; // 2026-01-01T00:00:00.000Z
    x.updated_ms = x.created_ms;
    return x;
  }

  std::vector<const todo*> all() const {
    std::vector<const todo*> result;
    for (auto& x : store)
      result.push_back(&x);
    return result;
  }

  query make_query(const params& xs) {
    query q;
    auto err = decode_query(xs, q);
    if (err) {
      // FAIL() only works in void functions: record, then end the test.
      ADD_FAILURE() << "bad test query: " << err->field << ": " << err->detail;
      throw std::runtime_error("bad test query");
    }
    return q;
  }

  page run(const query& q) {
    auto res = run_query(q, all());
    if (auto err = std::get_if<field_error>(&res)) {
      ADD_FAILURE() << "query failed: " << err->field << ": " << err->detail;
      throw std::runtime_error("query failed");
    }
    return std::get<page>(std::move(res));
  }

  /// Runs a query and returns the ids of the first page, comma-separated.
  std::string ids(const params& xs) {
    std::string result;
    for (auto ptr : run(make_query(xs)).items) {
      if (!result.empty())
        result += ',';
      result += ptr->id;
    }
    return result;
  }

  /// Walks all pages with the given limit and returns all ids in order.
  std::vector<std::string> walk(params xs, size_t limit, size_t& pages) {
    xs.emplace_back("limit", std::to_string(limit));
    auto q = make_query(xs);
    std::vector<std::string> result;
    pages = 0;
    for (;;) {
      auto pg = run(q);
      ++pages;
      EXPECT_LE(pg.items.size(), limit);
      for (auto ptr : pg.items)
        result.push_back(ptr->id.str());
      if (!pg.next)
        break;
      EXPECT_EQ(pg.items.size(), limit);
      // Through the edge's cursor, as a client pages.
      sort_values pos;
      if (auto err = decode_cursor(encode_cursor(q.sort, *pg.next), q.sort,
                                   pos)) {
        ADD_FAILURE() << "cursor does not round-trip: " << *err;
        throw std::runtime_error("cursor does not round-trip");
      }
      q.after = std::move(pos);
      if (pages > 1000) {
        ADD_FAILURE() << "pagination does not terminate";
        throw std::runtime_error("pagination does not terminate");
      }
    }
    return result;
  }

  /// Adds `n` todos with many duplicate sort values.
  void populate(size_t n) {
    for (size_t i = 0; i < n; ++i) {
      auto id = std::to_string(1000 + (i * 7919) % 9000); // scrambled ids
      auto& x = add(id);
      x.prio = static_cast<priority>(i % 5);
      x.completed = i % 3 == 0;
      x.order = static_cast<double>(i % 4) / 2;
      x.title = (i % 2 ? "Task " : "task ") + std::to_string(i % 6);
      if (i % 4 != 0)
        x.due = "2026-03-0" + std::to_string(1 + i % 3);
      // 2026-01-01 plus 0-4 days; 2026-02-01 plus 0-1 days.
      x.created_ms = 1767225600000 + static_cast<int64_t>(i % 5) * 86400000;
      x.updated_ms = 1769904000000 + static_cast<int64_t>(i % 2) * 86400000;
    }
  }
};

} // namespace
