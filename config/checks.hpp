#pragma once

#include <string>

#include "caf/error.hpp"

namespace actodo::config {

class app_config;

/// Whether `host` is a loopback IPv4 (127/8) or IPv6 (::1) address.
bool is_loopback(const std::string& host);

/// Whether `host` is a literal IPv4 or IPv6 address.
bool is_address(const std::string& host);

/// The error of a bad option value: `invalid option --OPTION: WHY`.
caf::error invalid(const std::string& option, const std::string& why);

/// Checks the `cluster.*` options (config/cluster_check.cpp).
caf::error validate_cluster(const app_config& cfg);

struct webhook_options;
struct import_options;

/// Checks the `webhooks.*` options (config/webhook_check.cpp).
caf::error validate_webhooks(const webhook_options& x);

/// The `imports` group's ranges.
caf::error validate_imports(const import_options& x);

} // namespace actodo::config
