"""An independent WebSub hub for the interop test, built on ``flask-websub`` (PyPI):
``python hub.py PORT DB_PATH``. Its Celery tasks run eagerly, in the request that asks
for them (no broker to run here); the hub's own code does the rest: it verifies a
subscriber's intent, and on a publish ping fetches the topic, checks that the feed names
its hub and itself (``Link: rel="hub"`` and ``rel="self"``, WebSub §4) and sends the new
content to each subscriber.

It also plays the subscriber, at ``/callback`` (answers the hub's challenge, keeps what
the hub sends): ``POST /control/subscribe?topic=…`` subscribes it, and
``GET /control/received`` lists what arrived.
"""

from __future__ import annotations

import sys
import threading
from urllib.parse import urlencode

import requests
from celery import Celery
from flask import Flask, jsonify, request
from flask_websub.hub import Hub, SQLite3HubStorage


def make_app(port: int, db_path: str) -> Flask:
    base = f"http://127.0.0.1:{port}"
    celery = Celery("hub", broker="memory://", backend="cache+memory://")
    celery.conf.task_always_eager = True
    app = Flask(__name__)
    app.config["PUBLISH_SUPPORTED"] = True
    hub = Hub(SQLite3HubStorage(db_path), celery, **app.config)
    app.register_blueprint(hub.build_blueprint(url_prefix="/hub"))
    received: list[dict[str, object]] = []
    lock = threading.Lock()

    @app.get("/callback")
    def challenge() -> tuple[str, int]:
        return request.args.get("hub.challenge", ""), 200

    @app.post("/callback")
    def notified() -> tuple[str, int]:
        with lock:
            received.append(
                {
                    "link": request.headers.get("Link", ""),
                    "body": request.get_data(as_text=True),
                }
            )
        return "", 204

    @app.post("/control/subscribe")
    def subscribe() -> tuple[str, int]:
        form = {
            "hub.mode": "subscribe",
            "hub.topic": request.args["topic"],
            "hub.callback": f"{base}/callback",
            "hub.lease_seconds": "3600",
        }
        answer = requests.post(
            f"{base}/hub",
            data=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=10,
        )
        return answer.text, answer.status_code

    @app.get("/control/received")
    def listing():  # type: ignore[no-untyped-def]
        with lock:
            return jsonify(list(received))

    @app.get("/healthz")
    def health() -> str:
        return "ok"

    return app


if __name__ == "__main__":
    port = int(sys.argv[1])
    make_app(port, sys.argv[2]).run(host="127.0.0.1", port=port, threaded=True)
