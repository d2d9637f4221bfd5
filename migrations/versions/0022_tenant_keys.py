"""Every unique key and foreign key of a tenant-owned table includes ``tenant_id``.

That is what lets Citus distribute the tenant tables by ``tenant_id`` (deploy/citus.sql):
a unique index can only be enforced on one shard, so it must contain the distribution
column. Five keys did not:

- ``api_keys``: the primary key was ``id`` and ``prefix`` was unique on its own, and the
  platform's keys (the billing system's, with no tenant) lived there with a NULL
  ``tenant_id``, which Citus refuses in a distribution column. Platform keys move to
  ``platform_api_keys`` (a table of the platform, not of a tenant); ``api_keys`` gets
  the primary key ``(tenant_id, id)`` and the unique ``(tenant_id, prefix)``. A key is
  found before its tenant is known by ``find_api_key(prefix, hash)``: with a prefix
  unique per tenant only, the secret's hash tells two equal prefixes apart.
- ``tenant_domains.host``: unique per tenant in the index; unique across tenants through
  ``tenant_host_taken(host)``, which takes a transaction lock on the host before it
  looks, so two tenants claiming one host at once are served one after the other.
- ``invitations.token_hash``: unique per tenant; the invitation is accepted in the
  tenant its URL names, so the look-up is scoped by tenant.
- ``idempotency_keys``: the primary key becomes ``(tenant_id, caller, key)``. A caller's
  key stays single-use across tenants through ``idempotency_key_elsewhere``, which locks
  the key the same way and says whether another tenant holds it.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01
"""

from alembic import op
from helpers import allow_owner_reads, enable_tenant_rls

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

APP_ROLE = "causerie_app"
_KEY_COLUMNS = (
    "id, name, prefix, secret_hash, scopes, created_by, created_at, last_used_at, revoked_at"
)


def upgrade() -> None:
    _api_keys()
    _tenant_domains()
    _invitations()
    _idempotency_keys()


def _api_keys() -> None:
    op.execute(
        """
        CREATE TABLE platform_api_keys (
            id uuid PRIMARY KEY,
            name varchar(80) NOT NULL,
            prefix varchar(16) NOT NULL UNIQUE,
            secret_hash bytea NOT NULL,
            scopes varchar(32)[] NOT NULL,
            created_by uuid REFERENCES users(id) ON DELETE SET NULL,
            created_at timestamptz NOT NULL,
            last_used_at timestamptz,
            revoked_at timestamptz
        )
        """
    )
    # As before: platform keys are seen only outside any tenant context.
    op.execute("ALTER TABLE platform_api_keys ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE platform_api_keys FORCE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY platform_api_keys_outside_tenants ON platform_api_keys FOR ALL "
        "USING (app_current_tenant() IS NULL) WITH CHECK (app_current_tenant() IS NULL)"
    )
    allow_owner_reads("platform_api_keys")
    op.execute(
        f"INSERT INTO platform_api_keys ({_KEY_COLUMNS}) "
        f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE tenant_id IS NULL"
    )
    op.execute("DELETE FROM api_keys WHERE tenant_id IS NULL")

    op.execute("DROP POLICY api_keys_tenant ON api_keys")
    op.execute("ALTER TABLE api_keys DROP CONSTRAINT api_keys_pkey")
    op.execute("ALTER TABLE api_keys DROP CONSTRAINT api_keys_tenant_id_id")
    op.execute("ALTER TABLE api_keys DROP CONSTRAINT api_keys_prefix_key")
    op.execute("ALTER TABLE api_keys ALTER COLUMN tenant_id SET NOT NULL")
    op.execute("ALTER TABLE api_keys ADD CONSTRAINT api_keys_pkey PRIMARY KEY (tenant_id, id)")
    op.execute(
        "ALTER TABLE api_keys ADD CONSTRAINT api_keys_tenant_prefix UNIQUE (tenant_id, prefix)"
    )
    op.execute("CREATE INDEX api_keys_prefix ON api_keys (prefix)")
    enable_tenant_rls("api_keys")

    op.execute("DROP FUNCTION find_api_key(text)")
    op.execute("DROP FUNCTION touch_api_key(uuid)")
    op.execute(
        """
        CREATE FUNCTION find_api_key(p_prefix text, p_secret_hash bytea)
        RETURNS TABLE (id uuid, tenant_id uuid, secret_hash bytea, scopes varchar[],
                       revoked_at timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
        $$ SELECT k.id, k.tenant_id, k.secret_hash, k.scopes, k.revoked_at FROM api_keys k
           WHERE k.prefix = p_prefix AND k.secret_hash = p_secret_hash
           UNION ALL
           SELECT p.id, NULL::uuid, p.secret_hash, p.scopes, p.revoked_at
           FROM platform_api_keys p
           WHERE p.prefix = p_prefix AND p.secret_hash = p_secret_hash
           LIMIT 1 $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION touch_api_key(p_tenant_id uuid, p_id uuid) RETURNS void
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS
        $$ BEGIN
           IF p_tenant_id IS NULL THEN
               UPDATE platform_api_keys SET last_used_at = now() WHERE id = p_id
               AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
           ELSE
               UPDATE api_keys SET last_used_at = now()
               WHERE tenant_id = p_tenant_id AND id = p_id
               AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
           END IF;
           END $$
        """
    )
    # The owner updates last_used_at through touch_api_key, outside any tenant context.
    owner = _owner()
    op.execute(
        f"CREATE POLICY api_keys_owner_touch ON api_keys FOR UPDATE TO {owner} "
        "USING (true) WITH CHECK (true)"
    )
    op.execute(
        f"CREATE POLICY platform_api_keys_owner_touch ON platform_api_keys FOR UPDATE "
        f"TO {owner} USING (true) WITH CHECK (true)"
    )


def _tenant_domains() -> None:
    op.execute("ALTER TABLE tenant_domains DROP CONSTRAINT tenant_domains_host_key")
    op.execute(
        "ALTER TABLE tenant_domains ADD CONSTRAINT tenant_domains_tenant_host "
        "UNIQUE (tenant_id, host)"
    )
    op.execute("CREATE INDEX tenant_domains_host ON tenant_domains (host)")
    op.execute(
        """
        CREATE FUNCTION tenant_host_taken(p_host text) RETURNS boolean
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS
        $$ BEGIN
           -- Held until the caller's transaction ends: a second claim of the host waits,
           -- then (a new statement, a new snapshot) sees the first one's row.
           PERFORM pg_advisory_xact_lock(hashtextextended('tenant_host:' || p_host, 0));
           RETURN EXISTS (SELECT 1 FROM tenant_domains WHERE host = p_host);
           END $$
        """
    )


def _invitations() -> None:
    op.execute("ALTER TABLE invitations DROP CONSTRAINT invitations_token_hash_key")
    op.execute(
        "ALTER TABLE invitations ADD CONSTRAINT invitations_tenant_token "
        "UNIQUE (tenant_id, token_hash)"
    )


def _idempotency_keys() -> None:
    op.execute("ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey")
    op.execute(
        "ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_pkey "
        "PRIMARY KEY (tenant_id, caller, key)"
    )
    op.execute("CREATE INDEX idempotency_keys_caller_key ON idempotency_keys (caller, key)")
    allow_owner_reads("idempotency_keys")
    op.execute(
        """
        CREATE FUNCTION idempotency_key_elsewhere(p_tenant_id uuid, p_caller text, p_key text)
        RETURNS boolean
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS
        $$ BEGIN
           PERFORM pg_advisory_xact_lock(
               hashtextextended('idempotency:' || p_caller || chr(31) || p_key, 0));
           RETURN EXISTS (SELECT 1 FROM idempotency_keys
                          WHERE caller = p_caller AND key = p_key AND tenant_id <> p_tenant_id);
           END $$
        """
    )


def _owner() -> str:
    owner = op.get_bind().exec_driver_sql("SELECT current_user").scalar_one()
    return '"' + str(owner).replace('"', '""') + '"'


def downgrade() -> None:
    op.execute("DROP FUNCTION idempotency_key_elsewhere(uuid, text, text)")
    op.execute("DROP POLICY idempotency_keys_owner_read ON idempotency_keys")
    op.execute("DROP INDEX idempotency_keys_caller_key")
    op.execute("ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey")
    op.execute(
        "ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (caller, key)"
    )

    op.execute("ALTER TABLE invitations DROP CONSTRAINT invitations_tenant_token")
    op.execute(
        "ALTER TABLE invitations ADD CONSTRAINT invitations_token_hash_key UNIQUE (token_hash)"
    )

    op.execute("DROP FUNCTION tenant_host_taken(text)")
    op.execute("DROP INDEX tenant_domains_host")
    op.execute("ALTER TABLE tenant_domains DROP CONSTRAINT tenant_domains_tenant_host")
    op.execute("ALTER TABLE tenant_domains ADD CONSTRAINT tenant_domains_host_key UNIQUE (host)")

    op.execute("DROP FUNCTION touch_api_key(uuid, uuid)")
    op.execute("DROP FUNCTION find_api_key(text, bytea)")
    op.execute("DROP POLICY api_keys_owner_touch ON api_keys")
    op.execute("DROP POLICY api_keys_tenant_read ON api_keys")
    op.execute("DROP POLICY api_keys_tenant_write ON api_keys")
    op.execute("DROP INDEX api_keys_prefix")
    op.execute("ALTER TABLE api_keys DROP CONSTRAINT api_keys_tenant_prefix")
    op.execute("ALTER TABLE api_keys DROP CONSTRAINT api_keys_pkey")
    op.execute("ALTER TABLE api_keys ALTER COLUMN tenant_id DROP NOT NULL")
    op.execute("ALTER TABLE api_keys ADD CONSTRAINT api_keys_pkey PRIMARY KEY (id)")
    op.execute("ALTER TABLE api_keys ADD CONSTRAINT api_keys_prefix_key UNIQUE (prefix)")
    op.execute("ALTER TABLE api_keys ADD CONSTRAINT api_keys_tenant_id_id UNIQUE (tenant_id, id)")
    op.execute(
        "CREATE POLICY api_keys_tenant ON api_keys FOR ALL "
        "USING (tenant_id IS NOT DISTINCT FROM app_current_tenant()) "
        "WITH CHECK (tenant_id IS NOT DISTINCT FROM app_current_tenant())"
    )
    op.execute(
        f"INSERT INTO api_keys (tenant_id, {_KEY_COLUMNS}) "
        f"SELECT NULL, {_KEY_COLUMNS} FROM platform_api_keys"
    )
    op.execute("DROP TABLE platform_api_keys")
    op.execute(
        """
        CREATE FUNCTION find_api_key(p_prefix text)
        RETURNS TABLE (id uuid, tenant_id uuid, secret_hash bytea, scopes varchar[], revoked_at timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
        $$ SELECT id, tenant_id, secret_hash, scopes, revoked_at FROM api_keys WHERE prefix = p_prefix $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION touch_api_key(p_id uuid) RETURNS void
        LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS
        $$ UPDATE api_keys SET last_used_at = now()
           WHERE id = p_id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') $$
        """
    )
