#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "caf/expected.hpp"

#include "persistence/table_rows.hpp"

namespace actodo::persistence {

/// What a copy moved: rows per table and users whose last sequence was
/// checked.
struct copy_report {
  std::vector<std::pair<std::string, int64_t>> rows;
  size_t users = 0;
};

/// Copies every table of `from` into `to`, pages of `page` rows in one
/// transaction each, then verifies that both hold the same number of rows
/// per table and the same last sequence per user. Refuses (`ec::conflict`)
/// a target that holds any row; a failure half-way leaves a partial target
/// behind, which the next attempt refuses: empty it first.
caf::expected<copy_report> copy_store(table_rows& from, table_rows& to,
                                      int64_t page = 1000);

/// `actodo store copy --from=URI --to=URI`: the exit code (0 done, 2 usage
/// or a non-empty target, 1 a store failure).
int run_store_command(const std::vector<std::string>& args);

} // namespace actodo::persistence
