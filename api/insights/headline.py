"""``GET /v1/tenants/{tenant}/insights/headline``: the dashboard's headline figures, each
with the change against the previous period of the same length."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Request
from pydantic import Field

from api.access import TenantSlug
from api.insights.routes import ANSWERS, Full, WindowDep
from api.insights.schemas import WindowRead
from api.kit.csv import FormatQuery, Table, json_or_csv
from api.kit.routing import new_router
from api.kit.schemas import StrictModel
from domain.insights import headline as use_case

router = new_router(tags=["insights"])

FigureName = Literal[
    "comments",
    "new_commenters",
    "reads",
    "weighted_rating",
    "queue",
    "median_minutes_to_decision",
]


class HeadlineFigureRead(StrictModel):
    name: FigureName = Field(
        description="comments written; people whose first approved comment falls in the "
        "period; counted reads; the Bayesian average of the period's votes (5 imaginary "
        "votes of 3 stars added); comments held at the period's end (or now); median "
        "minutes from a comment to its first decision"
    )
    current: float | None = Field(description="The window's figure (none: nothing to measure)")
    previous: float | None = Field(description="The same figure for the previous period")
    change: float | None = Field(description="current minus previous")
    change_share: float | None = Field(
        description="The change as a share of the previous figure (none when that is 0)"
    )


class HeadlineRead(StrictModel):
    window: WindowRead
    previous: WindowRead = Field(
        description="The period compared with: as many days, ending the day before `from`"
    )
    ratings: int = Field(description="Votes behind the window's weighted rating")
    previous_ratings: int = Field(description="Votes behind the previous period's")
    figures: list[HeadlineFigureRead]

    @classmethod
    def of(cls, h: use_case.Headline) -> HeadlineRead:
        return cls(
            window=WindowRead.of(h.window),
            previous=WindowRead.of(h.previous),
            ratings=h.ratings[0],
            previous_ratings=h.ratings[1],
            figures=[
                HeadlineFigureRead(
                    name=f.name,  # type: ignore[arg-type]
                    current=f.current,
                    previous=f.previous,
                    change=f.change,
                    change_share=f.change_share,
                )
                for f in h.figures
            ],
        )

    def table(self) -> Table:
        rows: list[list[Any]] = [
            [f.name, f.current, f.previous, f.change, f.change_share] for f in self.figures
        ]
        return ["figure", "current", "previous", "change", "change_share"], rows


@router.get(
    "/tenants/{tenant}/insights/headline",
    operation_id="insights-headline",
    response_model=HeadlineRead,
    responses=ANSWERS,
)
async def headline(
    request: Request,
    tenant: TenantSlug,
    ctx: Full,
    win: WindowDep,
    format: FormatQuery = None,
) -> Any:
    """Six headline figures of the window (comments, new commenters, reads, weighted
    rating, queue, median time to a decision), each beside the previous period of the
    same length and the change. Plan level ``basic``; owners, managers and operators."""
    figures = await use_case.headline(ctx.uow, ctx.actor, win)
    return json_or_csv(request, format, HeadlineRead.of(figures), HeadlineRead.table, "headline")
