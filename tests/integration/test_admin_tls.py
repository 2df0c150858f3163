"""The console endpoint (BASP) speaks only mutually authenticated TLS: an
unauthenticated peer makes the node allocate next to nothing and learns
nothing (issue 12, defect 2)."""

import json
import os
import re
import shutil
import socket
import ssl
import stat
import struct
import subprocess
import tempfile
import time
import unittest

from actodo_fixture import ActodoTestCase, SOCKET_TIMEOUT, WAIT, actodo_bin
from hostile import RSS_SCALE, read_until_closed, rss_kib

ADMIN_RE = re.compile(r"actodo: console endpoint on 127\.0\.0\.1:(\d+)")

# A BASP 0.17 header (32 bytes, network byte order): server_handshake, no
# flags, a payload of 2^31 - 1 bytes, BASP version 3, no actors. A plain BASP
# node reserves the announced payload before it looks at anything else.
BASP_ATTACK = struct.pack("!BBBBIQQQ", 0, 0, 0, 0, 2**31 - 1, 3, 0, 0)

# Bounds on what unauthenticated peers may cost the node (before the fix one
# attack cost 2 GiB). The first TLS connection initialises OpenSSL once
# (~0.1-0.5 MiB, not per peer). Each further attack, and each peer that
# holds a connection without sending anything, may cost a few KiB.
# Under ThreadSanitizer (`.ci/tsan`) memory has shadow memory: the bounds
# are scaled there (1 in the release build).
ATTACKS = 64
ATTACK_BOUND_KIB = 8 * RSS_SCALE
IDLE_PEERS = 16
IDLE_BOUND_KIB = 8 * RSS_SCALE
TOTAL_BOUND_KIB = 1024 * RSS_SCALE
TLS_ALERT = 0x15
PASSWORD = "a long enough password"


def admin_port(srv):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for line in srv.stdout_lines:
            m = ADMIN_RE.search(line)
            if m:
                return int(m.group(1)), line
        time.sleep(0.02)
    raise AssertionError(f"no console endpoint line: {srv.stdout_lines!r}")


def tls_context(cert=None, key=None, ca=None, version=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    if ca:
        ctx.load_verify_locations(ca)
    else:
        ctx.verify_mode = ssl.CERT_NONE
    if cert:
        ctx.load_cert_chain(cert, key)
    if version:
        ctx.minimum_version = version
        ctx.maximum_version = version
    return ctx


def tls_exchange(port, ctx):
    """Handshakes and reads what the node sends. Returns (bytes, error):
    the error of the handshake or of a later read, None when the node sent
    application data (its BASP handshake)."""
    raw = socket.create_connection(("127.0.0.1", port), SOCKET_TIMEOUT)
    with ctx.wrap_socket(raw, do_handshake_on_connect=False,
                          suppress_ragged_eofs=False) as tls:
        data = b""
        try:
            tls.do_handshake()
            while len(data) < 32:
                chunk = tls.recv(4096)
                if not chunk:
                    return data, "closed"
                data += chunk
        except (ssl.SSLError, ConnectionError) as e:
            return data, e
        return data, None


def settled(read, quiet=0.5, timeout=10.0):
    """`read()` once its value has not changed for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    last, since = read(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = read()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return last


class AdminTlsTest(ActodoTestCase):
    def tls_dir(self, srv):
        return os.path.join(srv.data_dir, "tls")

    def files(self, srv):
        d = self.tls_dir(srv)
        return (os.path.join(d, "node.pem"), os.path.join(d, "node.key"),
                os.path.join(d, "ca.pem"))

    def console(self, port, *args):
        res = subprocess.run(
            [actodo_bin(), "console", f"127.0.0.1:{port}", "--exec=actors",
             "--json", *args],
            capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
        return res.returncode, res.stdout.decode(), res.stderr.decode()

    def test_plain_basp_attack_costs_a_few_kib_and_reveals_nothing(self):
        srv = self.server(extra_args=["--auth=token"])
        port, line = admin_port(srv)
        self.assertIn("(TLS)", line)
        pid = srv.proc.pid

        def attack():
            with socket.create_connection(("127.0.0.1", port),
                                          SOCKET_TIMEOUT) as s:
                s.sendall(BASP_ATTACK + b"\0" * 4096)
                return read_until_closed(s)

        # The node's own start-up (actors, hashers, the store) allocates
        # for a moment after it printed its address: measure once it is
        # quiet, so that only the attacks are counted.
        start = settled(lambda: rss_kib(pid))
        answers = [attack()]
        warm = rss_kib(pid)
        answers += [attack() for _ in range(ATTACKS)]
        attacked = rss_kib(pid)
        # Once the node has closed every attacker's socket.
        fds = settled(lambda: len(os.listdir(f"/proc/{pid}/fd")))
        idle = [socket.create_connection(("127.0.0.1", port), SOCKET_TIMEOUT)
                for _ in range(IDLE_PEERS)]
        self.addCleanup(lambda: [s.close() for s in idle])
        # Measured once the node has accepted them (one fd each).
        deadline = time.monotonic() + 10
        while len(os.listdir(f"/proc/{pid}/fd")) < fds + IDLE_PEERS:
            self.assertLess(time.monotonic(), deadline, "peers not accepted")
            time.sleep(0.02)
        held = rss_kib(pid)
        # Each attacker was hung up on; all it may have been told is a TLS
        # alert, never a BASP handshake (which carries the node id).
        for data in answers:
            self.assertLess(len(data), 64, data)
            if data:
                self.assertEqual(data[0], TLS_ALERT, data)
        # The peers that said nothing were told nothing either (a plain
        # BASP node sends its handshake at once).
        self.console(port, f"--data-dir={srv.data_dir}")  # a round trip
        for s in idle:
            s.setblocking(False)
            with self.assertRaises(BlockingIOError):
                s.recv(1)
        print(f"\nadmin attack VmRSS: start {start} KiB, after the first "
              f"attack {warm} KiB, after {ATTACKS} more {attacked} KiB, with "
              f"{IDLE_PEERS} idle peers held {held} KiB")
        self.assertLess(attacked - warm, ATTACKS * ATTACK_BOUND_KIB)
        self.assertLess(held - attacked, IDLE_PEERS * IDLE_BOUND_KIB)
        self.assertLess(held - start, TOTAL_BOUND_KIB)
        # The node serves on: health, another user's normal request, and the
        # console (TLS and admin token).
        self.assertEqual(srv.get("/healthz").status, 200)
        h = {"Content-Type": "application/json"}
        creds = json.dumps({"username": "dora", "password": PASSWORD})
        self.assertEqual(
            srv.request("POST", "/api/v1/auth/register", creds, h).status, 201)
        r = srv.request("POST", "/api/v1/auth/login", creds, h)
        self.assertEqual(r.status, 200, r.body)
        auth = dict(h, Authorization="Bearer " + r.body["access_token"],
                    Prefer=WAIT)
        r = srv.request("POST", "/api/v1/todos",
                        json.dumps({"title": "after the attack"}), auth)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.body["title"], "after the attack")
        code, out, err = self.console(port, f"--data-dir={srv.data_dir}")
        self.assertEqual(code, 0, err)
        self.assertIn("actors", json.loads(out))

    def test_handshaking_peers_cost_what_openssl_needs_and_no_more(self):
        srv = self.server()
        port, _ = admin_port(srv)
        pid = srv.proc.pid

        def client_hello():
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            out = ssl.MemoryBIO()
            obj = ctx.wrap_bio(ssl.MemoryBIO(), out)
            with self.assertRaises(ssl.SSLWantReadError):
                obj.do_handshake()
            return out.read()

        def peers(data, n):
            socks = []
            for _ in range(n):
                s = socket.create_connection(("127.0.0.1", port),
                                             SOCKET_TIMEOUT)
                s.sendall(data)
                socks.append(s)
            self.addCleanup(lambda: [s.close() for s in socks])
            return socks

        hello = client_hello()
        peers(hello, 1)  # OpenSSL's one-time set-up
        start = settled(lambda: rss_kib(pid))
        # Part of a ClientHello: nothing but a socket until it is complete.
        peers(hello[:100], 16)
        partial = settled(lambda: rss_kib(pid))
        # A whole ClientHello, then silence: the handshake state OpenSSL
        # keeps, until --admin-handshake-timeout.
        peers(hello, 16)
        stalled = settled(lambda: rss_kib(pid))
        print(f"\nhandshaking peers VmRSS: start {start} KiB, 16 partial "
              f"ClientHellos {partial} KiB, 16 stalled handshakes {stalled} KiB")
        self.assertLess(partial - start, 16 * IDLE_BOUND_KIB)
        self.assertLess(stalled - partial, 16 * 64 * RSS_SCALE)
        self.assertEqual(srv.get("/healthz").status, 200)
        code, out, err = self.console(port, f"--data-dir={srv.data_dir}")
        self.assertEqual(code, 0, err)

    def test_only_a_certificate_of_the_ca_gets_past_the_handshake(self):
        srv = self.server()
        port, _ = admin_port(srv)
        cert, key, ca = self.files(srv)
        # With the node's certificate the TLS session carries BASP: the
        # first bytes are the node's server handshake. This shows the
        # refusals below are TLS refusals, not a dead port.
        data, err = tls_exchange(port, tls_context(cert, key, ca))
        self.assertIsNone(err)
        op, _, _, _, payload_len = struct.unpack("!BBBBI", data[:8])
        self.assertEqual(op, 0)
        self.assertGreater(payload_len, 0)
        # Without a client certificate: refused, nothing of BASP is sent.
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            data, err = tls_exchange(port, tls_context(ca=ca, version=version))
            self.assertIsNotNone(err, version)
            self.assertEqual(data, b"", version)
        # A certificate signed by another node's CA: refused likewise.
        other = self.server()
        o_cert, o_key, o_ca = self.files(other)
        with open(o_ca, "rb") as a, open(ca, "rb") as b:
            self.assertNotEqual(a.read(), b.read())
        data, err = tls_exchange(port, tls_context(o_cert, o_key))
        self.assertIsNotNone(err)
        self.assertEqual(data, b"")
        # The console refuses a node its CA did not sign, and the node
        # refuses a console with another CA's certificate, even with the
        # right admin token.
        with open(os.path.join(srv.data_dir, "admin-token")) as f:
            token = f.read().strip()
        code, out, err = self.console(port, f"--data-dir={other.data_dir}",
                                      f"--admin-token={token}")
        self.assertEqual(code, 1, out)
        self.assertIn("no Actodo admin endpoint", err)
        self.assertEqual(out, "")
        code, out, err = self.console(port, f"--data-dir={srv.data_dir}")
        self.assertEqual(code, 0, err)

    def test_generated_files_are_private_whatever_the_umask(self):
        old = os.umask(0)
        try:
            srv = self.server()
        finally:
            os.umask(old)
        d = self.tls_dir(srv)
        self.assertEqual(stat.S_IMODE(os.stat(d).st_mode), 0o700)
        names = sorted(os.listdir(d))
        self.assertEqual(names, ["ca.key", "ca.pem", "node.key", "node.pem"])
        for name in names:
            mode = stat.S_IMODE(os.stat(os.path.join(d, name)).st_mode)
            self.assertEqual(mode, 0o600, name)
        with open(os.path.join(d, "ca.pem"), "rb") as f:
            ca = f.read()
        self.assertIn(b"-----BEGIN CERTIFICATE-----", ca)
        # A restart keeps the set (consoles keep working).
        srv.restart()
        with open(os.path.join(d, "ca.pem"), "rb") as f:
            self.assertEqual(f.read(), ca)
        port, _ = admin_port_after_restart(srv)
        code, _, err = self.console(port, f"--data-dir={srv.data_dir}")
        self.assertEqual(code, 0, err)
        # A key others can read, or an incomplete set, stops the node.
        os.chmod(os.path.join(d, "node.key"), 0o644)
        srv.stop()
        code, err = run_serve(srv.data_dir)
        self.assertEqual(code, 1)
        self.assertIn("readable by group or others", err)
        os.chmod(os.path.join(d, "node.key"), 0o600)
        os.unlink(os.path.join(d, "node.pem"))
        code, err = run_serve(srv.data_dir)
        self.assertEqual(code, 1)
        self.assertIn("incomplete set", err)

    def test_given_files_are_used_and_nothing_is_generated(self):
        first = self.server()
        cert, key, ca = self.files(first)
        tmp = tempfile.mkdtemp(prefix="actodo-it-tls-")
        self.addCleanup(shutil.rmtree, tmp, True)
        given = [f"--admin-tls-cert={cert}", f"--admin-tls-key={key}",
                 f"--admin-tls-ca={ca}"]
        srv = self.server(data_dir=os.path.join(tmp, "data"),
                          extra_args=given)
        port, _ = admin_port(srv)
        self.assertFalse(os.path.exists(self.tls_dir(srv)))
        # The console needs the files: from the options...
        code, _, err = self.console(port, f"--data-dir={srv.data_dir}", *given)
        self.assertEqual(code, 0, err)
        # ... since the data dir has none.
        code, out, err = self.console(port, f"--data-dir={srv.data_dir}")
        self.assertEqual(code, 2, out)
        self.assertIn("no TLS certificate", err)
        # Some but not all of the three: a usage error.
        code, err = run_serve(os.path.join(tmp, "partial"), given[:2])
        self.assertEqual(code, 2)
        self.assertIn("--admin-tls-ca", err)

    def test_plain_basp_only_when_asked_and_only_on_loopback(self):
        code, err = run_serve(
            os.path.join(self.tmpdir(), "data"),
            ["--admin-insecure", "--admin-host=0.0.0.0",
             "--admin-token=" + "t" * 40])
        self.assertEqual(code, 2)
        self.assertIn("--admin-insecure", err)
        self.assertIn("loopback", err)
        srv = self.server(extra_args=["--admin-insecure"])
        port, line = admin_port(srv)
        self.assertIn("(plain, insecure)", line)
        self.assertFalse(os.path.exists(self.tls_dir(srv)))
        code, out, err = self.console(port, f"--data-dir={srv.data_dir}",
                                      "--admin-insecure")
        self.assertEqual(code, 0, err)
        self.assertIn("actors", json.loads(out))
        # A TLS console does not talk to a plain endpoint.
        first = self.server()
        cert, key, ca = self.files(first)
        code, _, err = self.console(port, f"--data-dir={srv.data_dir}",
                                    f"--admin-tls-cert={cert}",
                                    f"--admin-tls-key={key}",
                                    f"--admin-tls-ca={ca}")
        self.assertEqual(code, 1)
        self.assertIn("no Actodo admin endpoint", err)

    def tmpdir(self):
        tmp = tempfile.mkdtemp(prefix="actodo-it-tls-")
        self.addCleanup(shutil.rmtree, tmp, True)
        return tmp


def admin_port_after_restart(srv):
    # The restarted process appends its lines after the first run's.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [ADMIN_RE.search(line) for line in srv.stdout_lines]
        found = [m for m in found if m]
        if len(found) >= 2:
            return int(found[-1].group(1)), found[-1].group(0)
        time.sleep(0.02)
    raise AssertionError(f"no second console endpoint: {srv.stdout_lines!r}")


def run_serve(data_dir, extra=()):
    """Starts `actodo serve` expecting it to refuse; returns (exit code,
    stderr). A server that starts anyway is stopped and reported."""
    proc = subprocess.Popen(
        [actodo_bin(), "serve", "--port=0", "--admin-port=0",
         f"--data-dir={data_dir}", *extra],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError("actodo serve started instead of refusing")
    return proc.returncode, err.decode()


if __name__ == "__main__":
    unittest.main()
