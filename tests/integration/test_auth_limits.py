"""Issue 12, defect 6 and the account items of its "Also" list: password
hashing must not starve account operations, failed logins and registrations
are throttled, a refresh answered late is safely repeatable, a replayed
refresh token revokes its family, expired refresh tokens are pruned."""

import json
import os
import sqlite3
import subprocess
import threading
import time
import unittest

from actodo_fixture import ActodoTestCase, actodo_bin, http_request

PASSWORD = "correct horse battery staple"
ATTACK = 150  # wrong-password logins, as in the issue
ATTACK_TIMEOUT = 120.0  # the attacker waits as long as it takes


class AccountServer(ActodoTestCase):
    args = []

    def setUp(self):
        self.srv = self.server(extra_args=["--auth=token", *self.args])

    def call(self, method, path, body=None, token=None, timeout=None):
        h = {"Content-Type": "application/json"}
        if token:
            h["Authorization"] = f"Bearer {token}"
        kwargs = {} if timeout is None else {"timeout": timeout}
        return http_request(self.srv.port, method, path,
                            None if body is None else json.dumps(body), h,
                            **kwargs)

    def register(self, name, password=PASSWORD):
        r = self.call("POST", "/api/v1/auth/register",
                      {"username": name, "password": password})
        self.assertEqual(r.status, 201, r.body)

    def login(self, name, password=PASSWORD):
        return self.call("POST", "/api/v1/auth/login",
                         {"username": name, "password": password})

    def tokens(self, name):
        r = self.login(name)
        self.assertEqual(r.status, 200, r.body)
        return r.body

    def refresh(self, token):
        return self.call("POST", "/api/v1/auth/refresh",
                         {"refresh_token": token})

    def assertThrottled(self, r, status=429):
        self.assertProblem(r, status)
        self.assertIn("retry-after", r.headers)
        self.assertGreaterEqual(int(r.headers["retry-after"]), 1)
        self.assertEqual(r.body["retry_after"],
                         int(r.headers["retry-after"]))

    def assertServing(self, access_token):
        """The server still answers /healthz and another user's request."""
        self.assertEqual(self.call("GET", "/healthz").status, 200)
        r = self.call("GET", "/api/v1/todos", token=access_token)
        self.assertEqual(r.status, 200, r.body)

    def flood(self, name, n=ATTACK):
        """Starts `n` concurrent wrong-password logins for `name`; returns
        (threads, results) where results collects (status, headers, body)
        in arrival order."""
        results = []
        lock = threading.Lock()
        start = threading.Barrier(n)

        def attack(i):
            start.wait()
            try:
                r = self.call("POST", "/api/v1/auth/login",
                              {"username": name,
                               "password": f"wrong password {i}"},
                              timeout=ATTACK_TIMEOUT)
                item = (r.status, r.headers, r.body)
            except Exception as e:  # status 0 fails the checks below
                item = (0, {}, repr(e))
            with lock:
                results.append(item)

        threads = [threading.Thread(target=attack, args=(i,), daemon=True)
                   for i in range(n)]
        for t in threads:
            t.start()
        return threads, results

    @staticmethod
    def wait_for(pred, timeout=30.0):
        deadline = time.monotonic() + timeout
        while not pred():
            if time.monotonic() > deadline:
                raise AssertionError("condition not reached in time")
            time.sleep(0.01)


class LoginFloodTest(AccountServer):
    """Default limits: 10 failures per username, 100 per address."""

    def test_a_flood_of_wrong_logins_is_throttled_and_starves_nobody(self):
        self.register("alice")
        self.register("bob")
        self.register("carol")
        bob = self.tokens("bob")
        threads, results = self.flood("alice")
        self.wait_for(lambda: len(results) >= 1)
        # While the flood runs: bob's account calls and carol's login work
        # within the normal client timeout.
        me = self.call("GET", "/api/v1/me", token=bob["access_token"])
        self.assertEqual(me.status, 200, me.body)
        r = self.refresh(bob["refresh_token"])
        self.assertEqual(r.status, 200, r.body)
        bob = r.body
        r = self.login("carol")
        self.assertEqual(r.status, 200, r.body)
        for t in threads:
            t.join(ATTACK_TIMEOUT)
        self.assertEqual(len(results), ATTACK)
        statuses = [s for s, _, _ in results]
        self.assertLessEqual(set(statuses), {401, 429}, statuses)
        # At most the per-username budget was hashed at all.
        self.assertLessEqual(statuses.count(401), 10)
        self.assertGreaterEqual(statuses.count(429), ATTACK - 10)
        for status, headers, body in results:
            if status == 429:
                self.assertGreaterEqual(int(headers["retry-after"]), 1)
                self.assertEqual(body["status"], 429)
        # Alice's username stays throttled, even with her password, until
        # the window ends; the answer says when to come back.
        self.assertThrottled(self.login("alice"))
        self.assertServing(bob["access_token"])


class HashPoolTest(AccountServer):
    """Throttles off: every wrong login is hashed, on the pool."""

    args = ["--login-user-failures=0", "--login-address-failures=0",
            "--hash-queue=1000"]

    def test_me_refresh_and_logout_never_wait_behind_a_hash(self):
        self.register("alice")
        self.register("bob")
        self.register("carol")
        bob = self.tokens("bob")
        threads, results = self.flood("alice")
        self.wait_for(lambda: len(results) >= 1)
        me = self.call("GET", "/api/v1/me", token=bob["access_token"])
        self.assertEqual(me.status, 200, me.body)
        r = self.refresh(bob["refresh_token"])
        self.assertEqual(r.status, 200, r.body)
        r = self.call("POST", "/api/v1/auth/logout",
                      {"refresh_token": r.body["refresh_token"]})
        self.assertEqual(r.status, 204, r.body)
        # Another user's login takes its turn between the flood's checks.
        r = self.login("carol")
        self.assertEqual(r.status, 200, r.body)
        # They overtook the queued password checks: the flood was not over
        # when they were answered (before, they queued behind every hash).
        self.assertLess(len(results), ATTACK)
        for t in threads:
            t.join(ATTACK_TIMEOUT)
        statuses = [s for s, _, _ in results]
        self.assertEqual(len(statuses), ATTACK)
        self.assertGreater(statuses.count(401), 0)
        # Under heavy load the last checks may wait longer than a third of
        # --request-timeout: they are answered 503 + Retry-After by the
        # accounts actor (nothing happened), never a 504 that hides a login
        # still running.
        self.assertLessEqual(set(statuses), {401, 503}, statuses)
        for status, headers, _ in results:
            if status == 503:
                self.assertGreaterEqual(int(headers["retry-after"]), 1)
        self.assertServing(self.tokens("bob")["access_token"])


class AddressThrottleTest(AccountServer):
    args = ["--login-user-failures=0", "--login-address-failures=5",
            "--login-window=1min"]

    def test_failed_logins_are_throttled_per_address(self):
        self.register("alice")
        alice = self.tokens("alice")
        for i in range(5):
            r = self.login(f"user{i}", "wrong password")
            self.assertProblem(r, 401)
        # A sixth username from the same address, even a right password.
        self.assertThrottled(self.login("nobody", "wrong password"))
        r = self.login("alice")
        self.assertThrottled(r)
        self.assertLessEqual(int(r.headers["retry-after"]), 61)
        self.assertServing(alice["access_token"])


class HashQueueTest(AccountServer):
    args = ["--login-user-failures=0", "--login-address-failures=0",
            "--hash-queue=1", "--hash-workers=1"]

    def test_password_checks_beyond_the_queue_are_refused_at_once(self):
        self.register("alice")
        alice = self.tokens("alice")
        threads, results = self.flood("bob", 50)
        for t in threads:
            t.join(ATTACK_TIMEOUT)
        statuses = [s for s, _, _ in results]
        self.assertEqual(len(statuses), 50)
        self.assertLessEqual(set(statuses), {401, 503}, statuses)
        # One check at a time: 50 simultaneous logins cannot all wait.
        self.assertGreater(statuses.count(401), 0)
        self.assertGreater(statuses.count(503), 0)
        for status, headers, body in results:
            if status == 503:
                self.assertEqual(headers["retry-after"], "1")
                self.assertEqual(body["retry_after"], 1)
        self.assertServing(alice["access_token"])


class RegisterThrottleTest(AccountServer):
    args = ["--register-limit=3", "--register-window=10min"]

    def test_registrations_are_throttled_per_address(self):
        for name in ("user1", "user2", "user3"):
            self.register(name)
        r = self.call("POST", "/api/v1/auth/register",
                      {"username": "user4", "password": PASSWORD})
        self.assertThrottled(r)
        self.assertLessEqual(int(r.headers["retry-after"]), 601)
        # Nothing was created: user4 cannot log in.
        self.assertProblem(self.login("user4"), 401)
        self.assertServing(self.tokens("user1")["access_token"])


class RefreshRotationTest(AccountServer):
    args = ["--refresh-grace=2s"]

    def test_grace_period_then_replay_revokes_the_family(self):
        self.register("alice")
        first = self.tokens("alice")
        other = self.tokens("alice")  # another device: its own family
        r = self.refresh(first["refresh_token"])
        self.assertEqual(r.status, 200, r.body)
        second = r.body
        # The answer got lost (a 504, a dropped connection): the client
        # presents the old token again and gets the very same pair.
        again = self.refresh(first["refresh_token"])
        self.assertEqual(again.status, 200, again.body)
        self.assertEqual(again.body, second)
        time.sleep(2.5)
        # After the grace period the old token is a replay: refused, and
        # every token of that login is revoked.
        self.assertProblem(self.refresh(first["refresh_token"]), 401,
                           "refresh_token")
        self.assertProblem(self.refresh(second["refresh_token"]), 401,
                           "refresh_token")
        # The other device's login is untouched.
        r = self.refresh(other["refresh_token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertServing(r.body["access_token"])


class RefreshPruneTest(AccountServer):
    args = ["--access-ttl=1s", "--refresh-ttl=1s"]

    def count_tokens(self):
        db = sqlite3.connect(os.path.join(self.srv.data_dir, "actodo.db"))
        try:
            return db.execute("SELECT count(*) FROM refresh_tokens").fetchone()[0]
        finally:
            db.close()

    def test_expired_refresh_tokens_are_pruned(self):
        self.register("alice")
        self.tokens("alice")
        self.tokens("alice")
        self.srv.stop()
        self.assertEqual(self.count_tokens(), 2)
        time.sleep(1.5)
        self.srv.restart()
        # Any account call is answered after the start-up prune.
        self.assertEqual(self.login("alice").status, 200)
        self.srv.stop()
        self.assertEqual(self.count_tokens(), 1)


class AccountOptionsTest(unittest.TestCase):
    def test_invalid_account_limits_are_refused_with_the_option_named(self):
        for arg in ["--login-window=0s", "--register-window=30d",
                    "--hash-queue=0", "--hash-workers=1000",
                    "--refresh-grace=1h", "--login-user-failures=x"]:
            with self.subTest(arg=arg):
                res = subprocess.run(
                    [actodo_bin(), "serve", "--port=0", "--auth=token",
                     "--data-dir=/nonexistent/never", arg],
                    stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
                self.assertEqual(res.returncode, 2, res)
                self.assertIn(arg.split("=")[0], res.stderr.decode())


if __name__ == "__main__":
    unittest.main()
