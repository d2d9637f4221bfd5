"""The search functions name their text search configurations with their schema.

``pg_restore`` runs with an empty ``search_path``: ``causerie_search_config``, inlined
while the ``posts`` table's generated column is created, could not find
``causerie_fr`` and a restore of any dump failed. Qualified names resolve whatever the
search path; the functions stay plain SQL, so they are still inlined.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _functions(schema: str) -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION causerie_search_config(lang text) RETURNS regconfig
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
        $$ SELECT CASE lang WHEN 'fr' THEN '{schema}causerie_fr'::regconfig
                            WHEN 'en' THEN '{schema}causerie_en'::regconfig
                            ELSE '{schema}causerie_simple'::regconfig END $$
        """,
        rf"""
        CREATE OR REPLACE FUNCTION causerie_fr_query(q text) RETURNS tsquery
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
        $$ SELECT regexp_replace(websearch_to_tsquery('{schema}causerie_fr'::regconfig, q)::text,
                                 '(''(?:[^'']|'''')*'')', '\1:*', 'g')::tsquery $$
        """,
    ]


def upgrade() -> None:
    for statement in _functions("public."):
        op.execute(statement)


def downgrade() -> None:
    for statement in _functions(""):
        op.execute(statement)
