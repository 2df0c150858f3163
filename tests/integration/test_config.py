"""Configuration: command line, ACTODO_* environment, config file, and the
checks that refuse bad values before anything is served."""

import os
import re
import shutil
import struct
import subprocess
import tempfile
import unittest

import websocket

from actodo_fixture import (SOCKET_TIMEOUT, ActodoTestCase, actodo_bin,
                            recv_json)
from hostile import close_frame

LISTEN_RE = re.compile(r"actodo: listening on http://127\.0\.0\.1:(\d+)")


def run_actodo(args, env=None, timeout=20):
    """Runs actodo to completion (for invocations that must exit)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([actodo_bin(), *args], env=full_env,
                          stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=timeout)


class StartAndStop:
    """Starts actodo with the given arguments/environment, waits for the
    listening line, and stops it with SIGTERM."""

    def __init__(self, args, env=None):
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen([actodo_bin(), *args, "--admin-port=0"],
                                     env=full_env,
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        # The console endpoint line comes first, then the listening line.
        self.line = ""
        for _ in range(3):
            self.line = self.proc.stdout.readline().decode()
            if LISTEN_RE.search(self.line):
                break

    def stop(self):
        self.proc.terminate()
        out, err = self.proc.communicate(timeout=10)
        return self.proc.returncode, err.decode()


class ConfigTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="actodo-cfg-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_help_lists_the_options(self):
        res = run_actodo(["serve", "--help"])
        self.assertEqual(res.returncode, 0)
        text = res.stdout.decode() + res.stderr.decode()
        for opt in ("--port", "--data-dir", "--host", "--body-limit",
                    "--sync", "--config-file"):
            self.assertIn(opt, text)

    def test_help_lists_actodo_options_and_long_help_adds_cafs(self):
        res = run_actodo(["serve", "--help"])
        self.assertEqual(res.returncode, 0, res)
        text = res.stdout.decode()
        for opt in ("--port", "--kafka.brokers", "--kafka.route-http",
                    "--kafka.property.NAME=VALUE", "--max-connections",
                    "--cors-origins", "--admin-tls-cert", "--long-help"):
            self.assertIn(opt, text)
        for internal in ("scheduler.", "middleman.", "logger.",
                         "work-stealing."):
            self.assertNotIn(internal, text)
        res = run_actodo(["serve", "--long-help"])
        self.assertEqual(res.returncode, 0, res)
        text = res.stdout.decode()
        for opt in ("--port", "--kafka.brokers", "--kafka.property.NAME",
                    "--scheduler.max-threads", "--middleman.",
                    "--logger."):
            self.assertIn(opt, text)

    def test_values_may_follow_their_option_gnu_style(self):
        data = os.path.join(self.tmp, "gnu")
        srv = StartAndStop(["serve", "--port", "0", "--data-dir", data,
                            "--max-todos", "5"])
        match = LISTEN_RE.search(srv.line)
        code, err = srv.stop()
        self.assertIsNotNone(match, srv.line + err)
        self.assertNotEqual(match.group(1), "0")
        self.assertEqual(code, 0, err)
        self.assertTrue(os.path.exists(os.path.join(data, "actodo.db")))

    def test_bad_kafka_property_stops_the_start_with_exit_2(self):
        kafka = ["--kafka.brokers=127.0.0.1:1", "--admin-port=-1"]
        cases = [
            # Unknown to librdkafka: refused before anything starts.
            (["--kafka.property.no.such.thing=1"], {},
             "--kafka.property.no.such.thing"),
            ([], {"ACTODO_KAFKA_PROPERTY_NO_SUCH_THING": "1"},
             "--kafka.property.no.such.thing"),
            (["--kafka.property.acks=maybe"], {}, "--kafka.property.acks"),
            # Valid alone, refused when a client is created with it
            # (producers are idempotent, which needs acks=all).
            (["--kafka.property.acks=1"], {}, "acks"),
        ]
        for args, env, needle in cases:
            with self.subTest(args=args, env=env):
                data = os.path.join(self.tmp, "kafka")
                res = run_actodo(["serve", "--port=0", f"--data-dir={data}",
                                  *kafka, *args], env)
                self.assertEqual(res.returncode, 2, res)
                self.assertIn(needle, res.stderr.decode())
                self.assertNotIn("listening", res.stdout.decode())
                shutil.rmtree(data, True)

    def test_config_file_entries_must_be_options_of_their_type(self):
        cases = [
            ('port="abc"\n', "--port"),
            ("no-such-option=1\n", "--no-such-option"),
            ('kafka {\n  brokerz = "127.0.0.1:1"\n}\n', "--kafka.brokerz"),
            ("scheduler {\n  max-thread = 3\n}\n", "--scheduler.max-thread"),
        ]
        path = os.path.join(self.tmp, "actodo.ini")
        for text, needle in cases:
            with self.subTest(text=text):
                with open(path, "w") as f:
                    f.write(text)
                data = os.path.join(self.tmp, "never")
                res = run_actodo(["serve", "--port=0", "--admin-port=-1",
                                  f"--data-dir={data}",
                                  f"--config-file={path}"])
                self.assertEqual(res.returncode, 2, res)
                self.assertIn(needle, res.stderr.decode())
                self.assertFalse(os.path.exists(data))

    def test_invalid_values_are_refused_with_the_option_named(self):
        cases = [
            (["--port=70000"], {}, "--port"),
            (["--port=abc"], {}, "--port"),
            (["--host=0.0.0.0"], {}, "loopback"),
            (["--sync=sometimes"], {}, "--sync"),
            (["--sqlite-cache-mib=0"], {}, "--sqlite-cache-mib"),
            (["--event-retention=2h"], {}, "--event-retention"),
            (["--body-limit=10"], {}, "--body-limit"),
            (["--no-such-option=1"], {}, "--no-such-option"),
            ([], {"ACTODO_PORT": "-1"}, "--port"),
            (["--config-file=/nonexistent/actodo.ini"], {}, "config file"),
        ]
        for args, env, needle in cases:
            with self.subTest(args=args, env=env):
                data = os.path.join(self.tmp, "never")
                res = run_actodo(["serve", "--port=0", f"--data-dir={data}",
                                  *args], env)
                self.assertEqual(res.returncode, 2, res)
                self.assertIn(needle, res.stderr.decode())
                self.assertFalse(os.path.exists(data),
                                 "refused start touched the data dir")

    def test_environment_and_command_line_precedence(self):
        env_dir = os.path.join(self.tmp, "from-env")
        cli_dir = os.path.join(self.tmp, "from-cli")
        srv = StartAndStop(["serve", f"--data-dir={cli_dir}"],
                           {"ACTODO_PORT": "0", "ACTODO_DATA_DIR": env_dir})
        match = LISTEN_RE.search(srv.line)
        code, err = srv.stop()
        self.assertIsNotNone(match, srv.line + err)
        self.assertNotEqual(match.group(1), "0")
        self.assertEqual(code, 0, err)
        self.assertTrue(os.path.exists(os.path.join(cli_dir, "actodo.db")))
        self.assertFalse(os.path.exists(env_dir))

    def test_config_file_is_read_and_environment_wins(self):
        file_dir = os.path.join(self.tmp, "from-file")
        env_dir = os.path.join(self.tmp, "from-env")
        path = os.path.join(self.tmp, "actodo.ini")
        with open(path, "w") as f:
            f.write(f'port=0\ndata-dir="{file_dir}"\n')
        srv = StartAndStop(["serve", f"--config-file={path}"])
        self.assertIsNotNone(LISTEN_RE.search(srv.line), srv.line)
        self.assertEqual(srv.stop()[0], 0)
        self.assertTrue(os.path.exists(os.path.join(file_dir, "actodo.db")))
        srv = StartAndStop(["serve", f"--config-file={path}"],
                           {"ACTODO_DATA_DIR": env_dir})
        self.assertIsNotNone(LISTEN_RE.search(srv.line), srv.line)
        self.assertEqual(srv.stop()[0], 0)
        self.assertTrue(os.path.exists(os.path.join(env_dir, "actodo.db")))


class ResumeLimitTest(ActodoTestCase):
    def test_resume_too_far_behind_is_refused_with_instructions(self):
        # --ws-queue-limit=16: a socket replays at most 8 events.
        srv = self.server(extra_args=["--ws-queue-limit=16"])
        for i in range(12):
            srv.create(f"t{i}")
        ws = srv.ws(after=0)
        self.assertWelcome(recv_json(ws), 12)
        frame = recv_json(ws)
        self.assertEqual(frame["type"], "error", frame)
        self.assertProblemBody(frame["problem"], 409, "after")
        opcode, data = ws.recv_data(control_frame=True)
        self.assertEqual(opcode, websocket.ABNF.OPCODE_CLOSE)
        self.assertEqual(struct.unpack("!H", data[:2])[0], 4000, data)
        # Within the limit, the replay works.
        ws = srv.ws(after=5)
        self.assertWelcome(recv_json(ws), 12)
        seqs = [recv_json(ws)["event"]["sequence"] for _ in range(7)]
        self.assertEqual(seqs, list(range(6, 13)))


class EnvironmentTest(ActodoTestCase):
    """Every option also comes from its ACTODO_* variable (the names are
    read from the option declarations, not from a second list)."""

    def test_new_options_from_the_environment(self):
        app = "http://app.example:3000"
        old = dict(os.environ)
        os.environ["ACTODO_CORS_ORIGINS"] = app
        os.environ["ACTODO_WS_MAX_MESSAGE"] = "2048"
        try:
            srv = self.server(extra_args=["--ws-echo"])
        finally:
            os.environ.clear()
            os.environ.update(old)
        r = srv.request("GET", "/api/v1/todos", headers={"Origin": app})
        self.assertEqual(r.headers.get("access-control-allow-origin"), app)
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{srv.port}/diag/ws-echo", timeout=SOCKET_TIMEOUT)
        try:
            ws.send("m" * 2000)
            self.assertEqual(ws.recv(), "m" * 2000)
            ws.send("m" * 3000)
            raw = close_frame(ws)
            self.assertEqual(int.from_bytes(raw[2:4], "big"), 1009, raw)
        finally:
            ws.close()
        self.assertNotIn("ignoring unknown environment variable ACTODO_CORS",
                         srv.read_log())


if __name__ == "__main__":
    unittest.main()
