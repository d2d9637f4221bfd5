"""The production front as code: the nginx configuration and its rendering.

``nginx.conf`` beside this module is a template; :func:`render` fills it from the
settings (the body limit is always the app's ``max_body_bytes``) and the deployment's
address and upstream. ``causerie nginx-config`` prints it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")


@dataclass(frozen=True)
class FrontLimits:
    """Timeouts in seconds; the defaults are the production ones."""

    header_timeout: int = 10
    body_timeout: int = 10
    keepalive_timeout: int = 15
    send_timeout: int = 30
    connections_per_address: int = 64


def render(
    *, listen: str, upstream: str, max_body_bytes: int, limits: FrontLimits | None = None
) -> str:
    values = {
        "LISTEN": listen,
        "UPSTREAM": upstream,
        "MAX_BODY_BYTES": str(max_body_bytes),
        **{name.upper(): str(value) for name, value in asdict(limits or FrontLimits()).items()},
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    missing = sorted(set(re.findall(r"@[A-Z_]+@", text)))
    if missing:
        raise ValueError(f"unfilled placeholders in the nginx template: {missing}")
    return text
