"""Let the definer look-up functions see across tenants under a non-superuser owner.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from alembic import op
from helpers import allow_owner_reads

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("tenant_domains", "api_keys", "subscriptions")


def upgrade() -> None:
    for table in TABLES:
        allow_owner_reads(table)


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP POLICY IF EXISTS {table}_owner_read ON {table}")
