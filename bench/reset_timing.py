"""Does a reset request take as long for an unknown address as for a known one?

``python -m bench.reset_timing``: an embedded PostgreSQL under ``var/bench-postgres`` (or
``BENCH_DATABASE_URL``, an owner URL allowed to create databases), a fresh
``causerie_reset`` database, migrated, with the demo site seeded; Causerie in one uvicorn
worker with the reset limits raised so that none refuses. ``RESET_ACCOUNTS`` (default 20)
readers sign up first; then ``RESET_REQUESTS`` (default 300) requests of each kind are
sent one at a time, known and unknown in a shuffled order: a known address (one of those
readers, at most ``RESET_REQUESTS / RESET_ACCOUNTS`` times each, under the hourly cap, so
that every known request mints a token and queues its mail) or an address nobody has.
It prints each kind's p50 and p90 and the difference. One run's figures on a shared
machine: a measurement, not a threshold.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import time
from pathlib import Path
from uuid import uuid4

import httpx

from bench.run import JWT_SPEC, _free_port, _wait_until_up
from bench.signup_burst import UVICORN, _prepare_database

ROOT = Path(__file__).resolve().parent.parent
DB = "causerie_reset"
ACCOUNTS = int(os.environ.get("RESET_ACCOUNTS", "20"))
REQUESTS = int(os.environ.get("RESET_REQUESTS", "300"))
RESET_PATH = "/v1/sites/demo/password-reset"


def _p(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return ordered[max(0, int(len(ordered) * q) - 1)] * 1000


async def _measure(base: str) -> list[str]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        known = []
        for n in range(ACCOUNTS):
            email = f"reset-{n}-{uuid4().hex[:8]}@example.test"
            answer = await client.post(
                "/v1/sites/demo/signup",
                json={"email": email, "password": "a long enough password", "display_name": "R"},
            )
            assert answer.status_code == 201, answer.text
            known.append(email)
        plan = [("known", known[i % ACCOUNTS]) for i in range(REQUESTS)]
        plan += [("unknown", f"nobody-{uuid4().hex}@example.test") for _ in range(REQUESTS)]
        random.Random(19).shuffle(plan)
        for _ in range(20):  # warm up connections and statement caches
            await client.post(RESET_PATH, json={"email": f"warm-{uuid4().hex}@example.test"})
        timings: dict[str, list[float]] = {"known": [], "unknown": []}
        statuses: set[int] = set()
        for kind, email in plan:
            started = time.perf_counter()
            answer = await client.post(RESET_PATH, json={"email": email})
            timings[kind].append(time.perf_counter() - started)
            statuses.add(answer.status_code)
    load = os.getloadavg()
    rows = [
        f"Reset requests ({RESET_PATH}), one at a time, one Causerie worker, "
        f"{os.cpu_count()} CPUs shared with whatever else runs "
        f"(load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}); answers: {sorted(statuses)}.",
        "",
        "| address | requests | p50 ms | p90 ms | mean ms |",
        "|---|---|---|---|---|",
    ]
    for kind in ("known", "unknown"):
        t = timings[kind]
        rows.append(
            f"| {kind} | {len(t)} | {statistics.median(t) * 1000:.2f} | {_p(t, 0.9):.2f} "
            f"| {statistics.fmean(t) * 1000:.2f} |"
        )
    gap = statistics.median(timings["known"]) - statistics.median(timings["unknown"])
    rows += ["", f"p50 known - unknown: {gap * 1000:+.2f} ms."]
    return rows


def main() -> None:
    from persistence.database import async_url

    server = None
    if os.environ.get("BENCH_DATABASE_URL"):
        owner = async_url(os.environ["BENCH_DATABASE_URL"])
    else:
        from persistence.embedded import EmbeddedPostgres

        server = EmbeddedPostgres(ROOT / "var" / "bench-postgres")
        owner = server.start()
    process = None
    try:
        _prepare_database(owner, DB)
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": owner.set(database=DB).render_as_string(hide_password=False),
            "CAUSERIE_DATA_DIR": str(ROOT / "var" / "bench-data"),
            "CAUSERIE_JWT_KEYS": JWT_SPEC,
            "CAUSERIE_LOG_LEVEL": "WARNING",
            # No limit may refuse: every request does its full work.
            "CAUSERIE_SIGN_IN_PER_IP_PER_MINUTE": "100000",
            "CAUSERIE_PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_MINUTE": "100",
            "CAUSERIE_PASSWORD_RESETS_PER_ADDRESS_PER_HOUR": "100",
        }
        process = subprocess.Popen(
            [*UVICORN, "api.main:app", "--port", str(port)], env=env, cwd=ROOT
        )
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base)
        lines = asyncio.run(_measure(base))
        print("\n".join(lines))
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        (results / "reset-timing.md").write_text("\n".join(lines) + "\n")
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
