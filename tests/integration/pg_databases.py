"""PostgreSQL databases for the integration tests.

With ACTODO_TEST_PG_DIR (a server of tests/pg/pg_server.sh), every Server
keeps its data in a fresh PostgreSQL database of that server instead of
SQLite: one database per data directory, so a restart finds its data."""

import os
import subprocess

PG_DIR = os.environ.get("ACTODO_TEST_PG_DIR", "")
PG_SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "..", "pg", "pg_server.sh")
_pg_databases = {}


def pg_store_for(data_dir):
    """The `--store` URI of the PostgreSQL database kept for `data_dir`."""
    uri = _pg_databases.get(data_dir)
    if uri is None:
        name = f"it_{os.getpid()}_{len(_pg_databases)}"
        out = subprocess.run(["bash", PG_SERVER, "createdb", PG_DIR, name],
                             check=True, capture_output=True, text=True,
                             timeout=60)
        uri = out.stdout.strip().splitlines()[-1]
        _pg_databases[data_dir] = uri
    return uri


def pg_dump(data_dir):
    """Everything the PostgreSQL database of `data_dir` holds, as SQL text
    (b"" without PostgreSQL)."""
    if not PG_DIR or data_dir not in _pg_databases:
        return b""
    out = subprocess.run(["/usr/lib/postgresql/15/bin/pg_dump", "--data-only",
                          _pg_databases[data_dir]],
                         check=True, capture_output=True, timeout=60)
    return out.stdout
