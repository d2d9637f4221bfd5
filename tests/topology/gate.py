"""A webhook receiver on loopback that holds every request until it is opened, and
knows which process sent each one (the local process owning the request's socket)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import psutil


@dataclass
class Request:
    sender: str | None  # the name of the process that sent it, when it is one of ours
    headers: dict[str, str]
    body: bytes
    answered: bool = False  # a 200 was written back to a sender still there


@dataclass
class Gate:
    senders: Mapping[str, int]  # process name -> pid, read at each arrival
    port: int = 0
    requests: list[Request] = field(default_factory=list)
    opened: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def _sender(self, peer_port: int) -> str | None:
        for name, pid in list(self.senders.items()):
            try:
                connections = psutil.Process(pid).net_connections(kind="tcp")
            except psutil.Error:
                continue
            if any(c.laddr and c.laddr.port == peer_port for c in connections):
                return name
        return None

    def held_by(self, name: str) -> list[Request]:
        return [r for r in self.requests if r.sender == name and not r.answered]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            headers = {}
            for line in head.decode("latin-1").split("\r\n")[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            request = Request(self._sender(writer.get_extra_info("peername")[1]), headers, body)
            self.requests.append(request)
            await self.opened.wait()
            if reader.at_eof():  # the sender is gone (killed while it waited)
                return
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            await writer.drain()
            request.answered = True
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def gate(senders: Mapping[str, int]) -> AsyncIterator[Gate]:
    held = Gate(senders)
    server = await asyncio.start_server(held.handle, "127.0.0.1", 0)
    held.port = server.sockets[0].getsockname()[1]
    try:
        yield held
    finally:
        held.opened.set()
        server.close()
