#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace actodo::io {

/// Which offsets of a consumed partition may be committed: a record counts
/// once its outcome is durable (its result or DLQ record acknowledged), and
/// the commit position only moves up to the first offset still open, so a
/// crash redelivers every unfinished record (and maybe finished ones).
class offset_tracker {
 public:
  /// A record was handed out.
  void consumed(int32_t partition, int64_t offset);

  /// A record is finished; unknown partitions are ignored (revoked).
  void done(int32_t partition, int64_t offset);

  /// Partitions whose commit position moved since the last call, with the
  /// offset to commit (the next one to read).
  std::vector<std::pair<int32_t, int64_t>> take_commits();

  /// Drops a partition (revoked).
  void forget(int32_t partition);

  /// Records consumed and not yet done.
  size_t open() const;

 private:
  struct partition_state {
    std::set<int64_t> open;
    int64_t next = -1;
    int64_t committed = -1;
  };

  std::map<int32_t, partition_state> parts_;
};

} // namespace actodo::io
