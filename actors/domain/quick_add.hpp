#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/domain/validation.hpp"

/// "Quick add": one line of English such as `pay rent every month on the 1st
/// at 9am #home !high` turned into the body of a new todo. The grammar and
/// its resolution rules are in docs/quick-add.md.
namespace actodo::actors::domain {

/// A project a `+name` may refer to.
struct project_ref {
  std::string id;
  std::string name;
};

/// A recognised part of the text: code-point offsets, `end` exclusive.
struct quick_add_span {
  size_t start = 0;
  size_t end = 0;
  /// `date`, `time`, `recurrence`, `tag`, `project`, `priority` or
  /// `reminder`.
  std::string kind;
};

/// Compares all members.
inline bool operator==(const quick_add_span& x, const quick_add_span& y) {
  return x.start == y.start && x.end == y.end && x.kind == y.kind;
}

struct quick_add_result {
  /// The create body the text stands for, exactly what POST /api/v1/todos
  /// would get: "title" always; "due", "time_zone", "tags", "priority",
  /// "recurrence" ({"rrule": ...}), "reminders" ([{"offset": "-PT15M"}]),
  /// "project_id" only when recognised.
  nlohmann::json todo;
  /// In text order, not overlapping.
  std::vector<quick_add_span> spans;
};

/// Parses `text` (UTF-8) as of `now_ms` (ms since the epoch) in the IANA
/// zone `zone` (empty = UTC). Returns a field_error {"text", ...} when the
/// text is blank, over max_title_length code points, or nothing is left for
/// the title, and {"time_zone", ...} when `zone` is not an IANA zone.
std::variant<quick_add_result, field_error>
parse_quick_add(std::string_view text, std::string_view zone, int64_t now_ms,
                const std::vector<project_ref>& projects);

} // namespace actodo::actors::domain
