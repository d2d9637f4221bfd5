"""Public full-text search through the GIN index despite row-level security.

Under RLS the planner may not use a non-leakproof operator such as ``@@`` as an index
condition, so a search would read every public post of the tenant. The match runs
instead in ``public_post_matches``, a definer function that filters on the caller's
own tenant context (``app_current_tenant()``) and can use the index; the owner may read
posts for that purpose only (``posts_owner_read``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from alembic import op
from helpers import allow_owner_reads

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    allow_owner_reads("posts")
    # French verb endings defeat the Snowball stemmer in places ("manger" -> "mang" but
    # "mangeons" -> "mangeon"): French stems also match as prefixes.
    op.execute(
        r"""
        CREATE FUNCTION causerie_fr_query(q text) RETURNS tsquery
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
        $$ SELECT regexp_replace(websearch_to_tsquery('causerie_fr'::regconfig, q)::text,
                                 '(''(?:[^'']|'''')*'')', '\1:*', 'g')::tsquery $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION public_post_matches(p_q text) RETURNS SETOF uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
        $$ SELECT p.id FROM posts p
           WHERE p.tenant_id = app_current_tenant()
             AND p.status IN ('published','scheduled') AND p.deleted_at IS NULL
             AND p.published_at <= statement_timestamp()
             AND ((p.language = 'fr' AND p.search @@ causerie_fr_query(p_q))
               OR (p.language = 'en'
                   AND p.search @@ websearch_to_tsquery('causerie_en'::regconfig, p_q))
               OR (p.language NOT IN ('fr','en')
                   AND p.search @@ websearch_to_tsquery('causerie_simple'::regconfig, p_q))) $$
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS public_post_matches(text)")
    op.execute("DROP FUNCTION IF EXISTS causerie_fr_query(text)")
    op.execute("DROP POLICY IF EXISTS posts_owner_read ON posts")
