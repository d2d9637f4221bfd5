"""A value the database cannot store is refused as invalid input, never a 500: the
backstop behind the schemas (they refuse NUL characters and out-of-range values first),
for a field one of them would miss."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from domain.kernel.errors import InvalidInput
from persistence.database import Database


@pytest.mark.parametrize(
    ("statement", "value"),
    [
        ("SELECT CAST(:v AS text)", "a\x00b"),  # NUL: untranslatable character
        ("SELECT CAST(CAST(:v AS text) AS smallint)", "70000"),
        (
            "SELECT CAST(CAST(:v AS text) AS timestamptz) + interval '300000 years' > now()",
            "9999-01-01",
        ),
    ],
    ids=["nul", "out-of-range", "date-overflow"],
)
async def test_a_value_the_database_refuses_is_invalid_input(
    db: Database, statement: str, value: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        async with db.transaction() as tx:
            await tx.connection.execute(text(statement), {"v": value})
    assert "cannot be stored" in str(refused.value)


async def test_nul_in_a_webhook_description_is_a_422(client, factory) -> None:
    world = await factory.world(plan="business")
    answer = await client.post(
        f"/v1/tenants/{world.slug}/webhooks",
        json={
            "url": "https://hooks.example.com/in",
            "event_types": ["post.published"],
            "description": "a\x00b",
        },
        headers=world.headers["owner"],
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
