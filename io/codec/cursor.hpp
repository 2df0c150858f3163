#pragma once

// List queries at the edge: the query string into a `domain::query`, and the
// keyset position of a page into an opaque cursor and back. The actors see
// only the typed position (`query::after`, `page::next`).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/domain/query.hpp"

namespace actodo::io::codec {

using actors::domain::field_error;
using actors::domain::sort_key;
using actors::domain::sort_values;

/// Encodes the position after `x` under `keys` as an opaque cursor
/// (base64url of a small JSON object holding the sort spec, the sort values
/// and the id).
std::string encode_cursor(const std::vector<sort_key>& keys,
                          const sort_values& x);

/// Decodes a cursor produced by `encode_cursor` with the same `keys` into
/// `out`. Returns a description of the problem on failure.
std::optional<std::string> decode_cursor(std::string_view cursor,
                                         const std::vector<sort_key>& keys,
                                         sort_values& out);

/// `domain::parse_query` plus the `cursor` parameter, decoded against the
/// query's sort order into `out.after`. A cursor that does not decode, or
/// whose sort order differs from the query's, is a `field_error` naming
/// `cursor`. `out` is only modified on success.
std::optional<field_error>
decode_query(const std::vector<std::pair<std::string, std::string>>& params,
             actors::domain::query& out);

} // namespace actodo::io::codec
