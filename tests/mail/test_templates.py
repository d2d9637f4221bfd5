"""Every template renders in both languages with the context its sender gives it, and
text quoted in it stays text in the HTML part."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from api.mail.compose import Site, render
from domain.mail.model import LANGUAGES, MailMessage, MailStatus, Template

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
EVIL = "<img src=x onerror=alert(1)>"
ITEM = {"replier": EVIL, "post_title": EVIL, "quote": EVIL, "path": "/blogs/b/p"}
CONTEXTS = {
    Template.EMAIL_CHANGE_CONFIRM: ({"minutes": 1440}, "tok"),
    Template.EMAIL_CHANGE_TAKEN: ({}, None),
    Template.EMAIL_CHANGE_NOTICE: ({"new_address": "new@example.test"}, None),
    Template.EMAIL_CHANGED: ({"new_address": "new@example.test"}, None),
    Template.NEW_COMMENT: (
        {**ITEM, "commenter": EVIL, "comment_id": "c1", "notification": "new_comment"},
        None,
    ),
    Template.MODERATION_DIGEST: (
        {
            "count": 7,
            "comments": [{"author": EVIL, "post_title": EVIL, "quote": EVIL}],
            "notification": "moderation_digest",
        },
        None,
    ),
    Template.REPLY_DIGEST: (
        {"count": 1, "replies": [{**ITEM, "comment_id": "c2"}], "notification": "reply"},
        None,
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", list(CONTEXTS))
async def test_each_new_template_renders_and_escapes(factory, settings, template, language):
    world = await factory.world()
    context, secret = CONTEXTS[template]
    message = MailMessage(
        tenant_id=world.tenant.id,
        id=uuid4(),
        to_address="someone@example.test",
        to_name="Someone",
        template=template.value,
        language=language,
        context={**context, "user_id": str(uuid4())},
        secret=secret,
        status=MailStatus.PENDING,
        attempts=0,
        due_at=NOW,
        created_at=NOW,
    )
    site = Site(world.tenant, f"https://causerie.test/s/{world.slug}")
    subject, text, html = render(settings, site, message, b"k")
    assert subject and "\n" not in subject
    assert "Test Brand" in subject
    assert EVIL not in html
    if EVIL in str(context):
        assert "&lt;img src=x onerror=alert(1)&gt;" in html and EVIL in text
