"""A real HTTP receiver on loopback for outbound tests: it records what it is sent and
answers as told (a status, a redirect, a huge body, or nothing at all)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    port: int = 0
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False
    huge_bytes: int = 0  # stream this many bytes of body instead of ``body``
    received: list[Received] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    # The status to answer each request with, from what it carried (else ``status``).
    answer_with: Callable[[Received], int] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            got = Received(method, path, headers, body)
            self.received.append(got)
            self.arrived.set()
            status = self.answer_with(got) if self.answer_with is not None else self.status
            if self.hang:
                await asyncio.sleep(3600)  # the sender's time cap ends this, never the test
            length = self.huge_bytes or len(self.body)
            extra = "".join(f"{k}: {v}\r\n" for k, v in self.headers.items())
            writer.write(
                f"HTTP/1.1 {status} X\r\nContent-Length: {length}\r\n{extra}"
                "Connection: close\r\n\r\n".encode()
            )
            if self.huge_bytes:
                chunk = b"x" * 65536
                sent = 0
                while sent < self.huge_bytes:
                    writer.write(chunk)
                    await writer.drain()
                    sent += len(chunk)
            else:
                writer.write(self.body)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def receiver(**behaviour: object) -> AsyncIterator[Receiver]:
    rec = Receiver(**behaviour)  # type: ignore[arg-type]
    server = await asyncio.start_server(rec.handle, "127.0.0.1", 0)
    rec.port = server.sockets[0].getsockname()[1]
    try:
        yield rec
    finally:
        server.close()
