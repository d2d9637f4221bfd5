"""``GET /v1``: what this API is and where its documentation lives."""

from __future__ import annotations

from pydantic import BaseModel

from api.access import OpenCaller
from api.kit.routing import new_router

router = new_router(tags=["meta"])


class ApiInfo(BaseModel):
    name: str
    version: str
    openapi: str
    docs: str


@router.get("", operation_id="meta-info", response_model=ApiInfo)
async def api_info(_: OpenCaller) -> ApiInfo:
    return ApiInfo(name="Causerie API", version="1", openapi="/openapi.json", docs="/docs")
