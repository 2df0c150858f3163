#pragma once

#include <string>
#include <vector>

namespace actodo::io::console {

/// `actodo console [host:port] [--exec=CMD] [--json] [--admin-token=T]
/// [--data-dir=D] [--admin-tls-cert=F --admin-tls-key=F --admin-tls-ca=F |
/// --admin-insecure]`: connects to a node's inspector over CAF networking
/// (mutually authenticated TLS with the node's files in `<data-dir>/tls` or
/// the given ones; plain BASP with `--admin-insecure`) and runs one command
/// (`--exec`) or an interactive prompt with line editing and history
/// (libedit). Returns the process exit code.
int run_console(const std::vector<std::string>& args, char** envp);

} // namespace actodo::io::console
