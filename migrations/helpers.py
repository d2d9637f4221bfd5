"""Shared pieces for revisions: the row-level-security recipe every tenant-owned table gets."""

from alembic import op


def enable_tenant_rls(table: str, *, extra_using: str | None = None) -> None:
    """Enable and FORCE RLS on ``table`` with a policy on ``app_current_tenant()``.

    ``extra_using`` widens what may be *read* (for example a user's own memberships
    across tenants); writes always need the row to belong to the current tenant.
    """
    using = "tenant_id = app_current_tenant()"
    if extra_using:
        using = f"({using}) OR ({extra_using})"
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {table}_tenant_read ON {table} FOR SELECT USING ({using})")
    op.execute(
        f"CREATE POLICY {table}_tenant_write ON {table} FOR ALL "
        "USING (tenant_id = app_current_tenant()) "
        "WITH CHECK (tenant_id = app_current_tenant())"
    )


def allow_owner_reads(table: str) -> None:
    """Let the owning role read every row of ``table``.

    Only the ``SECURITY DEFINER`` look-up functions (which run as the owner) need this:
    with FORCE ROW LEVEL SECURITY a non-superuser owner would otherwise see nothing
    outside a tenant context. The application role is not the owner, so it gains nothing.
    """
    owner = op.get_bind().exec_driver_sql("SELECT current_user").scalar_one()
    quoted = '"' + str(owner).replace('"', '""') + '"'
    op.execute(f"CREATE POLICY {table}_owner_read ON {table} FOR SELECT TO {quoted} USING (true)")
