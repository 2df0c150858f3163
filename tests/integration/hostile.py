"""Helpers of the hostile-input tests (issue #12): raw sockets that keep
sending until the server answers, RSS and CPU of the server process read
from /proc, and a check that the server still serves after an attack."""

import http.client
import json
import os
import select
import socket
import time

from actodo_fixture import SOCKET_TIMEOUT, WAIT, http_request

MIB = 1024 * 1024

# Under ThreadSanitizer (`.ci/tsan`) every byte the server holds has shadow
# memory and its allocator keeps freed blocks: memory bounds are scaled by
# this factor there (1 in the release build, where the bounds are checked
# as written).
RSS_SCALE = int(os.environ.get("ACTODO_RSS_SCALE", "1"))


def rss_kib(pid):
    """Resident set size of `pid` in KiB (VmRSS from /proc)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid):
    """User + system CPU time of `pid` so far (from /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def fd_soft_hard(pid):
    """The server's open-files limits (soft, hard) from /proc/PID/limits."""
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                parts = line.split()
                return parts[3], parts[4]
    raise AssertionError("no open-files limit")


def read_response(sock, method="POST"):
    resp = http.client.HTTPResponse(sock, method=method)
    resp.begin()
    body = resp.read()
    headers = {k.lower(): v for k, v in resp.getheaders()}
    if headers.get("content-type", "").endswith("json") and body:
        body = json.loads(body)
    return resp.status, headers, body


def send_until_answered(port, head, chunk, limit):
    """Sends `head`, then `chunk` repeatedly (at most `limit` bytes) until
    the server has something to say. Returns (status, headers, body, sent):
    the response and how many bytes after `head` went out before it."""
    sock = socket.create_connection(("127.0.0.1", port),
                                    timeout=SOCKET_TIMEOUT)
    try:
        sock.sendall(head)
        sent = 0
        while sent < limit:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        status, headers, body = read_response(sock)
        return status, headers, body, sent
    finally:
        sock.close()


def exchange(port, data, timeout=SOCKET_TIMEOUT):
    """Sends raw bytes, then reads until the server closes; returns what
    the server sent."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock.sendall(data)
        out = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                got = sock.recv(65536)
            except ConnectionResetError:
                break
            if not got:
                break
            out += got
        return out
    finally:
        sock.close()


def bystander(test, srv, name="bystander"):
    """Registers and logs in another user on a token-mode server; returns
    the headers that authenticate them."""
    body = {"username": name, "password": "a bystander's long password"}
    r = http_request(srv.port, "POST", "/api/v1/auth/register", body)
    test.assertEqual(r.status, 201, r.body)
    r = http_request(srv.port, "POST", "/api/v1/auth/login", body)
    test.assertEqual(r.status, 200, r.body)
    return {"Authorization": f"Bearer {r.body['access_token']}"}


def ws_upgrade(port, path, extra_headers="", rcvbuf=None):
    """A raw WebSocket upgrade of `path`; returns the socket, positioned just
    after the server's 101 response head, and that head as text. `rcvbuf`
    sets a small receive buffer first (a reader that falls behind)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(SOCKET_TIMEOUT)
    sock.connect(("127.0.0.1", port))
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                  "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  f"Sec-WebSocket-Version: 13\r\n{extra_headers}\r\n"
                  ).encode())
    head = b""
    while b"\r\n\r\n" not in head:  # One byte at a time: no frame is eaten.
        got = sock.recv(1)
        if not got:
            break
        head += got
    if not head.startswith(b"HTTP/1.1 101"):
        sock.close()
        raise AssertionError(f"upgrade of {path} refused: {head!r}")
    return sock, head.decode("latin-1")


def read_until_closed(sock):
    """Everything the peer sends until it closes (or resets) the
    connection; a timeout is a failure: the server must hang up."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


def close_frame(ws):
    """The first 4 bytes of the close frame a server sent on WebSocket `ws`,
    read off the raw socket (the client library would try to answer it on a
    socket the server closed): `raw[0]` 0x88 (FIN + close), the code in
    `raw[2:4]`."""
    raw = b""
    ws.sock.settimeout(SOCKET_TIMEOUT)
    while len(raw) < 4:
        chunk = ws.sock.recv(64)
        if not chunk:
            break
        raw += chunk
    return raw


def assert_serves(test, srv, headers=None):
    """After an attack: /healthz answers and a user can still write and
    read (`headers` authenticate another user in token mode)."""
    r = http_request(srv.port, "GET", "/healthz")
    test.assertEqual(r.status, 200, r.body)
    h = dict(headers or {}, Prefer=WAIT)
    r = http_request(srv.port, "POST", "/api/v1/todos",
                     {"title": "after the attack"}, h)
    test.assertEqual(r.status, 201, r.body)
    r = http_request(srv.port, "GET", f"/api/v1/todos/{r.body['id']}",
                     headers=headers)
    test.assertEqual(r.status, 200, r.body)
    test.assertEqual(r.body["title"], "after the attack")
