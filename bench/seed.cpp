// actodo_seed: writes todos into a data directory through the store's own
// code (`persistence::sqlite_store`, its migrations and `commit`), for the
// Python benchmarks that need more users than HTTP creates in reasonable
// time (bench/seeded.py).
//
// Usage: actodo_seed --data-dir=DIR [--sync=normal|full]
//                    [--rows-per-commit=N] < rows
//
// One todo a line: `user TAB todo-id TAB wake_at TAB json`, `wake_at` in ms
// since the epoch or -1 (no reminder). A user's lines come together: each
// run of lines of one user is one `user_batch`; a commit holds whole users,
// at least N (50,000) rows. Todos only, no events: users start at sequence 0.

#include <charconv>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "config/error.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_store.hpp"

namespace {

struct options {
  std::string data_dir;
  std::string sync = "normal";
  size_t rows_per_commit = 50'000;
};

bool parse(int argc, char** argv, options& opts) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg{argv[i]};
    auto value = [&](std::string_view name) {
      return arg.substr(0, name.size()) == name ? arg.substr(name.size())
                                                : std::string_view{};
    };
    if (auto v = value("--data-dir="); !v.empty())
      opts.data_dir = v;
    else if (auto v = value("--sync="); v == "normal" || v == "full")
      opts.sync = v;
    else if (auto v = value("--rows-per-commit="); !v.empty())
      std::from_chars(v.data(), v.data() + v.size(), opts.rows_per_commit);
    else
      return false;
  }
  return !opts.data_dir.empty() && opts.rows_per_commit > 0;
}

/// Splits `user TAB id TAB wake_at TAB json`; false when malformed.
bool parse_row(std::string_view line, std::string_view& user,
               actodo::persistence::todo_record& todo) {
  std::string_view parts[3];
  for (auto& part : parts) {
    auto tab = line.find('\t');
    if (tab == std::string_view::npos)
      return false;
    part = line.substr(0, tab);
    line.remove_prefix(tab + 1);
  }
  user = parts[0];
  todo.id = parts[1];
  auto [end, ec] = std::from_chars(
    parts[2].data(), parts[2].data() + parts[2].size(), todo.wake_at);
  todo.json = line;
  return ec == std::errc{} && end == parts[2].data() + parts[2].size()
         && !user.empty() && !todo.id.empty() && !todo.json.empty();
}

class seeder {
 public:
  seeder(actodo::persistence::store& store, size_t rows_per_commit)
    : store_(store), rows_per_commit_(rows_per_commit) {}

  bool add(std::string_view user, actodo::persistence::todo_record todo) {
    if (batches_.empty() || batches_.back().user_id != user) {
      if (rows_ >= rows_per_commit_ && !flush())
        return false;
      batches_.emplace_back();
      batches_.back().user_id = user;
      ++users_;
    }
    batches_.back().todos.push_back(std::move(todo));
    ++rows_;
    ++total_;
    return true;
  }

  bool flush() {
    if (auto err = store_.commit(batches_)) {
      std::cerr << "actodo_seed: " << actodo::describe(err) << '\n';
      return false;
    }
    batches_.clear();
    rows_ = 0;
    return true;
  }

  size_t users() const {
    return users_;
  }

  size_t total() const {
    return total_;
  }

 private:
  actodo::persistence::store& store_;
  size_t rows_per_commit_;
  std::vector<actodo::persistence::user_batch> batches_;
  size_t rows_ = 0;
  size_t users_ = 0;
  size_t total_ = 0;
};

} // namespace

int main(int argc, char** argv) {
  options opts;
  if (!parse(argc, argv, opts)) {
    std::cerr << "usage: actodo_seed --data-dir=DIR [--sync=normal|full] "
                 "[--rows-per-commit=N] < user TAB id TAB wake_at TAB json\n";
    return 2;
  }
  // Rows in place (no `todo_log`): the server starts with nothing waiting.
  auto store = actodo::persistence::sqlite_store::open(
    actodo::persistence::database_path(opts.data_dir), opts.sync, false, 2, 0);
  if (!store) {
    std::cerr << "actodo_seed: " << actodo::describe(store.error()) << '\n';
    return 1;
  }
  seeder seed{**store, opts.rows_per_commit};
  std::string line;
  for (size_t n = 1; std::getline(std::cin, line); ++n) {
    std::string_view user;
    actodo::persistence::todo_record todo;
    if (!parse_row(line, user, todo)) {
      std::cerr << "actodo_seed: line " << n << " is not "
                << "user TAB id TAB wake_at TAB json\n";
      return 1;
    }
    if (!seed.add(user, std::move(todo)))
      return 1;
  }
  if (!seed.flush())
    return 1;
  std::cerr << "actodo_seed: " << seed.total() << " todos of " << seed.users()
            << " users\n";
  return 0;
}
