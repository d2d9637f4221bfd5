"""Public author handles, and the indexes behind the public "top rated" and "most
discussed" lists.

``users.handle`` names an author in public URLs (``/authors/{handle}``). Existing users
get the ASCII slug of their display name, with a short suffix from their id when that
slug is already taken.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

HANDLE_BASE_LENGTH = 30
# Same visibility predicate as the posts_public_* partial indexes of 0005.
VISIBLE = "status IN ('published','scheduled') AND deleted_at IS NULL"
# Bayesian average of the ratings, prior 5 votes of 3 stars (see persistence/posts/public_reads.py).
SCORE = "((15.0 + rating_sum)::float8 / (5 + rating_count))"


def _base(display_name: str) -> str:
    folded = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:HANDLE_BASE_LENGTH].strip("-")
    return slug if len(slug) >= 2 else "author"


def upgrade() -> None:
    op.add_column("users", sa.Column("handle", sa.String(40), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, display_name FROM users ORDER BY created_at, id"))
    taken: set[str] = set()
    for user_id, display_name in rows.fetchall():
        handle = _base(display_name)
        if handle in taken:
            handle = f"{handle}-{user_id.hex[:6]}"
        taken.add(handle)
        bind.execute(
            sa.text("UPDATE users SET handle = :h WHERE id = :id"), {"h": handle, "id": user_id}
        )
    op.alter_column("users", "handle", nullable=False)
    op.create_unique_constraint("users_handle", "users", ["handle"])

    op.create_index(
        "posts_public_top_rated",
        "posts",
        ["tenant_id", sa.text(f"{SCORE} DESC"), sa.text("id DESC")],
        postgresql_where=sa.text(VISIBLE),
    )
    op.create_index(
        "posts_public_discussed",
        "posts",
        ["tenant_id", sa.text("comment_count DESC"), sa.text("id DESC")],
        postgresql_where=sa.text(VISIBLE),
    )


def downgrade() -> None:
    op.drop_index("posts_public_discussed", table_name="posts")
    op.drop_index("posts_public_top_rated", table_name="posts")
    op.drop_constraint("users_handle", "users", type_="unique")
    op.drop_column("users", "handle")
