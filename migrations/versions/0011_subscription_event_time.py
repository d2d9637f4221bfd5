"""Subscriptions: the billing system's time of the newest change applied.

A subscription change may carry ``event_at`` (when the billing system made it); one older
than ``last_event_at`` arrived out of order and is acknowledged without being applied.
Null until a change carries a time: older clients' changes apply as they come.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "subscriptions", sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("subscriptions", "last_event_at")
