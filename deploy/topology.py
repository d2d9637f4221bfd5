"""The production topology on loopback, from the engines a deployment would run.

    python -m deploy.topology up [--api 2] [--workers 1]   # make topology
    python -m deploy.topology down                          # make topology-down

nginx (``causerie nginx-config``'s front) -> N API processes (``causerie serve``) and M
workers (``causerie worker``) -> PgBouncer in transaction mode -> a PostgreSQL 15
primary and a streaming replica made from it with ``pg_basebackup -R`` -> Redis.

- The API processes reach both clusters through PgBouncer (databases ``causerie`` and
  ``causerie_replica``), with asyncpg's statement cache off
  (``CAUSERIE_DB_STATEMENT_CACHE=false``). Their public-cache LISTEN and the workers
  (whose job queue LISTENs too) connect to the primary directly: a pooler in
  transaction mode cannot carry a session's LISTEN.
- PgBouncer ignores the ``jit`` start-up parameter the app sends
  (``ignore_startup_parameters``); both clusters run with ``jit = off`` instead.
- Everything lives under ``var/topology`` (``TOPOLOGY_DIR``) and listens on 127.0.0.1
  from ``TOPOLOGY_PORT`` (default 18000): nginx on it, PgBouncer +1, primary +2,
  replica +3, Redis +4, API processes from +10. ``state.json`` there names every
  process, its port and pid, so ``down`` (and the tests) stop exactly those.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from api.front import render

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("TOPOLOGY_PG_BIN", "/usr/lib/postgresql/15/bin"))
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CAUSERIE = str(Path(sys.executable).with_name("causerie"))
# PostgreSQL and PgBouncer refuse to run as root: as root, they run as this user.
SERVICE_USER = os.environ.get("TOPOLOGY_USER", "postgres")
DATABASE = "causerie"
APP_ROLE = "causerie_app"


@dataclass
class Topology:
    home: Path
    base_port: int = 18000
    api: int = 2
    workers: int = 1
    pids: dict[str, int] = field(default_factory=dict)
    api_ports: list[int] = field(default_factory=list)
    jwt_keys: str = ""
    # More settings for the API processes and workers (the tests raise some limits).
    app_env: dict[str, str] = field(default_factory=dict)

    @property
    def nginx_port(self) -> int:
        return self.base_port

    @property
    def pgbouncer_port(self) -> int:
        return self.base_port + 1

    @property
    def primary_port(self) -> int:
        return self.base_port + 2

    @property
    def replica_port(self) -> int:
        return self.base_port + 3

    @property
    def redis_port(self) -> int:
        return self.base_port + 4

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def owner_url(self, port: int | None = None) -> str:
        return f"postgresql://postgres@127.0.0.1:{port or self.primary_port}/{DATABASE}"

    def app_url(self, port: int, database: str = DATABASE) -> str:
        return f"postgresql://{APP_ROLE}@127.0.0.1:{port}/{database}"

    # --- state ------------------------------------------------------------------------

    @property
    def state_file(self) -> Path:
        return self.home / "state.json"

    def save(self) -> None:
        data = asdict(self)
        data["home"] = str(self.home)
        self.state_file.write_text(json.dumps(data, indent=2))

    @classmethod
    def load(cls, home: Path) -> Topology:
        data = json.loads((home / "state.json").read_text())
        data["home"] = Path(data["home"])
        return cls(**data)


# --- helpers -------------------------------------------------------------------------


def _as_service(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SERVICE_USER, "--", *cmd]
    return cmd


def _run(cmd: list[str], **kw: object) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)  # type: ignore[call-overload]


def _owned_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(path, SERVICE_USER, SERVICE_USER)
    return path


def wait_for_port(port: int, bound: float = 60.0) -> None:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {bound:.0f} s")


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


# --- PostgreSQL ----------------------------------------------------------------------


def _pg_ctl(data: Path, *args: str) -> None:
    _run(_as_service([str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-t", "60", *args]))


def start_cluster(topo: Topology, name: str) -> None:
    data = topo.home / name
    _pg_ctl(data, "-l", str(topo.home / f"{name}.log"), "start")


def stop_cluster(topo: Topology, name: str, mode: str = "fast") -> None:
    data = topo.home / name
    if (data / "postmaster.pid").exists():
        _pg_ctl(data, "-m", mode, "stop")


def _primary(topo: Topology) -> None:
    data = topo.home / "primary"
    _owned_dir(data)
    _run(_as_service([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres",
                      "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]))  # fmt: skip
    sockets = _owned_dir(topo.home / "sockets")
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"\nport = {topo.primary_port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{sockets}'\n"
            "wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n"
            "max_connections = 200\njit = off\nfsync = off\n"
        )
    with (data / "pg_hba.conf").open("a") as hba:
        hba.write("host replication all 127.0.0.1/32 trust\n")
    start_cluster(topo, "primary")
    _run(
        _as_service([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p",
                     str(topo.primary_port), "-U", "postgres", DATABASE])
    )  # fmt: skip


def _replica(topo: Topology) -> None:
    data = topo.home / "replica"
    _owned_dir(data)
    os.chmod(data, 0o700)
    _run(_as_service([str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p",
                      str(topo.primary_port), "-U", "postgres", "-D", str(data), "-R",
                      "-X", "stream", "-c", "fast"]))  # fmt: skip
    with (data / "postgresql.auto.conf").open("a") as conf:
        conf.write(f"port = {topo.replica_port}\n")
    start_cluster(topo, "replica")


# --- PgBouncer, Redis, nginx -------------------------------------------------------------


def _pgbouncer_ini(topo: Topology) -> Path:
    home = _owned_dir(topo.home / "pgbouncer")
    users = home / "userlist.txt"
    users.write_text(f'"{APP_ROLE}" ""\n"postgres" ""\n')
    ini = home / "pgbouncer.ini"
    pool = os.environ.get("TOPOLOGY_POOL_SIZE", "20")
    ini.write_text(
        f"""[databases]
{DATABASE} = host=127.0.0.1 port={topo.primary_port} dbname={DATABASE}
{DATABASE}_replica = host=127.0.0.1 port={topo.replica_port} dbname={DATABASE}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {topo.pgbouncer_port}
unix_socket_dir =
auth_type = trust
auth_file = {users}
admin_users = postgres
server_login_retry = 1
pool_mode = transaction
default_pool_size = {pool}
max_client_conn = 1000
ignore_startup_parameters = extra_float_digits,jit
server_connect_timeout = 3
query_wait_timeout = 5
logfile = {home / "pgbouncer.log"}
pidfile = {home / "pgbouncer.pid"}
"""
    )
    for path in (users, ini):
        if os.geteuid() == 0:
            shutil.chown(path, SERVICE_USER, SERVICE_USER)
    return ini


def start_pgbouncer(topo: Topology) -> None:
    ini = topo.home / "pgbouncer" / "pgbouncer.ini"
    _run(_as_service([PGBOUNCER, "-d", str(ini)]))
    wait_for_port(topo.pgbouncer_port)
    pid = topo.home / "pgbouncer" / "pgbouncer.pid"
    topo.pids["pgbouncer"] = int(pid.read_text())
    topo.save()


def stop_pgbouncer(topo: Topology) -> None:
    _stop_pid(topo, "pgbouncer")
    deadline = time.monotonic() + 30
    while not _free(topo.pgbouncer_port) and time.monotonic() < deadline:
        time.sleep(0.05)


def start_redis(topo: Topology) -> None:
    home = topo.home / "redis"
    home.mkdir(exist_ok=True)
    proc = subprocess.Popen(
        [REDIS, "--port", str(topo.redis_port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(home)],
        stdout=(home / "redis.log").open("a"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    topo.pids["redis"] = proc.pid
    topo.save()
    wait_for_port(topo.redis_port)


def _nginx_conf(topo: Topology, ports: list[int]) -> Path:
    home = topo.home / "nginx"
    for sub in ("logs", "tmp"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    first = f"127.0.0.1:{ports[0]}"
    text = render(listen=f"127.0.0.1:{topo.nginx_port}", upstream=first, max_body_bytes=1 << 20)
    servers = "\n        ".join(f"server 127.0.0.1:{p};" for p in ports)
    text = text.replace(f"server {first};", servers)
    conf = home / "nginx.conf"
    conf.write_text(text.replace("worker_processes auto;", "worker_processes 1;"))
    return conf


def route_to(topo: Topology, ports: list[int]) -> None:
    """nginx sends the API's traffic to these processes only (a graceful reload)."""
    conf = _nginx_conf(topo, ports)
    _run([NGINX, "-p", str(conf.parent), "-c", str(conf), "-e",
          str(conf.parent / "logs" / "error.log"), "-s", "reload"])  # fmt: skip


def _nginx(topo: Topology) -> None:
    conf = _nginx_conf(topo, topo.api_ports)
    home = conf.parent
    _run([NGINX, "-p", str(home), "-c", str(conf), "-e", str(home / "logs" / "error.log")])
    wait_for_port(topo.nginx_port)
    topo.pids["nginx"] = int((home / "nginx.pid").read_text())
    topo.save()


# --- the API processes and the workers -------------------------------------------------


def app_environment(topo: Topology) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAUSERIE_")}
    env.pop("DATABASE_URL", None)
    env.update(
        CAUSERIE_APP_DATABASE_URL=topo.app_url(topo.pgbouncer_port),
        CAUSERIE_DB_STATEMENT_CACHE="false",
        CAUSERIE_LISTEN_DATABASE_URL=topo.app_url(topo.primary_port),
        CAUSERIE_READ_REPLICA_URL=topo.app_url(topo.pgbouncer_port, f"{DATABASE}_replica"),
        CAUSERIE_DB_POOL_TIMEOUT_SECONDS=os.environ.get("TOPOLOGY_POOL_TIMEOUT", "5"),
        REDIS_URL=f"redis://127.0.0.1:{topo.redis_port}/0",
        CAUSERIE_JWT_KEYS=topo.jwt_keys,
        CAUSERIE_TRUSTED_PROXY_HOPS="1",
        CAUSERIE_SERVE_WITH_WORKER="false",
        # Several API processes: none may start the built-in catcher (one port for all);
        # mail goes to CAUSERIE_MAIL_SMTP_HOST when the caller sets one (topo.app_env).
        CAUSERIE_MAIL_CATCHER="false",
        CAUSERIE_OUTBOUND_ALLOW_LOOPBACK="true",
        CAUSERIE_LOG_LEVEL="WARNING",
    )
    env.update(topo.app_env)
    return env


def start_api(topo: Topology, index: int) -> None:
    port = topo.api_ports[index]
    log = (topo.home / f"api{index}.log").open("a")
    proc = subprocess.Popen(
        [CAUSERIE, "serve", "--no-migrate", "--port", str(port)],
        env=app_environment(topo), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    topo.pids[f"api{index}"] = proc.pid
    topo.save()
    wait_for_port(port)


def start_worker(topo: Topology, index: int) -> None:
    env = app_environment(topo)
    # The job queue LISTENs: the workers reach the primary directly.
    env["CAUSERIE_APP_DATABASE_URL"] = topo.app_url(topo.primary_port)
    env["CAUSERIE_DB_STATEMENT_CACHE"] = "true"
    env.pop("CAUSERIE_READ_REPLICA_URL")
    log = (topo.home / f"worker{index}.log").open("a")
    proc = subprocess.Popen(
        [CAUSERIE, "worker"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    topo.pids[f"worker{index}"] = proc.pid
    topo.save()


def _stop_pid(topo: Topology, name: str, sig: int = signal.SIGTERM, bound: float = 20) -> None:
    pid = topo.pids.pop(name, None)
    topo.save()
    if pid is None:
        return
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        # Our own children are reaped here; others (daemons) simply vanish.
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            pass
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


def stop_api(topo: Topology, index: int) -> None:
    _stop_pid(topo, f"api{index}")


def stop_worker(topo: Topology, index: int, sig: int = signal.SIGTERM) -> None:
    """``signal.SIGKILL`` kills it mid-job: what it held is taken by another worker once
    the job's lease (``CAUSERIE_WORKER_LEASE_SECONDS``) has run out."""
    _stop_pid(topo, f"worker{index}", sig)


# --- up and down ---------------------------------------------------------------------


def up(
    home: Path,
    *,
    base_port: int = 18000,
    api: int = 2,
    workers: int = 1,
    seed_demo: bool = True,
    app_env: dict[str, str] | None = None,
) -> Topology:
    if (home / "state.json").exists():
        down(home)
    if home.exists():
        shutil.rmtree(home)
    _owned_dir(home)
    topo = Topology(
        home=home.resolve(), base_port=base_port, api=api, workers=workers, app_env=app_env or {}
    )
    topo.api_ports = [base_port + 10 + i for i in range(api)]
    topo.jwt_keys = f"topology:{secrets.token_urlsafe(32)}"
    busy = [p for p in (base_port, *range(base_port + 1, base_port + 5), *topo.api_ports)]
    taken = [p for p in busy if not _free(p)]
    if taken:
        raise SystemExit(f"ports already in use on 127.0.0.1: {taken}")
    topo.save()
    try:
        _primary(topo)
        env = {**os.environ, "DATABASE_URL": topo.owner_url()}
        env.pop("CAUSERIE_APP_DATABASE_URL", None)
        _run([CAUSERIE, "migrate"], env=env, cwd=ROOT)
        if seed_demo:  # the demo tenant, its accounts and posts (causerie seed-demo)
            _run([CAUSERIE, "seed-demo"], env=env, cwd=ROOT)
        _replica(topo)
        _pgbouncer_ini(topo)
        start_pgbouncer(topo)
        start_redis(topo)
        for i in range(api):
            start_api(topo, i)
        for i in range(workers):
            start_worker(topo, i)
        _nginx(topo)
    except BaseException:
        down(home)
        raise
    return topo


def down(home: Path) -> None:
    if not (home / "state.json").exists():
        return
    topo = Topology.load(home)
    if "nginx" in topo.pids:
        conf = topo.home / "nginx" / "nginx.conf"
        subprocess.run(
            [NGINX, "-p", str(conf.parent), "-c", str(conf), "-s", "stop"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
        )  # fmt: skip
        _stop_pid(topo, "nginx")
    for name in [n for n in topo.pids if n.startswith(("api", "worker"))]:
        _stop_pid(topo, name)
    for name in ("pgbouncer", "redis"):
        _stop_pid(topo, name)
    for cluster in ("replica", "primary"):
        with contextlib.suppress(subprocess.CalledProcessError):
            stop_cluster(topo, cluster, "immediate" if cluster == "replica" else "fast")
    topo.state_file.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "down"])
    parser.add_argument("--api", type=int, default=int(os.environ.get("TOPOLOGY_API", "2")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("TOPOLOGY_WORKERS", "1")))
    args = parser.parse_args()
    home = Path(os.environ.get("TOPOLOGY_DIR", ROOT / "var" / "topology"))
    base_port = int(os.environ.get("TOPOLOGY_PORT", "18000"))
    if args.command == "up":
        topo = up(home, base_port=base_port, api=args.api, workers=args.workers)
        print(f"topology up: {topo.url} (state in {topo.state_file})")
    else:
        down(home)
        print("topology down")


if __name__ == "__main__":
    main()
