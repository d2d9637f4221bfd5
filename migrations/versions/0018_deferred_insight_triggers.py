"""Insights: the comment and rating triggers fire at commit, not at the write.

The row triggers of migration 0009 (``insight_comment_change``,
``insight_rating_change``) add each change to its post's hour in
``insight_post_hours``, and the statement triggers of migration 0010 carry it on to the
tenant's, blog's and author's hour, day and week. Fired at the write, they locked those
rows from the vote's (or comment's) ``INSERT`` to the commit: every other vote or
comment of a hot post in the same hour waited behind the whole rest of the transaction
(the post's counter, the outbox, the job's enqueue, the commit's flush and the
application's round trips between them), and 200 votes on one post ran the pool dry.

Now they are constraint triggers, ``DEFERRABLE INITIALLY DEFERRED``: the same functions
with the same row images, run when the transaction commits, so the roll-up rows are
locked only for the commit itself. The figures are unchanged and stay exact in the
transaction that changes the rows; a statement that reads the aggregates in the middle
of that transaction does not see its own changes yet (nothing in the application does;
``SET CONSTRAINTS ALL IMMEDIATE`` fires them on demand).

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-01
"""

from alembic import op

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None

# (trigger, table, events, function): the two row triggers of migration 0009.
TRIGGERS = (
    (
        "comments_insights",
        "comments",
        "INSERT OR DELETE OR UPDATE OF status, sentiment",
        "insight_comment_change",
    ),
    ("ratings_insights", "ratings", "INSERT OR DELETE OR UPDATE OF stars", "insight_rating_change"),
)


def upgrade() -> None:
    for name, table, events, function in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {name} AFTER {events} ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {function}()"
        )


def downgrade() -> None:
    for name, table, events, function in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute(
            f"CREATE TRIGGER {name} AFTER {events} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
