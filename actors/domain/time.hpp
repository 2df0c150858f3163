#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace actodo::actors::domain {

/// Returns the current system time as milliseconds since the UNIX epoch.
int64_t now_ms();

/// Formats `epoch_ms` as an RFC 3339 UTC timestamp with millisecond
/// precision, e.g. `2026-11-23T12:16:07.123Z`.
std::string format_rfc3339_ms(int64_t epoch_ms);

/// Appends `format_rfc3339_ms(epoch_ms)` to `out`: digits written directly
/// for the years 0000-9999 (every instant a todo carries is written this
/// way on every list page), `date::format` beyond them.
void append_rfc3339_ms(std::string& out, int64_t epoch_ms);

/// Parses an RFC 3339 timestamp into milliseconds since the UNIX epoch.
///
/// Accepts `YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)`, where the separator
/// may be `T` or `t` and the UTC designator `Z` or `z`. Fractional seconds
/// may have any number of digits; digits beyond milliseconds are truncated.
/// When `allow_date_only` is set, a plain `YYYY-MM-DD` is accepted as well
/// and denotes 00:00:00Z of that day.
///
/// Rejects anything else: missing offsets, impossible calendar dates (e.g.
/// `2023-02-29`), hour 24, minute or second 60 (leap seconds are not
/// supported), offsets beyond 23:59, surrounding whitespace.
std::optional<int64_t> parse_rfc3339(std::string_view s, bool allow_date_only);

} // namespace actodo::actors::domain
