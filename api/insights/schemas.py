"""The answers of the insights, as JSON models and as CSV tables."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, Field, StringConstraints

from api.kit.csv import Table
from api.kit.schemas import NO_NUL, NOT_BLANK, StrictModel, storable
from domain.insights.actions import AmbassadorActivity
from domain.insights.model import (
    COMMENTER_FORMULA,
    AmbassadorFigures,
    Brief,
    CommenterInfluence,
    Counts,
    Influence,
    ModerationFigures,
    Person,
    PostFigures,
    SeriesPoint,
    Topic,
    Topics,
    Window,
    share,
)
from domain.insights.use_cases import AuthorDetail, CommenterRanking, ToneReport

PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No credentials"},
    402: {"description": "The plan has no insights, or not the level this view needs"},
    403: {"description": "Your role does not see these figures"},
    404: {"description": "No such tenant, blog or author"},
    422: {"description": "Invalid window, bucket, time zone or filter"},
}

# --- shared schemas -----------------------------------------------------------------------


class WindowRead(StrictModel):
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    tz: str
    start: datetime = Field(description="UTC instant the window starts")
    end: datetime = Field(description="UTC instant the window ends (excluded)")

    @classmethod
    def of(cls, w: Window) -> WindowRead:
        return cls.model_validate(
            {"from": w.first, "to": w.last, "tz": w.zone.key, "start": w.start, "end": w.end}
        )


class CommentCounts(StrictModel):
    pending: int
    approved: int
    rejected: int
    spam: int
    deleted: int
    total: int

    @classmethod
    def of(cls, c: Counts) -> CommentCounts:
        return cls(
            pending=c.comments_pending,
            approved=c.comments_approved,
            rejected=c.comments_rejected,
            spam=c.comments_spam,
            deleted=c.comments_deleted,
            total=c.comments,
        )


class ToneCounts(StrictModel):
    positive: int
    neutral: int
    negative: int
    positive_share: float | None
    negative_share: float | None

    @classmethod
    def of(cls, c: Counts) -> ToneCounts:
        return cls(
            positive=c.positive,
            neutral=c.neutral,
            negative=c.negative,
            positive_share=share(c.positive, c.toned),
            negative_share=share(c.negative, c.toned),
        )

    def cells(self) -> list[Any]:
        return [
            self.positive,
            self.neutral,
            self.negative,
            self.positive_share,
            self.negative_share,
        ]


# --- engagement ---------------------------------------------------------------------------


class EngagementPoint(StrictModel):
    start: datetime = Field(description="The bucket's first local midnight, with its offset")
    posts_published: int
    comments: CommentCounts = Field(description="Comments created in the bucket, by status now")
    replies: int = Field(description="Approved replies among them")
    tone: ToneCounts = Field(description="Approved comments by tone")
    ratings: int
    rating_average: float | None
    reads: int
    active_people: int = Field(
        description="Distinct commenters, voters and readers; anonymous readers count once a day"
    )
    likes: int = Field(
        description="Likes received in the bucket (fediverse Like, web like-of), undone ones gone"
    )
    boosts: int = Field(
        description="Boosts received in the bucket (fediverse Announce, web repost-of), "
        "undone ones gone"
    )

    @classmethod
    def of(cls, p: SeriesPoint) -> EngagementPoint:
        c = p.counts
        return cls(
            start=p.start,
            posts_published=p.posts_published,
            comments=CommentCounts.of(c),
            replies=c.replies,
            tone=ToneCounts.of(c),
            ratings=c.ratings,
            rating_average=round(c.rating_sum / c.ratings, 3) if c.ratings else None,
            reads=c.reads,
            active_people=p.active_people,
            likes=p.likes,
            boosts=p.boosts,
        )


class EngagementRead(StrictModel):
    window: WindowRead
    bucket: str
    blog: UUID | None
    author: UUID | None
    items: list[EngagementPoint]

    def table(self) -> Table:
        columns = [
            "start",
            "posts_published",
            "comments_total",
            "comments_approved",
            "comments_pending",
            "comments_rejected",
            "comments_spam",
            "comments_deleted",
            "replies",
            "positive",
            "neutral",
            "negative",
            "ratings",
            "rating_average",
            "reads",
            "active_people",
            "likes",
            "boosts",
        ]
        rows = [
            [
                i.start.isoformat(),
                i.posts_published,
                i.comments.total,
                i.comments.approved,
                i.comments.pending,
                i.comments.rejected,
                i.comments.spam,
                i.comments.deleted,
                i.replies,
                i.tone.positive,
                i.tone.neutral,
                i.tone.negative,
                i.ratings,
                i.rating_average,
                i.reads,
                i.active_people,
                i.likes,
                i.boosts,
            ]
            for i in self.items
        ]
        return columns, rows


# --- top posts ----------------------------------------------------------------------------

POST_COLUMNS = [
    "post_id",
    "title",
    "slug",
    "blog_slug",
    "author_name",
    "comments",
    "replies",
    "negative",
    "ratings",
    "rating_bayesian",
    "reads",
]


class TopPostRead(StrictModel):
    post_id: UUID
    title: str
    slug: str
    blog_id: UUID
    blog_slug: str
    author_id: UUID
    author_name: str
    comments: int = Field(description="Approved comments created in the window")
    replies: int
    negative: int
    ratings: int
    rating_bayesian: float | None = Field(
        description="Bayesian average of the window's votes (5 imaginary votes of 3 stars)"
    )
    reads: int

    @classmethod
    def of(cls, p: PostFigures) -> TopPostRead:
        c = p.counts
        return cls(
            post_id=p.post_id,
            title=p.title,
            slug=p.slug,
            blog_id=p.blog_id,
            blog_slug=p.blog_slug,
            author_id=p.author_id,
            author_name=p.author_name,
            comments=c.comments_approved,
            replies=c.replies,
            negative=c.negative,
            ratings=c.ratings,
            rating_bayesian=p.rating_average,
            reads=c.reads,
        )

    def row(self) -> list[Any]:
        return [
            str(self.post_id),
            self.title,
            self.slug,
            self.blog_slug,
            self.author_name,
            self.comments,
            self.replies,
            self.negative,
            self.ratings,
            self.rating_bayesian,
            self.reads,
        ]


class TopPostsRead(StrictModel):
    window: WindowRead
    by: str
    items: list[TopPostRead]

    def table(self) -> Table:
        return POST_COLUMNS, [i.row() for i in self.items]


# --- influence ----------------------------------------------------------------------------

FORMULA = (
    "3 ln(1+commenters) + 2 ln(1+comments) + ln(1+replies) "
    "+ ln(1+ratings) x (bayesian_average - 1) / 2 + ln(1+reads) + ln(1+posts)"
)
_PART_NAMES = ["commenters", "comments", "replies", "ratings", "reads", "posts"]


def _rank_columns() -> list[str]:
    columns = ["rank", "author_id", "name", "handle", "score"]
    for name in _PART_NAMES:
        columns += [name, f"{name}_points"]
    return [*columns, "rating_average"]


RANK_COLUMNS = _rank_columns()


class ScorePartRead(StrictModel):
    name: str = Field(
        description="commenters, comments, replies, ratings, reads, posts, rating_average"
    )
    figure: float
    points: float


class AuthorRankRead(StrictModel):
    rank: int | None = Field(description="null when the author had no activity in the window")
    author_id: UUID
    name: str
    handle: str
    ambassador: bool = Field(description="Marked by a manager as speaking for the brand")
    score: float
    parts: list[ScorePartRead] = Field(description="Why they rank where they do")

    @classmethod
    def of(cls, i: Influence) -> AuthorRankRead:
        f = i.figures
        return cls(
            rank=i.rank or None,
            author_id=f.author_id,
            name=f.name,
            handle=f.handle,
            ambassador=f.ambassador,
            score=i.score,
            parts=[ScorePartRead(name=p.name, figure=p.figure, points=p.points) for p in i.parts],
        )

    def row(self) -> list[Any]:
        parts = {p.name: p for p in self.parts}
        row: list[Any] = [self.rank, str(self.author_id), self.name, self.handle, self.score]
        for name in _PART_NAMES:
            row += [parts[name].figure, parts[name].points]
        row.append(parts["rating_average"].figure)
        return row


class AuthorRankingRead(StrictModel):
    window: WindowRead
    formula: str
    ranked_authors: int
    items: list[AuthorRankRead]
    next_cursor: str | None

    def table(self) -> Table:
        return RANK_COLUMNS, [i.row() for i in self.items]


class AuthorDetailRead(AuthorRankRead):
    window: WindowRead
    formula: str
    ranked_authors: int
    posts: list[TopPostRead] = Field(description="Their posts with the most comments")

    @classmethod
    def of_detail(cls, win: Window, detail: AuthorDetail) -> AuthorDetailRead:
        return cls(
            **AuthorRankRead.of(detail.influence).model_dump(),
            window=WindowRead.of(win),
            formula=FORMULA,
            ranked_authors=detail.ranked_authors,
            posts=[TopPostRead.of(p) for p in detail.posts],
        )

    def table(self) -> Table:
        return RANK_COLUMNS, [self.row()]


# --- tone ---------------------------------------------------------------------------------

TONE_METHOD = "lexicons: VADER (English), Pattern French lexicon (French), with our supplements"


class TonePoint(StrictModel):
    start: datetime
    approved: int
    tone: ToneCounts


class ToneBlogRead(StrictModel):
    blog_id: UUID
    slug: str
    title: str
    approved: int
    tone: ToneCounts


class TonePostRead(StrictModel):
    post_id: UUID
    title: str
    blog_slug: str
    author_name: str
    approved: int
    tone: ToneCounts


class ToneRead(StrictModel):
    window: WindowRead
    bucket: str
    method: str
    totals: ToneCounts
    negative_share_change: float | None = Field(
        description="Negative share of the last bucket with comments minus the first's"
    )
    series: list[TonePoint]
    negative_posts: list[TonePostRead]
    negative_blogs: list[ToneBlogRead]

    @classmethod
    def of(cls, win: Window, bucket: str, report: ToneReport) -> ToneRead:
        series = [
            TonePoint(start=p.start, approved=p.counts.toned, tone=ToneCounts.of(p.counts))
            for p in report.series
        ]
        shares = [p.tone.negative_share for p in series if p.tone.negative_share is not None]
        return cls(
            window=WindowRead.of(win),
            bucket=bucket,
            method=TONE_METHOD,
            totals=ToneCounts.of(report.totals),
            negative_share_change=round(shares[-1] - shares[0], 4) if len(shares) > 1 else None,
            series=series,
            negative_posts=[
                TonePostRead(
                    post_id=p.post_id,
                    title=p.title,
                    blog_slug=p.blog_slug,
                    author_name=p.author_name,
                    approved=p.counts.toned,
                    tone=ToneCounts.of(p.counts),
                )
                for p in report.posts
            ],
            negative_blogs=[
                ToneBlogRead(
                    blog_id=b.blog_id,
                    slug=b.slug,
                    title=b.title,
                    approved=b.counts.toned,
                    tone=ToneCounts.of(b.counts),
                )
                for b in report.blogs
            ],
        )

    def table(self) -> Table:
        columns = ["kind", "start_or_id", "name", "approved", "positive", "neutral", "negative"]
        columns += ["positive_share", "negative_share"]
        rows: list[list[Any]] = []
        for p in self.series:
            rows.append(["bucket", p.start.isoformat(), "", p.approved, *p.tone.cells()])
        for post in self.negative_posts:
            rows.append(["post", str(post.post_id), post.title, post.approved, *post.tone.cells()])
        for blog in self.negative_blogs:
            rows.append(["blog", str(blog.blog_id), blog.title, blog.approved, *blog.tone.cells()])
        return columns, rows


# --- moderation health --------------------------------------------------------------------


class ModeratorRead(StrictModel):
    user_id: UUID | None
    name: str
    approve: int
    reject: int
    spam: int
    restore: int
    total: int


def _minutes(seconds: float | None) -> float | None:
    return round(seconds / 60, 2) if seconds is not None else None


class ModerationHealthRead(StrictModel):
    window: WindowRead
    pending_now: int = Field(description="The queue now: comments waiting for a decision")
    reported_now: int = Field(description="Of which hidden by reader reports")
    created: CommentCounts = Field(description="Comments created in the window, by status now")
    spam_share: float | None
    decided: int = Field(description="Comments whose first decision fell in the window")
    median_minutes_to_decision: float | None
    p90_minutes_to_decision: float | None
    reports_received: int
    moderators: list[ModeratorRead]

    @classmethod
    def of(cls, win: Window, figures: ModerationFigures) -> ModerationHealthRead:
        return cls(
            window=WindowRead.of(win),
            pending_now=figures.pending_now,
            reported_now=figures.reported_now,
            created=CommentCounts.of(figures.created),
            spam_share=figures.spam_share,
            decided=figures.decided,
            median_minutes_to_decision=_minutes(figures.median_seconds),
            p90_minutes_to_decision=_minutes(figures.p90_seconds),
            reports_received=figures.reports,
            moderators=[
                ModeratorRead(
                    user_id=x.user_id,
                    name=x.name,
                    approve=x.approve,
                    reject=x.reject,
                    spam=x.spam,
                    restore=x.restore,
                    total=x.total,
                )
                for x in figures.moderators
            ],
        )

    def table(self) -> Table:
        rows: list[list[Any]] = [
            ["pending_now", self.pending_now],
            ["reported_now", self.reported_now],
            ["created_total", self.created.total],
            ["created_spam", self.created.spam],
            ["spam_share", self.spam_share],
            ["decided", self.decided],
            ["median_minutes_to_decision", self.median_minutes_to_decision],
            ["p90_minutes_to_decision", self.p90_minutes_to_decision],
            ["reports_received", self.reports_received],
        ]
        rows += [[f"actions:{x.name}", x.total] for x in self.moderators]
        return ["figure", "value"], rows


# --- what is said ---------------------------------------------------------------------------

TOPICS_METHOD = (
    "Terms are the stems of PostgreSQL text search (French or English stop words and "
    "stemming by the blog's language, accents ignored) and pairs of stems side by side "
    "in one clause; counts are approved comments carrying the term, per UTC day. "
    "top: most comments in the window; rising: (comments + 1) / (previous + 1) against "
    "the previous period of the same length, highest first, with more comments than then."
)


class TopicExampleRead(StrictModel):
    comment_id: UUID
    post_id: UUID
    post_title: str
    author_name: str
    excerpt: str = Field(description="The first 280 characters of the comment's text")
    tone: str | None
    created_at: datetime


class TopicRead(StrictModel):
    term: str = Field(description="The stem, or two stems for a phrase")
    label: str = Field(description="The term as first written in a comment (lower case)")
    phrase: bool
    comments: int = Field(description="Comments of the window carrying the term")
    previous: int = Field(description="The same over the previous period of the same length")
    change: int
    growth: float = Field(description="(comments + 1) / (previous + 1)")
    tone: ToneCounts = Field(description="The window's comments carrying the term, by tone")
    examples: list[TopicExampleRead]

    @classmethod
    def of(cls, t: Topic) -> TopicRead:
        counts = Counts(positive=t.positive, neutral=t.neutral, negative=t.negative)
        return cls(
            term=t.term,
            label=t.label,
            phrase=t.phrase,
            comments=t.comments,
            previous=t.previous,
            change=t.change,
            growth=t.growth,
            tone=ToneCounts.of(counts),
            examples=[TopicExampleRead(**vars(e)) for e in t.examples],
        )


class TopicDaysRead(StrictModel):
    from_: date = Field(alias="from", serialization_alias="from")
    to: date


class TopicsRead(StrictModel):
    window: WindowRead
    days: TopicDaysRead = Field(description="The UTC days read (terms are kept per UTC day)")
    previous: TopicDaysRead = Field(description="The previous period of the same length")
    tone: str = Field(description="all, or negative: negative comments alone")
    method: str
    comments: int = Field(description="Approved comments of those days (negative ones alone)")
    top: list[TopicRead]
    rising: list[TopicRead]

    @classmethod
    def of(cls, win: Window, report: Topics) -> TopicsRead:
        d = report.days
        one = timedelta(days=1)
        return cls(
            window=WindowRead.of(win),
            days=TopicDaysRead.model_validate({"from": d.first, "to": d.end - one}),
            previous=TopicDaysRead.model_validate({"from": d.previous, "to": d.first - one}),
            tone=report.tone.value,
            method=TOPICS_METHOD,
            comments=report.comments,
            top=[TopicRead.of(t) for t in report.top],
            rising=[TopicRead.of(t) for t in report.rising],
        )

    def table(self) -> Table:
        columns = ["list", "term", "label", "phrase", "comments", "previous", "change", "growth"]
        columns += ["positive", "neutral", "negative", "positive_share", "negative_share"]
        columns += ["example"]
        rows: list[list[Any]] = []
        for name, topics in (("top", self.top), ("rising", self.rising)):
            for t in topics:
                example = t.examples[0].excerpt if t.examples else ""
                rows.append(
                    [
                        name,
                        t.term,
                        t.label,
                        t.phrase,
                        t.comments,
                        t.previous,
                        t.change,
                        t.growth,
                        *t.tone.cells(),
                        example,
                    ]
                )
        return columns, rows


# --- people who matter, readers included ----------------------------------------------------

_COMMENTER_PARTS = ["repliers", "replies", "active_days", "comments", "ratings"]


class CommenterRankRead(StrictModel):
    rank: int = Field(description="Rank among every signed-in commenter of the window")
    user_id: UUID
    name: str
    handle: str
    score: float
    parts: list[ScorePartRead] = Field(
        description="repliers, replies, active_days, comments, ratings, rating_average: "
        "why they rank where they do"
    )
    new: bool = Field(description="Their first approved comment here is in the window")
    role: str | None = Field(description="Their role in the tenant, if they are a member")
    author: bool = Field(description="They already wrote a post here")
    ambassador: bool = Field(description="Marked as an ambassador of the brand")

    @classmethod
    def of(cls, i: CommenterInfluence) -> CommenterRankRead:
        f = i.figures
        return cls(
            rank=i.rank,
            user_id=f.user_id,
            name=f.name,
            handle=f.handle,
            score=i.score,
            parts=[ScorePartRead(name=p.name, figure=p.figure, points=p.points) for p in i.parts],
            new=f.new,
            role=f.role,
            author=f.author,
            ambassador=f.ambassador,
        )


class CommenterRankingRead(StrictModel):
    window: WindowRead
    formula: str
    filter: str
    ranked_commenters: int
    items: list[CommenterRankRead]

    @classmethod
    def of(cls, win: Window, which: str, ranking: CommenterRanking) -> CommenterRankingRead:
        return cls(
            window=WindowRead.of(win),
            formula=COMMENTER_FORMULA,
            filter=which,
            ranked_commenters=ranking.ranked,
            items=[CommenterRankRead.of(i) for i in ranking.items],
        )

    def table(self) -> Table:
        columns = ["rank", "user_id", "name", "handle", "score"]
        for name in _COMMENTER_PARTS:
            columns += [name, f"{name}_points"]
        columns += ["rating_average", "new", "role", "author", "ambassador"]
        rows: list[list[Any]] = []
        for i in self.items:
            parts = {p.name: p for p in i.parts}
            row: list[Any] = [i.rank, str(i.user_id), i.name, i.handle, i.score]
            for name in _COMMENTER_PARTS:
                row += [parts[name].figure, parts[name].points]
            row += [parts["rating_average"].figure, i.new, i.role or "", i.author, i.ambassador]
            rows.append(row)
        return columns, rows


# --- from insight to action -----------------------------------------------------------------


class AmbassadorMarkRead(StrictModel):
    user_id: UUID
    name: str
    handle: str
    role: str | None
    ambassador: bool

    @classmethod
    def of(cls, p: Person) -> AmbassadorMarkRead:
        return cls(user_id=p.user_id, name=p.name, handle=p.handle, role=p.role, ambassador=True)


class AmbassadorRead(StrictModel):
    user_id: UUID
    name: str
    handle: str
    role: str | None
    marked_at: datetime
    comments: int = Field(description="Approved comments in the window")
    posts: int = Field(description="Posts published in the window")
    briefs_claimed: int
    briefs_done: int


class AmbassadorsRead(StrictModel):
    window: WindowRead
    items: list[AmbassadorRead]

    @classmethod
    def of(cls, win: Window, rows: list[AmbassadorFigures]) -> AmbassadorsRead:
        return cls(
            window=WindowRead.of(win),
            items=[AmbassadorRead(**vars(r)) for r in rows],
        )


class ActivityPointRead(StrictModel):
    start: datetime
    comments: int
    posts: int


class AmbassadorActivityRead(StrictModel):
    window: WindowRead
    bucket: str
    user_id: UUID
    name: str
    items: list[ActivityPointRead]

    @classmethod
    def of(cls, win: Window, bucket: str, a: AmbassadorActivity) -> AmbassadorActivityRead:
        return cls(
            window=WindowRead.of(win),
            bucket=bucket,
            user_id=a.person.user_id,
            name=a.person.name,
            items=[
                ActivityPointRead(start=p.start, comments=p.comments, posts=p.posts)
                for p in a.points
            ],
        )


class BriefCreate(StrictModel):
    topic: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
        NOT_BLANK,
        AfterValidator(storable),
    ]
    body: Annotated[str, Field(max_length=2000), NO_NUL, AfterValidator(storable)] = ""
    due_on: date


class BriefPostLink(StrictModel):
    post_id: UUID


class BriefRead(StrictModel):
    id: UUID
    topic: str
    body: str
    due_on: date
    status: str = Field(description="open, claimed or done")
    created_by: UUID | None
    claimed_by: UUID | None
    claimed_at: datetime | None
    post_id: UUID | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, b: Brief) -> BriefRead:
        return cls(**{**vars(b), "status": b.status.value})


class BriefsRead(StrictModel):
    items: list[BriefRead]
