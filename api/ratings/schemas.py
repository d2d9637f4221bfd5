"""Request and response models of the ratings."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictInt

from api.kit.schemas import WHOLE, StrictModel
from domain.ratings.model import RatingSummary

VOTER_TOKEN_PATTERN = r"^[A-Za-z0-9_-]{16,128}$"


class RatingPut(StrictModel):
    stars: Annotated[StrictInt, Field(ge=1, le=5, description="An integer from 1 to 5."), WHOLE]
    voter_token: Annotated[str, Field(pattern=VOTER_TOKEN_PATTERN)] | None = Field(
        default=None,
        description="Anonymous voters: an opaque token the theme keeps (or X-Voter-Token).",
    )


class RatingSummaryRead(StrictModel):
    count: int
    sum: int
    average: float | None
    histogram: list[int] = Field(description="Votes for 1, 2, 3, 4 and 5 stars.")

    @classmethod
    def of(cls, s: RatingSummary) -> RatingSummaryRead:
        return cls(count=s.count, sum=s.total, average=s.average, histogram=list(s.histogram))


class RatingRead(StrictModel):
    stars: int | None = Field(description="Your vote; null once withdrawn.")
    summary: RatingSummaryRead

    @classmethod
    def of(cls, summary: RatingSummary, stars: int | None) -> RatingRead:
        return cls(stars=stars, summary=RatingSummaryRead.of(summary))
