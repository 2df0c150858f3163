#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/webhook_messages.hpp"
#include "persistence/webhook_store.hpp"
#include "web/http_types.hpp"

namespace actodo::web {

/// A webhook as the API renders it; the secret only when `with_secret`
/// (the answer to its registration).
std::string encode(const persistence::webhook_record& x, bool with_secret);

/// `{"items":[...]}` of webhooks (without secrets).
std::string encode(const std::vector<persistence::webhook_record>& xs);

/// `{"items":[...]}` of delivery attempts.
std::string encode(const std::vector<persistence::delivery_record>& xs);

/// Decodes a `POST`/`PATCH` body of `/api/v1/webhooks`: a JSON object with
/// `url` (string), `events` (array of strings), `description` (string) and
/// `enabled` (boolean), each optional here; a 400 naming the member when
/// one has the wrong type or is unknown.
std::optional<http_response> decode_webhook_spec(const std::string& body,
                                                 actors::webhook_spec& out);

/// Decodes `{"from_sequence": N}`; a 400 naming the member otherwise.
std::optional<http_response> decode_replay(const std::string& body,
                                           int64_t& from_sequence);

} // namespace actodo::web
