"""Several actodo nodes as one cluster for the integration tests: the
Kafka mock broker (`actodo broker`), one shared PostgreSQL database (a
server of tests/pg/pg_server.sh), Redis (tests/redis/redis_server.sh) and
three `actodo serve` processes in cluster mode on 127.0.0.1."""

import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import uuid

import websocket

from actodo_fixture import SOCKET_TIMEOUT, Server, actodo_bin, http_request
from kafka_util import Broker
from pg_databases import pg_store_for

REDIS_DIR = os.environ.get("ACTODO_TEST_REDIS_DIR", "")
REDIS_SCRIPT = os.environ.get("ACTODO_TEST_REDIS_SCRIPT", "")
ADMIN_RE = re.compile(r"actodo: console endpoint on 127\.0\.0\.1:(\d+)")
NODE_RE = re.compile(r"actodo: cluster node (\S+) on 127\.0\.0\.1:(\d+)")
PARTITIONS = 6
SESSION_TIMEOUT = 6  # seconds (--cluster.session-timeout)
JWT_SECRET = "cluster-test-secret-0123456789abcdef0123456789"
PASSWORD = "correct horse battery staple"
_redis_db = itertools.count(1)


def redis_uri():
    """The test Redis; each cluster gets a database of its own."""
    with open(os.path.join(REDIS_DIR, "uri")) as f:
        base = f.read().strip()
    return f"{base}/{next(_redis_db) % 16}"


def restart_redis():
    subprocess.run([REDIS_SCRIPT, "restart", REDIS_DIR], check=True,
                   timeout=60, capture_output=True)


def make_certs(directory):
    res = subprocess.run([actodo_bin(), "cluster", "certs",
                          f"--out={directory}"], capture_output=True,
                         timeout=60)
    if res.returncode != 0:
        raise AssertionError(f"cluster certs: {res.stderr!r}")


class Node(Server):
    """One node; `admin` is its console port, `cluster_port` its BASP
    endpoint."""

    def __init__(self, node_id, args):
        self.node_id = node_id
        super().__init__(extra_args=[f"--cluster.node-id={node_id}", *args])
        self.admin = self._wait_line(ADMIN_RE)
        self.cluster_port = self._wait_line(NODE_RE, group=2)

    def _wait_line(self, regex, group=1):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for line in list(self.stdout_lines):
                m = regex.search(line)
                if m:
                    return int(m.group(group))
            time.sleep(0.02)
        raise AssertionError(f"no {regex.pattern!r} in {self.stdout_lines}"
                             f"\n{self.read_log()}")

    def console(self, command, json_out=True):
        args = [actodo_bin(), "console", f"127.0.0.1:{self.admin}",
                "--admin-insecure", f"--exec={command}",
                f"--data-dir={self.data_dir}"]
        if json_out:
            args.append("--json")
        res = subprocess.run(args, capture_output=True, timeout=30,
                             stdin=subprocess.DEVNULL)
        if res.returncode != 0:
            raise AssertionError(f"console {command}: {res.stderr!r}")
        out = res.stdout.decode()
        return json.loads(out) if json_out else out


class Cluster:
    """Broker, one PostgreSQL database, a Redis database and `n` nodes.
    `redis`: the Redis database of an earlier cluster (default: one of its
    own); `names`: the node ids (default node-a, node-b, ...)."""

    def __init__(self, tmp, n=3, tls=True, extra_args=(), redis=None,
                 session_timeout=SESSION_TIMEOUT, names=None):
        self.names = names or [f"node-{chr(ord('a') + i)}" for i in range(n)]
        self.broker = Broker(partitions=PARTITIONS)
        self.nodes = {}
        self.session_timeout = session_timeout
        try:
            self._start(tmp, n, tls, extra_args, redis)
        except BaseException:
            # Nothing of a failed start outlives the test (a broker left
            # running when the database could not be created, say).
            self.close()
            raise

    def _start(self, tmp, n, tls, extra_args, redis):
        self.redis = redis or redis_uri()
        self.store = pg_store_for(os.path.join(tmp, "cluster-store"))
        self.certs = os.path.join(tmp, "certs")
        if tls:
            make_certs(self.certs)
        self.args = [f"--store={self.store}",
                     f"--kafka.brokers={self.broker.bootstrap}",
                     f"--cluster.redis={self.redis}", "--cluster.port=0",
                     f"--cluster.session-timeout={self.session_timeout}s",
                     "--auth=token", f"--jwt-secret={JWT_SECRET}",
                     # Every test user registers from 127.0.0.1.
                     "--register-limit=0",
                     "--admin-insecure", *extra_args]
        self.args.append(f"--cluster.tls-dir={self.certs}" if tls
                         else "--cluster.insecure")
        for name in self.names[:n]:
            self.add(name)

    def add(self, node_id):
        self.nodes[node_id] = Node(node_id, self.args)
        return self.nodes[node_id]

    def close(self):
        for node in self.nodes.values():
            try:
                node.close()
            except Exception:
                pass
        self.broker.close()

    def logs(self):
        return "\n".join(n.read_log() for n in self.nodes.values())

    def wait_settled(self, timeout=60):
        """Until every live node lists the same live nodes, every
        partition has an owner among them and each of them owns some (a
        node that joined the registry may not be in the consumer group's
        assignment yet)."""
        live = [n for n in self.nodes.values() if n.running()]
        ids = sorted(n.node_id for n in live)
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                views = [n.console("nodes")["nodes"] for n in live]
                last = views
                ok = all(sorted(x["id"] for x in v) == ids for v in views)
                owned = sorted(p for x in views[0] for p in x["partitions"])
                busy = all(x["partitions"] for x in views[0])
                if ok and busy and owned == list(range(PARTITIONS)):
                    return views[0]
            except AssertionError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"cluster did not settle: {last}\n{self.logs()}")


class User:
    """An account and its access token."""

    def __init__(self, node, name):
        self.name = name
        r = call(node, "POST", "/api/v1/auth/register",
                 {"username": name, "password": PASSWORD})
        if r.status != 201:
            raise AssertionError(f"register {name}: {r.status} {r.body}")
        self.id = r.body["id"]
        r = call(node, "POST", "/api/v1/auth/login",
                 {"username": name, "password": PASSWORD})
        if r.status != 200:
            raise AssertionError(f"login {name}: {r.status} {r.body}")
        self.token = r.body["access_token"]

    def headers(self, extra=None):
        h = {"Content-Type": "application/json",
             "Authorization": f"Bearer {self.token}"}
        h.update(extra or {})
        return h

    def ws(self, node, after=None):
        path = f"/api/v1/ws?access_token={self.token}"
        if after is not None:
            path += f"&after={after}"
        return websocket.create_connection(
            f"ws://127.0.0.1:{node.port}{path}", timeout=SOCKET_TIMEOUT)


def call(node, method, path, body=None, user=None, headers=None,
         timeout=SOCKET_TIMEOUT):
    h = user.headers(headers) if user else {"Content-Type": "application/json"}
    if headers and not user:
        h.update(headers)
    return http_request(node.port, method, path,
                        None if body is None else json.dumps(body), h,
                        timeout)


def retried(fn, attempts=5):
    """`fn()` again (1 s apart) after a timeout or a failed console call,
    as a client would: a console call to a node that is going away, or a
    request that finds a link being set up, can go unanswered."""
    for i in range(attempts):
        try:
            return fn()
        except (TimeoutError, AssertionError):
            if i + 1 == attempts:
                raise
            time.sleep(1)


def owner_of(node, user):
    return node.console(f"user {user.id}")["owner"]


def murmur2(data):
    """Kafka's murmur2 (the default partitioner's hash)."""
    m, length = 0x5bd1e995, len(data)
    h = (0x9747b28c ^ length) & 0xffffffff
    for i in range(0, length - length % 4, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * m) & 0xffffffff
        k ^= k >> 24
        k = (k * m) & 0xffffffff
        h = ((h * m) & 0xffffffff) ^ k
    tail = length - length % 4
    if length % 4 == 3:
        h ^= data[tail + 2] << 16
    if length % 4 >= 2:
        h ^= data[tail + 1] << 8
    if length % 4 >= 1:
        h ^= data[tail]
        h = (h * m) & 0xffffffff
    h ^= h >> 13
    h = (h * m) & 0xffffffff
    h ^= h >> 15
    return h


def partition_of(user):
    """The partition of `actodo.commands` that holds the user."""
    return (murmur2(user.id.encode()) & 0x7fffffff) % PARTITIONS


class ClusterTestCase(unittest.TestCase):
    tls = True
    start_nodes = 3
    extra_args = ()
    session_timeout = SESSION_TIMEOUT

    def setUp(self):
        if not REDIS_DIR or not os.environ.get("ACTODO_TEST_PG_DIR"):
            raise AssertionError("the cluster tests need ACTODO_TEST_REDIS_DIR"
                                 " and ACTODO_TEST_PG_DIR (run them through"
                                 " ctest: fixtures redis and pg)")
        self.tmp = tempfile.mkdtemp(prefix="actodo-cluster-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.cluster = Cluster(self.tmp, n=self.start_nodes, tls=self.tls,
                               extra_args=self.extra_args,
                               session_timeout=self.session_timeout)
        self.addCleanup(self.cluster.close)
        self.cluster.wait_settled()

    def read(self, node, path, user, timeout=30):
        """GET `path` as a client would: again after a timeout or a 503
        (a partition between owners; its Retry-After), up to `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            r = retried(lambda: call(node, "GET", path, user=user))
            if r.status != 503 or time.monotonic() > deadline:
                self.assertEqual(r.status, 200, r.body)
                return r
            time.sleep(float(r.headers.get("retry-after", "1")))

    def events(self, node, user):
        out, after = [], 0
        while True:
            r = self.read(node, f"/api/v1/events?after={after}&limit=1000",
                          user)
            out.extend(r.body["items"])
            if not r.body["items"]:
                return out
            after = r.body["items"][-1]["sequence"]

    def titles(self, node, user):
        out, cursor = [], None
        while True:
            path = "/api/v1/todos?limit=500" + (f"&cursor={cursor}"
                                                if cursor else "")
            r = self.read(node, path, user)
            out.extend(t["title"] for t in r.body["items"])
            cursor = r.body.get("next_cursor")
            if not cursor:
                return out

    def check_user(self, node, user, acked, reader=None):
        """Every acknowledged title once, a gap-free sequence, and every
        event exactly once on the reader's socket."""
        titles = self.titles(node, user)
        self.assertEqual(sorted(set(acked) - set(titles)), [],
                         self.cluster.logs())
        self.assertEqual(len(titles), len(set(titles)))
        seqs = [e["sequence"] for e in self.events(node, user)]
        self.assertEqual(seqs, list(range(1, len(seqs) + 1)))
        if reader is None:
            return titles
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and len(reader.seqs) < len(seqs):
            time.sleep(0.2)
        self.assertIsNone(reader.closed, self.cluster.logs())
        self.assertEqual(sorted(reader.seqs), seqs, self.cluster.logs())
        self.assertEqual(len(reader.seqs), len(set(reader.seqs)))
        return titles

    def watch(self, node, user):
        ws = user.ws(node)
        self.addCleanup(ws.close)
        self.assertEqual(json.loads(ws.recv())["type"], "welcome")
        reader = Reader(ws)
        reader.start()
        return reader

    def users_by_owner(self, node, count=12, want=()):
        """Registers `count` users, and more (up to 100 in all) until every
        node in `want` owns one of them (users land on partitions by the
        hash of their random id: 12 can all miss a node's partitions);
        returns {owner node id: [users]}."""
        out = {}
        for i in range(100):
            if i >= count and all(n in out for n in want):
                break
            u = User(node, f"user{i}-{os.getpid()}-{id(self)}")
            out.setdefault(owner_of(node, u), []).append(u)
        return out


class Writer(threading.Thread):
    """Creates todos for `user` through `node` until stopped; each command
    has an Idempotency-Key and is retried (503, timeouts) until it is
    acknowledged with 202. Records what was acknowledged and when writes
    failed."""

    def __init__(self, node, user, tag):
        super().__init__(daemon=True)
        self.node, self.user, self.tag = node, user, tag
        self.acked = []          # titles acknowledged with 202
        self.acked_at = []       # and when (monotonic)
        self.failures = []       # monotonic times of refused attempts
        self.stop_flag = threading.Event()

    def run(self):
        n = 0
        while not self.stop_flag.is_set():
            title = f"{self.tag}-{n}"
            key = str(uuid.uuid4())
            while not self.stop_flag.is_set():
                try:
                    r = call(self.node, "POST", "/api/v1/todos",
                             {"title": title}, self.user,
                             {"Idempotency-Key": key}, timeout=10)
                    if r.status == 202:
                        self.acked.append(title)
                        self.acked_at.append(time.monotonic())
                        break
                    self.failures.append(time.monotonic())
                except OSError:
                    self.failures.append(time.monotonic())
                time.sleep(0.1)
            n += 1
            time.sleep(0.02)


class Reader(threading.Thread):
    """Collects the event sequence numbers a socket receives."""

    def __init__(self, ws):
        super().__init__(daemon=True)
        self.ws = ws
        self.seqs = []
        self.closed = None

    def run(self):
        while True:
            try:
                frame = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                continue  # quiet while the user's node changes
            except Exception as e:  # closed by the test or the server
                self.closed = repr(e)
                return
            if frame.get("type") == "event":
                self.seqs.append(frame["event"]["sequence"])
