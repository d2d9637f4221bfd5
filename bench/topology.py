"""The production topology under load, in one run (``make bench-topology``).

Starts deploy/topology.py's topology (nginx -> two API processes -> PgBouncer in
transaction mode -> primary + streaming replica -> Redis; the demo tenant seeded),
then loads it through nginx, with 2 API processes and then with 1 (nginx reloaded to
send everything to the first), each for ``BENCH_SECONDS`` (default 8) at
``BENCH_CONNECTIONS`` (default 16) connections from this process's own client:

- public reads that reach the database: a signed-in reader's post list (a signed-in
  read is never answered by the public cache), from the replica;
- the same with ``Causerie-Read-Primary: 1``, from the primary;
- comment writes by that reader (rate limits raised for the run).

It prints requests per second, p50/p99 latency, errors, the ratios 2/1 processes and
replica/primary, and each API process's resident memory (now and at its peak), and
writes the same as JSON to bench/results/topology.json. The load client shares the
machine's cores with everything it loads, which caps the 2-process ratio further.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from deploy import topology as deploy

SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SITE = "/v1/sites/demo"
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


async def _load(base: str, request: Callable[[httpx.AsyncClient], object], expect: int) -> Result:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        deadline = time.perf_counter() + SECONDS

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                answer = await request(client)  # type: ignore[misc]
                latencies.append(time.perf_counter() - started)
                if answer.status_code != expect:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return Result(
        rps=len(latencies) / elapsed,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=latencies[int(len(latencies) * 0.99) - 1] * 1000,
        errors=errors,
    )


def _memory(pid: int) -> tuple[float, float]:
    now = peak = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    except OSError:
        pass
    return now, peak


async def _run(topo: deploy.Topology) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=topo.url, timeout=30) as client:
        token = await client.post(
            "/v1/auth/token",
            data={"username": "reader@demo.causerie.test", "password": "causerie-demo"},
        )
        token.raise_for_status()
        reader = {"Authorization": f"Bearer {token.json()['access_token']}"}
        post = (await client.get(f"{SITE}/posts")).json()["items"][0]
    primary = {**reader, "Causerie-Read-Primary": "1"}

    def replica_read(c: httpx.AsyncClient) -> object:
        return c.get(f"{SITE}/posts", headers=reader)

    def primary_read(c: httpx.AsyncClient) -> object:
        return c.get(f"{SITE}/posts", headers=primary)

    def comment(c: httpx.AsyncClient) -> object:
        body = {"body": f"Un commentaire de charge {uuid.uuid4().hex[:12]}"}
        return c.post(f"{SITE}/posts/{post['id']}/comments", json=body, headers=reader)

    table: dict[str, dict[str, Result]] = {}
    for processes in (2, 1):
        deploy.route_to(topo, topo.api_ports[:processes])
        rows = {}
        for name, request, expect in (
            ("public reads, replica", replica_read, 200),
            ("public reads, primary", primary_read, 200),
            ("comment writes", comment, 201),
        ):
            rows[name] = await _load(topo.url, request, expect)
            print(f"{processes} API process(es), {name}: {rows[name]}", flush=True)
        table[f"{processes}"] = rows
    memory = {name: _memory(pid) for name, pid in topo.pids.items() if name.startswith("api")}
    return {"table": table, "memory": memory}


def main() -> None:
    home = Path(os.environ.get("TOPOLOGY_DIR", deploy.ROOT / "var" / "topology-bench"))
    base = int(os.environ.get("TOPOLOGY_PORT", "18500"))
    load_before = os.getloadavg()
    topo = deploy.up(
        home,
        base_port=base,
        api=2,
        workers=1,
        app_env={
            "CAUSERIE_COMMENTS_PER_IP_PER_MINUTE": "10000000",
            "CAUSERIE_COMMENTS_PER_USER_PER_MINUTE": "10000000",
            "CAUSERIE_SIGN_IN_PER_IP_PER_MINUTE": "100000",
        },
    )
    try:
        found = asyncio.run(_run(topo))
    finally:
        deploy.down(home)
    table: dict[str, dict[str, Result]] = found["table"]  # type: ignore[assignment]
    print(f"\nload average before {load_before}, after {os.getloadavg()}")
    print(f"{SECONDS:.0f} s each, {CONNECTIONS} connections, through nginx and PgBouncer\n")
    print("| load | 1 process rps | 2 processes rps | 2/1 | p50 ms (1 / 2) | p99 ms (1 / 2) |")
    print("|---|---|---|---|---|---|")
    for name in table["1"]:
        one, two = table["1"][name], table["2"][name]
        print(
            f"| {name} | {one.rps:.0f} | {two.rps:.0f} | {two.rps / one.rps:.2f} | "
            f"{one.p50_ms:.1f} / {two.p50_ms:.1f} | {one.p99_ms:.1f} / {two.p99_ms:.1f} |"
        )
    for processes in ("1", "2"):
        rows = table[processes]
        ratio = rows["public reads, replica"].rps / rows["public reads, primary"].rps
        print(f"\nreplica/primary, {processes} process(es): {ratio:.2f}")
    errors = sum(r.errors for rows in table.values() for r in rows.values())
    print(f"errors: {errors}")
    for name, (now, peak) in found["memory"].items():  # type: ignore[attr-defined]
        print(f"{name}: {now:.0f} MB resident after the run, {peak:.0f} MB at its peak")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "topology.json").write_text(
        json.dumps(
            {
                "seconds": SECONDS,
                "connections": CONNECTIONS,
                "table": {p: {n: asdict(r) for n, r in rows.items()} for p, rows in table.items()},
                "memory_mb": found["memory"],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
