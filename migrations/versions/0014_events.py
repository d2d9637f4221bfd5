"""Events: the outbox that use cases' domain events are written to.

A use case's events are inserted in the same transaction as its change (see
persistence/events/outbox.py). ``available_at`` is when the event may leave: the commit
time for most, the publication time for a scheduled post. Rows with a ``coalesce_key``
that no worker has taken yet are folded into the newest (one ``rating.changed`` per post).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.util import await_only

from persistence.database import APP_ROLE
from persistence.jobs import JOBS_SCHEMA, install_sql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column(
            "tenant_id",
            UUID(as_uuid=True),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("available_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("coalesce_key", sa.String(120), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "outbox_pending",
        "outbox",
        ["available_at"],
        postgresql_where=sa.text("dispatched_at IS NULL"),
    )
    op.create_index(
        "outbox_pending_coalesce",
        "outbox",
        ["tenant_id", "coalesce_key"],
        unique=True,
        postgresql_where=sa.text("dispatched_at IS NULL AND coalesce_key IS NOT NULL"),
    )
    op.execute("ALTER TABLE outbox ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE outbox FORCE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY outbox_tenant ON outbox FOR ALL "
        "USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())"
    )

    # The worker finds which tenants have events due before it knows any tenant; it learns
    # their ids only, and reads the events in each tenant's context.
    op.execute(
        """
        CREATE FUNCTION tenants_with_due_events(p_now timestamptz)
        RETURNS TABLE (tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
        $$ SELECT DISTINCT o.tenant_id FROM outbox o
           WHERE o.dispatched_at IS NULL AND o.available_at <= p_now $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION tenants_with_due_events(timestamptz) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION tenants_with_due_events(timestamptz) TO {APP_ROLE}")
    # For /metrics: how many events wait and how long the oldest due one has waited,
    # over every tenant, without showing any row.
    op.execute(
        """
        CREATE FUNCTION outbox_backlog(p_now timestamptz)
        RETURNS TABLE (pending bigint, oldest_due_seconds double precision)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
        $$ SELECT count(*) FILTER (WHERE available_at <= p_now),
                  extract(epoch FROM p_now - min(available_at) FILTER (WHERE available_at <= p_now))
           FROM outbox WHERE dispatched_at IS NULL $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION outbox_backlog(timestamptz) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION outbox_backlog(timestamptz) TO {APP_ROLE}")
    # The job queue (pgqueuer) in a schema of its own: jobs are not tenant rows (a job
    # names its tenant, and the worker enters that tenant's context to do it).
    _run_script(install_sql())
    op.execute(f"GRANT USAGE ON SCHEMA {JOBS_SCHEMA} TO {APP_ROLE}")
    op.execute(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {JOBS_SCHEMA} TO {APP_ROLE}"
    )
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {JOBS_SCHEMA} TO {APP_ROLE}")
    op.execute(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {JOBS_SCHEMA} TO {APP_ROLE}")


def _run_script(sql: str) -> None:
    """Several statements in one go: asyncpg's simple protocol takes a script, the
    prepared statements of ``op.execute`` do not."""
    driver = op.get_bind().connection.dbapi_connection.driver_connection  # type: ignore[union-attr]
    await_only(driver.execute(sql))


def downgrade() -> None:
    op.execute(f"DROP SCHEMA {JOBS_SCHEMA} CASCADE")
    op.execute("DROP FUNCTION tenants_with_due_events(timestamptz)")
    op.execute("DROP FUNCTION outbox_backlog(timestamptz)")
    op.drop_table("outbox")
