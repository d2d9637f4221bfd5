"""The topics rebuild is set-based: comments are grouped by day and text first, the terms
are computed once per distinct text, and the per-day rows are summed from the groups.

``insight_topics_rollup()`` as migration 0020 first wrote it joined every approved
comment to each of its terms and sorted those rows to pick the examples: on the
benchmark's 900,000 approved comments, 8.9 million rows, and a rebuild that had not
finished after forty minutes. The new definition
(``migrations/topics_rollup.py``, shared with 0020) gives the same rows; it still runs
without JIT (migration 0021).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-02
"""

import topics_rollup
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(topics_rollup.SET_BASED)


def downgrade() -> None:
    op.execute(topics_rollup.ROW_JOIN)
