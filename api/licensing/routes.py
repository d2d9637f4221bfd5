"""The licensing slice's routes: the plan catalogue and a tenant's subscription."""

from __future__ import annotations

from api.kit.routing import new_router
from api.licensing import plans, subscriptions

router = new_router()
router.include_router(plans.router)
router.include_router(subscriptions.router)
