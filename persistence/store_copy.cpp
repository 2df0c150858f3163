#include "persistence/store_copy.hpp"

#include <iostream>

#include "config/error.hpp"

namespace actodo::persistence {

namespace {

caf::error empty_target(table_rows& to) {
  for (auto& t : copied_tables()) {
    auto n = to.count(t);
    if (!n)
      return std::move(n.error());
    if (*n > 0)
      return caf::make_error(ec::conflict, "the target is not empty ("
                                             + std::to_string(*n) + " rows in "
                                             + t.name
                                             + "); copy only into a new store");
  }
  return caf::none;
}

caf::expected<int64_t> copy_table(const table_spec& t, table_rows& from,
                                  table_rows& to, int64_t page) {
  int64_t copied = 0;
  table_row after;
  for (;;) {
    auto rows = from.read(t, after, page);
    if (!rows)
      return std::move(rows.error());
    if (rows->empty())
      return copied;
    if (auto err = to.write(t, *rows))
      return err;
    copied += static_cast<int64_t>(rows->size());
    auto& last = rows->back();
    after.assign(last.begin(), last.begin() + t.key_size);
  }
}

caf::error mismatch(const std::string& what) {
  return caf::make_error(ec::store_failure, "verification failed: " + what);
}

} // namespace

caf::expected<copy_report> copy_store(table_rows& from, table_rows& to,
                                      int64_t page) {
  if (auto err = empty_target(to))
    return err;
  copy_report report;
  for (auto& t : copied_tables()) {
    auto n = copy_table(t, from, to, page);
    if (!n)
      return std::move(n.error());
    report.rows.emplace_back(t.name, *n);
  }
  for (auto& t : copied_tables()) {
    auto a = from.count(t);
    auto b = to.count(t);
    if (!a || !b)
      return a ? std::move(b.error()) : std::move(a.error());
    if (*a != *b)
      return mismatch(std::string{t.name} + " has " + std::to_string(*a)
                      + " rows in the source and " + std::to_string(*b)
                      + " in the target");
  }
  auto a = from.last_seqs();
  auto b = to.last_seqs();
  if (!a || !b)
    return a ? std::move(b.error()) : std::move(a.error());
  if (*a != *b)
    return mismatch("the users' last sequences differ");
  report.users = a->size();
  return report;
}

namespace {

constexpr const char* usage = "usage: actodo store copy --from=URI --to=URI\n"
                              "  URI: sqlite:PATH or "
                              "postgresql://user@host:port/db\n";

/// `--name=value` or `--name value`.
bool option(const std::vector<std::string>& args, size_t& i,
            const std::string& name, std::string& out) {
  auto flag = "--" + name;
  if (args[i].rfind(flag + "=", 0) == 0) {
    out = args[i].substr(flag.size() + 1);
    return true;
  }
  if (args[i] == flag && i + 1 < args.size()) {
    out = args[++i];
    return true;
  }
  return false;
}

} // namespace

int run_store_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "copy") {
    std::cerr << usage;
    return 2;
  }
  std::string from_text, to_text;
  for (size_t i = 1; i < args.size(); ++i) {
    if (!option(args, i, "from", from_text)
        && !option(args, i, "to", to_text)) {
      std::cerr << "actodo: unknown argument '" << args[i] << "'\n" << usage;
      return 2;
    }
  }
  if (from_text.empty() || to_text.empty()) {
    std::cerr << "actodo: store copy needs --from and --to\n" << usage;
    return 2;
  }
  auto from_uri = parse_store_uri(from_text, "");
  auto to_uri = parse_store_uri(to_text, "");
  for (auto* uri : {&from_uri, &to_uri})
    if (!*uri) {
      std::cerr << "actodo: " << describe(uri->error()) << '\n';
      return 2;
    }
  if (from_uri->display == to_uri->display) {
    std::cerr << "actodo: --from and --to name the same store\n";
    return 2;
  }
  auto from = open_table_rows(*from_uri);
  if (!from) {
    std::cerr << "actodo: " << from_uri->display << ": "
              << describe(from.error()) << '\n';
    return from.error() == ec::conflict ? 2 : 1;
  }
  auto to = open_table_rows(*to_uri);
  if (!to) {
    std::cerr << "actodo: " << to_uri->display << ": " << describe(to.error())
              << '\n';
    return to.error() == ec::conflict ? 2 : 1;
  }
  auto report = copy_store(**from, **to);
  if (!report) {
    std::cerr << "actodo: store copy " << from_uri->display << " -> "
              << to_uri->display << ": " << describe(report.error()) << '\n';
    return report.error() == ec::conflict ? 2 : 1;
  }
  std::cout << "actodo: copied " << from_uri->display << " -> "
            << to_uri->display << ":";
  for (auto& [table, n] : report->rows)
    std::cout << ' ' << table << ' ' << n << ',';
  std::cout << " verified (row counts, and the last sequence of each of "
            << report->users << " users)" << std::endl;
  return 0;
}

} // namespace actodo::persistence
