#pragma once

#include <string>
#include <vector>

namespace actodo::actors {

/// `actodo console [host:port] [--exec=CMD] [--json] [--admin-token=T]
/// [--data-dir=D]`: connects to a node's inspector over CAF networking and
/// runs one command (`--exec`) or an interactive prompt with line editing
/// and history (libedit). Returns the process exit code.
int run_console(const std::vector<std::string>& args, char** envp);

} // namespace actodo::actors
