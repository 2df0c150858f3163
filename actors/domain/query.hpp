#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "actors/domain/todo.hpp"
#include "actors/domain/validation.hpp"

namespace actodo::actors::domain {

/// One criterion of a sort order.
struct sort_key {
  enum field_t { due, priority, created_at, updated_at, order, title } field;
  bool descending = false;
};

/// Compares both members.
inline bool operator==(const sort_key& x, const sort_key& y) {
  return x.field == y.field && x.descending == y.descending;
}

/// Renders a sort order the way the `sort` parameter spells it, e.g.
/// `due,-priority`. An empty order renders as `created_at`, the default.
std::string format_sort(const std::vector<sort_key>& keys);

/// Largest accepted page size.
inline constexpr size_t max_query_limit = 500;

/// Page size if the client gives none.
inline constexpr size_t default_query_limit = 50;

/// The values of a todo that sorting looks at, plus the id as final
/// tie-breaker. Used for comparing todos and as the keyset position of a
/// page (the edge encodes it as an opaque cursor, io/codec/cursor.hpp).
struct sort_values {
  /// Parsed due date; nullopt if the todo has none (or it does not parse).
  std::optional<int64_t> due;
  priority prio = priority::none;
  /// Ms since the epoch (`todo::created_ms`, `todo::updated_ms`).
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  double order = 0;
  std::string title;
  /// `title` with ASCII letters folded to lower case.
  std::string title_folded;
  std::string id;
};

/// A parsed list request.
struct query {
  /// Only todos with this completion state.
  std::optional<bool> completed;
  /// Only todos with any of these priorities (all if empty).
  std::vector<priority> priorities;
  /// Only todos having all of these tags (ASCII case-insensitive).
  std::vector<std::string> tags;
  /// ASCII case-insensitive substring of title or notes (all if empty).
  std::string q;
  /// Only todos due strictly before this point in time (epoch ms). Todos
  /// without a due date never match.
  std::optional<int64_t> due_before;
  /// Only todos due at or after this point in time (epoch ms). Todos without
  /// a due date never match.
  std::optional<int64_t> due_after;
  /// Only todos in this project.
  std::optional<std::string> project;
  /// Only subtasks of this todo; an empty string: only root todos.
  std::optional<std::string> parent;
  /// Only archived (true) or only not archived (false, the default)
  /// todos; nullopt: both (exports).
  std::optional<bool> archived = false;
  /// Sort order; an empty vector means the default (created_at ascending).
  std::vector<sort_key> sort{sort_key{sort_key::created_at, false}};
  /// Page size, 1..max_query_limit.
  size_t limit = default_query_limit;
  /// Where the page starts: after the todo with these sort values (decoded
  /// from a client's cursor by the edge); nullopt for the first page.
  std::optional<sort_values> after;
};

/// Parses decoded query string pairs (in order; repeatable keys appear
/// several times) into `out`.
///
/// Keys: `completed` (`true`|`false`), `priority` (repeatable), `tag`
/// (repeatable, non-empty), `q`, `due_before`, `due_after` (RFC 3339 date or
/// date-time with offset), `project` (an id), `parent` (an id, or `null`
/// for root todos), `archived` (`true`: only archived todos; `false`, the
/// default: none of them), `sort` (comma list of `due`, `priority`,
/// `created_at`, `updated_at`, `order`, `title`, each optionally prefixed
/// with `-` for descending order; no duplicates) and `limit` (1..500). The
/// `cursor` is the edge's (io/codec/cursor.hpp). Unknown keys, repeating a
/// non-repeatable key and bad values yield a `field_error` naming the
/// parameter. `out` is only modified on success.
std::optional<field_error>
parse_query(const std::vector<std::pair<std::string, std::string>>& params,
            query& out);

/// One page of a query result.
struct page {
  /// Matching todos in sort order; they point into the input of
  /// `run_query`.
  std::vector<const todo*> items;
  /// The position of the last item when more follow (where the next page
  /// starts); nullopt on the last page.
  std::optional<sort_values> next;
};

/// A todo with its sort values, as whoever keeps the todos has them at hand
/// (`run_query` on plain todos computes them).
struct sortable {
  const todo* item;
  const sort_values* values;
};

/// Whether `x`, whose sort values are `vals`, passes every filter of `q`.
bool matches(const query& q, const todo& x, const sort_values& vals);

/// Filters, sorts and paginates `todos` (their values computed here).
///
/// Sorting uses the query's sort keys, then `id` ascending as a final
/// tie-breaker, making the order total. Priorities order as
/// none < low < medium < high < urgent. Due dates compare by their point in
/// time; todos without a due date sort after all others in ascending order
/// and before all others in descending order (a descending key reverses
/// that key only; the final `id` tie-breaker always stays ascending).
/// Titles compare ignoring ASCII case first, then byte-wise. Timestamps
/// (`created_at`, `updated_at`) compare as instants (ms since the epoch).
///
/// Pagination is keyset-based: a page starts after `q.after`, the sort
/// values plus id of the previous page's last item, so pages stay
/// consistent when todos are added or removed between calls.
std::variant<page, field_error>
run_query(const query& q, const std::vector<const todo*>& todos);

/// The same on todos whose sort values are known: no string is copied and
/// no due date parsed per query.
std::variant<page, field_error> run_query(const query& q,
                                          const std::vector<sortable>& todos);

} // namespace actodo::actors::domain
