// libFuzzer target: the JSON codecs (stored todos, query strings, cursors).
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/domain/query.hpp"
#include "actors/domain/todo.hpp"
#include "io/codec/cursor.hpp"
#include "web/http_types.hpp"

using namespace actodo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text{reinterpret_cast<const char*>(data), size};
  // Stored todos: decode, encode, decode again: the same todo.
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_discarded()) {
    try {
      auto t = actors::domain::todo_from_json(doc);
      auto again = actors::domain::todo_from_json(actors::domain::to_json(t));
      if (!(again == t))
        __builtin_trap();
    } catch (const nlohmann::json::exception&) {
      // Untrusted input may be refused.
    }
  }
  // Query strings (cursor included) against a few todos.
  std::vector<std::pair<std::string, std::string>> params;
  if (!web::parse_query(text, params))
    return 0;
  actors::domain::query q;
  if (io::codec::decode_query(params, q))
    return 0;
  static std::vector<actors::domain::todo> todos = [] {
    std::vector<actors::domain::todo> xs(3);
    for (size_t i = 0; i < xs.size(); ++i) {
      xs[i].id = "t" + std::to_string(i);
      xs[i].title = "title " + std::to_string(i);
      // 2026-01-01 plus i days.
      xs[i].created_ms = 1767225600000 + static_cast<int64_t>(i) * 86400000;
      xs[i].updated_ms = xs[i].created_ms;
    }
    xs[1].due = "2026-02-01";
    xs[2].tags = {"a", "b"};
    return xs;
  }();
  std::vector<const actors::domain::todo*> ptrs;
  for (auto& t : todos)
    ptrs.push_back(&t);
  auto result = actors::domain::run_query(q, ptrs);
  if (auto pg = std::get_if<actors::domain::page>(&result))
    if (pg->items.size() > q.limit)
      __builtin_trap();
  return 0;
}
