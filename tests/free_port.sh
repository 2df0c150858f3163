# Sourced by the test server scripts (pg/pg_server.sh, redis/redis_server.sh).

# Prints a TCP port on 127.0.0.1 that is free right now (the caller defines
# `die`).
free_port() {
  if [[ -x /usr/bin/python3 ]]; then
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
    return
  fi
  local p   # no python3: try random ports; "connection refused" means free
  for _ in {1..100}; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  die "no free TCP port found"
}
