"""An independent IndieWeb site for the Webmention interop test, built on the
``webmentions`` package (PyPI; its own discovery, sending, source fetching and mf2
parsing): ``python peer.py PORT``.

- ``GET /article``: a page of the peer's; the package's middleware advertises its
  Webmention endpoint in the Link header, where a Causerie post that links here finds it;
- ``POST /webmentions``, ``GET /webmentions?resource=…&direction=in``: the package's
  receiving endpoint and what it stored (in memory here);
- ``GET /reply?target=…&text=…``: an h-entry replying to ``target``, by an h-card;
- ``POST /control/send?source=…``: the package sends the mentions of that page of ours
  (it discovers each linked page's endpoint and POSTs to it).
"""

from __future__ import annotations

import html
import sys

import uvicorn
from fastapi import FastAPI, Query
from fastapi.responses import HTMLResponse
from webmentions import WebmentionsHandler
from webmentions._model import Webmention, WebmentionDirection
from webmentions.server.adapters.fastapi import bind_webmentions
from webmentions.storage import WebmentionsStorage


class MemoryStorage(WebmentionsStorage):
    def __init__(self) -> None:
        self.mentions: dict[tuple[str, str, str], Webmention] = {}

    def store_webmention(self, mention: Webmention) -> Webmention:
        self.mentions[(mention.source, mention.target, str(mention.direction))] = mention
        return mention

    def delete_webmention(self, source: str, target: str, direction: WebmentionDirection) -> None:
        self.mentions.pop((source, target, str(direction)), None)

    def retrieve_webmentions(
        self, resource: str, direction: WebmentionDirection
    ) -> list[Webmention]:
        return [
            m
            for m in self.mentions.values()
            if m.direction == direction
            and (m.target if direction == WebmentionDirection.IN else m.source) == resource
        ]


def make_app(port: int) -> FastAPI:
    base = f"http://127.0.0.1:{port}"
    handler = WebmentionsHandler(
        storage=MemoryStorage(),
        base_url=base,
        ssrf_protection=False,  # everything in this test is on loopback
        http_timeout=10,
    )
    app = FastAPI()
    bind_webmentions(app, handler)

    @app.get("/article", response_class=HTMLResponse)
    def article() -> str:
        return "<!doctype html><html><body><article class='h-entry'><p>Hello.</p></article></body></html>"

    @app.get("/reply", response_class=HTMLResponse)
    def reply(target: str = Query(), text: str = Query(default="Nice post!")) -> str:
        t = html.escape(target, quote=True)
        return f"""<!doctype html><html><body>
<article class="h-entry">
  <a class="u-in-reply-to" href="{t}">in reply to</a>
  <a class="p-author h-card" href="{base}/">Peer <b>Person</b>
    <img class="u-photo" src="{base}/me.png" alt=""></a>
  <div class="e-content"><p>{html.escape(text)}</p></div>
</article></body></html>"""

    @app.post("/control/send")
    def send(source: str = Query()) -> dict[str, str]:
        handler.process_outgoing_webmentions(source)
        return {"sent": source}

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"ok": "yes"}

    return app


if __name__ == "__main__":
    port = int(sys.argv[1])
    uvicorn.run(make_app(port), host="127.0.0.1", port=port, log_level="warning")
