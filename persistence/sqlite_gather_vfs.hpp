#pragma once

#include <cstdint>

struct sqlite3;

namespace actodo::persistence {

/// The name of an SQLite VFS, registered on the first call (not as the
/// default), that sends a WAL file's writes to the kernel together: SQLite
/// writes each WAL frame as two `pwrite`s (its 24-byte header, then the
/// page), some 330 per commit under load, and on a VM each system call is
/// dear (bench/RESULTS.md). This VFS keeps contiguous writes to a WAL file
/// in memory and writes them together (in `pwrite`s of at most 0x1ffff bytes,
/// the most the default VFS writes at once)
///
/// - before the file is synced, read, truncated, sized or closed,
/// - when a write does not continue or overwrite what is held,
/// - when 1 MiB is held.
///
/// Every other file, and every other call, goes straight to the default
/// VFS. Only for a connection with `synchronous=FULL` on a file with
/// power-safe overwrite (SQLite's default): SQLite then syncs the WAL after
/// the last byte of a commit and before the commit becomes visible to other
/// connections (before it updates the WAL index), so no other connection
/// can look for bytes that are still held here. With `NORMAL`, or without
/// power-safe overwrite (SQLite then pads a commit to a sector and writes
/// the tail after the sync), it does not: `gathering_is_safe` says which.
const char* gather_vfs_name();

/// Whether `db`, opened through this VFS, may keep using it: its main file
/// has power-safe overwrite and it runs with `synchronous` FULL or EXTRA.
bool gathering_is_safe(sqlite3* db);

/// Writes this VFS passed on to WAL files so far, in all connections (for
/// tests).
uint64_t gathered_wal_writes();

} // namespace actodo::persistence
