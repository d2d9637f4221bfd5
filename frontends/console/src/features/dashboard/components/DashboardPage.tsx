/**
 * The insights as charts on one window: engagement over time, the tone trend and where
 * negativity concentrates, the bloggers who matter with their score parts, the top
 * posts, and moderation health. Each chart has its figures as a table beside it (for
 * screen readers and for reading exact numbers), and a CSV export of the same query.
 */
import { useMemo, useState, type ReactNode } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

import { API_BASE_URL, downloadSigned } from "../../../shared/api";
import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { TableScroll } from "../../../shared/components/TableScroll";
import { PRESETS, presetRange, suggestedBucket, validateRange, type DateRange } from "../../../shared/dates";
import { isMessageKey, useI18n, type MessageKey } from "../../../shared/i18n";
import { insightsScope } from "../../../shared/roles";
import { useTenant } from "../../../shared/tenant";
import { Badge } from "../../../shared/components/Badge";
import { type AuthorFilter, useAuthors, useEngagement, useHeadline, useModerationHealth, useTone, useTopPosts } from "../api/insights";
import { csvFilename, csvUrl, type Report, type ReportQuery } from "../csv";
import { changeText, figureText, trendOf } from "../headline";

const COLOURS = {
  comments: "#1f6f5c",
  ratings: "#b35c00",
  reads: "#3d5a99",
  posts: "#7a2e8e",
  likes: "#2f7f9e",
  boosts: "#8a6d00",
  positive: "#1e7b34",
  neutral: "#7d7d7d",
  negative: "#b3261e",
};
const PART_COLOURS = ["#1f6f5c", "#3d5a99", "#7a2e8e", "#b35c00", "#2f7f9e", "#8a6d00"];

function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

function Card({
  title,
  report,
  query,
  children,
  testId,
}: {
  title: string;
  report: Report;
  query: ReportQuery;
  children: ReactNode;
  testId: string;
}) {
  const f = useI18n();
  const { slug } = useTenant();
  const [error, setError] = useState<unknown>(null);
  const href = csvUrl(API_BASE_URL, slug, report, query);
  const id = `card-${report}`;
  return (
    <section className="card" aria-labelledby={id} data-testid={testId}>
      <header className="card__header">
        <h2 id={id}>{title}</h2>
        <a
          className="button button--small button--secondary"
          href={href}
          aria-label={f.t("dashboard.exportOf", { what: title })}
          onClick={(event) => {
            event.preventDefault();
            setError(null);
            downloadSigned(href, csvFilename(slug, report, query)).catch(setError);
          }}
        >
          {f.t("dashboard.export")}
        </a>
      </header>
      {error ? <ErrorNotice error={error} /> : null}
      {children}
    </section>
  );
}

function FiguresTable({ columns, rows }: { columns: string[]; rows: (string | number)[][] }) {
  const f = useI18n();
  return (
    <details className="figures">
      <summary>{f.t("dashboard.chartTable")}</summary>
      <TableScroll label={f.t("dashboard.chartTable")}>
      <table className="table table--compact">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (j === 0 ? <th key={j} scope="row">{cell}</th> : <td key={j}>{cell}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
      </TableScroll>
    </details>
  );
}

function useShortDate() {
  const f = useI18n();
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(f.language === "fr" ? "fr-FR" : "en-GB", { day: "numeric", month: "short" });
    return (iso: string) => {
      const at = new Date(iso);
      return Number.isNaN(at.getTime()) ? iso : format.format(at);
    };
  }, [f.language]);
}

function EngagementCard({ query, enabled }: { query: ReportQuery; enabled: boolean }) {
  const f = useI18n();
  const { slug } = useTenant();
  const result = useEngagement(slug, query, enabled);
  const short = useShortDate();
  const data = (result.data?.items ?? []).map((p) => ({
    label: short(p.start),
    comments: p.comments.total,
    ratings: p.ratings,
    reads: p.reads,
    posts: p.posts_published,
    likes: p.likes,
    boosts: p.boosts,
  }));
  const empty = data.every((d) => !d.comments && !d.ratings && !d.reads && !d.posts && !d.likes && !d.boosts);
  return (
    <Card title={f.t("dashboard.engagement")} report="engagement" query={query} testId="engagement-card">
      {result.isPending ? (
        <Loading />
      ) : result.error ? (
        <ErrorNotice error={result.error} onRetry={() => void result.refetch()} />
      ) : empty ? (
        <Empty>{f.t("dashboard.noData")}</Empty>
      ) : (
        <>
          <div className="chart" aria-hidden="true" inert>
            <ResponsiveContainer width="100%" height={260}>
              <LineChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                {(["comments", "ratings", "reads", "posts", "likes", "boosts"] as const).map((key) => (
                  <Line key={key} type="monotone" dataKey={key} name={f.t(`series.${key}`)} stroke={COLOURS[key]} strokeWidth={2} dot={false} isAnimationActive={false} />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </div>
          <FiguresTable
            columns={[f.t("dashboard.date"), f.t("series.comments"), f.t("series.ratings"), f.t("series.reads"), f.t("series.posts"), f.t("series.likes"), f.t("series.boosts")]}
            rows={data.map((d) => [d.label, d.comments, d.ratings, d.reads, d.posts, d.likes, d.boosts])}
          />
        </>
      )}
    </Card>
  );
}

function daysOf(from: string, to: string): number {
  const ms = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`);
  return Number.isFinite(ms) ? Math.round(ms / 86_400_000) + 1 : 0;
}

/** Six figures of the window from the API, each with its change on the previous period. */
function HeadlineTiles({ query }: { query: ReportQuery }) {
  const f = useI18n();
  const { slug } = useTenant();
  const result = useHeadline(slug, query, true);
  const h = result.data;
  return (
    <section className="headline" aria-labelledby="headline-title" data-testid="headline">
      <h2 id="headline-title">{f.t("headline.title")}</h2>
      {result.isPending ? (
        <Loading />
      ) : result.error || !h ? (
        <ErrorNotice error={result.error} onRetry={() => void result.refetch()} />
      ) : (
        <>
          <ul className="tiles">
            {h.figures.map((figure) => {
              const days = daysOf(h.window.from, h.window.to);
              const trend = trendOf(figure);
              return (
                <li key={figure.name} className="tile" data-testid={`tile-${figure.name}`}>
                  <p className="tile__label">
                    {f.t(`headline.${figure.name}`)}
                    {figure.name === "queue" ? <span className="visually-hidden"> ({f.t("headline.queueHint")})</span> : null}
                  </p>
                  <p className="tile__value">{figureText(f, figure.name, figure.current)}</p>
                  <p className={`tile__change tile__change--${trend}`}>
                    {changeText(f, figure, days)}
                    {figure.previous != null ? ` · ${f.t("headline.was", { value: figureText(f, figure.name, figure.previous) })}` : ""}
                  </p>
                </li>
              );
            })}
          </ul>
          <p className="hint" data-testid="weighted-hint">
            {h.ratings ? f.t("headline.votes", { votes: f.number(h.ratings) }) : f.t("dashboard.weightedHint")}
          </p>
        </>
      )}
    </section>
  );
}

function percent(f: ReturnType<typeof useI18n>, share: number | null | undefined): string {
  return share == null ? "—" : `${f.number(share * 100, 0)} %`;
}

function ToneCard({ query, enabled }: { query: ReportQuery; enabled: boolean }) {
  const f = useI18n();
  const { slug } = useTenant();
  const result = useTone(slug, query, enabled);
  const short = useShortDate();
  const data = (result.data?.series ?? []).map((p) => ({
    label: short(p.start),
    positive: p.tone.positive,
    neutral: p.tone.neutral,
    negative: p.tone.negative,
  }));
  const totals = result.data?.totals;
  return (
    <Card title={f.t("dashboard.tone")} report="tone" query={query} testId="tone-card">
      {result.isPending ? (
        <Loading />
      ) : result.error ? (
        <ErrorNotice error={result.error} onRetry={() => void result.refetch()} />
      ) : !totals || totals.positive + totals.neutral + totals.negative === 0 ? (
        <Empty>{f.t("dashboard.noData")}</Empty>
      ) : (
        <>
          <p data-testid="tone-share">
            {f.t("dashboard.toneShare", {
              positive: f.number(totals.positive),
              neutral: f.number(totals.neutral),
              negative: f.number(totals.negative),
            })}{" "}
            ({percent(f, totals.positive_share)} / {percent(f, totals.negative_share)})
          </p>
          <div className="chart" aria-hidden="true" inert data-testid="tone-chart">
            <ResponsiveContainer width="100%" height={240}>
              <AreaChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                {(["positive", "neutral", "negative"] as const).map((key) => (
                  <Area key={key} type="monotone" dataKey={key} stackId="tone" name={f.t(`series.${key}`)} stroke={COLOURS[key]} fill={COLOURS[key]} fillOpacity={0.35} isAnimationActive={false} />
                ))}
              </AreaChart>
            </ResponsiveContainer>
          </div>
          <FiguresTable
            columns={[f.t("dashboard.date"), f.t("series.positive"), f.t("series.neutral"), f.t("series.negative")]}
            rows={data.map((d) => [d.label, d.positive, d.neutral, d.negative])}
          />
          {result.data && (result.data.negative_posts.length || result.data.negative_blogs.length) ? (
            <div className="negativity">
              <h3>{f.t("dashboard.negativeWhere")}</h3>
              <ul>
                {result.data.negative_blogs.map((b) => (
                  <li key={b.blog_id}>
                    {f.t("nav.blogs")}: {b.title} — {f.number(b.tone.negative)} / {f.number(b.approved)} ({percent(f, b.tone.negative_share)})
                  </li>
                ))}
                {result.data.negative_posts.map((p) => (
                  <li key={p.post_id}>
                    {p.title} ({p.author_name}) — {f.number(p.tone.negative)} / {f.number(p.approved)} ({percent(f, p.tone.negative_share)})
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      )}
    </Card>
  );
}

function partName(f: ReturnType<typeof useI18n>, name: string): string {
  const key = `series.${name}`;
  return isMessageKey(key) ? f.t(key) : name;
}

function AuthorsCard({ query, enabled }: { query: ReportQuery; enabled: boolean }) {
  const f = useI18n();
  const { slug } = useTenant();
  const [filter, setFilter] = useState<AuthorFilter>("all");
  const result = useAuthors(slug, query, enabled, filter);
  const ranked = (result.data?.items ?? []).filter((a) => a.rank !== null);
  const partNames = [...new Set(ranked.flatMap((a) => a.parts.filter((p) => p.points > 0 || p.name !== "rating_average").map((p) => p.name)))].filter(
    (n) => n !== "rating_average",
  );
  const data = ranked.map((a) => {
    const row: Record<string, string | number> = { name: a.name };
    for (const p of a.parts) if (p.name !== "rating_average") row[p.name] = p.points;
    return row;
  });
  return (
    <Card title={f.t("dashboard.authors")} report="authors" query={{ ...query, filter }} testId="authors-card">
      <div className="field field--inline">
        <label htmlFor="authors-filter">{f.t("people.filter")}</label>
        <select id="authors-filter" value={filter} onChange={(e) => setFilter(e.target.value as AuthorFilter)}>
          <option value="all">{f.t("people.filter.all")}</option>
          <option value="ambassadors">{f.t("people.filter.ambassadors")}</option>
        </select>
      </div>
      {result.isPending ? (
        <Loading />
      ) : result.error ? (
        <ErrorNotice error={result.error} onRetry={() => void result.refetch()} />
      ) : !ranked.length ? (
        <Empty>{f.t("dashboard.noData")}</Empty>
      ) : (
        <>
          <div className="chart" aria-hidden="true" inert>
            <ResponsiveContainer width="100%" height={Math.max(160, 44 * ranked.length)}>
              <BarChart accessibilityLayer={false} data={data} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" />
                {/* Every bar gets its name: no tick is dropped for lack of room. */}
                <YAxis type="category" dataKey="name" width={140} interval={0} tickFormatter={(name: string) => (name.length > 18 ? `${name.slice(0, 17)}…` : name)} />
                <Tooltip />
                <Legend />
                {partNames.map((name, i) => (
                  <Bar key={name} dataKey={name} stackId="score" name={partName(f, name)} fill={PART_COLOURS[i % PART_COLOURS.length]} isAnimationActive={false} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <table className="table table--compact table--cards" data-testid="authors-table">
            <caption className="visually-hidden">{f.t("dashboard.authors")}</caption>
            <thead>
              <tr>
                <th scope="col">{f.t("dashboard.rank")}</th>
                <th scope="col">{f.t("dashboard.author")}</th>
                <th scope="col">{f.t("dashboard.score")}</th>
                <th scope="col">{f.t("dashboard.parts")}</th>
              </tr>
            </thead>
            <tbody>
              {ranked.map((a) => (
                <tr key={a.author_id}>
                  <td data-label={f.t("dashboard.rank")}>{a.rank}</td>
                  <th scope="row">
                    {a.name} {a.ambassador ? <Badge tone="success">{f.t("people.ambassador")}</Badge> : null}
                  </th>
                  <td data-label={f.t("dashboard.score")}>{f.number(a.score, 1)}</td>
                  <td data-label={f.t("dashboard.parts")}>
                    <ul className="parts">
                      {a.parts.map((p) => (
                        <li key={p.name}>
                          {partName(f, p.name)}: {f.number(p.figure, p.name === "rating_average" ? 1 : 0)}
                          {p.name === "rating_average" ? "" : ` → ${f.number(p.points, 1)}`}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Card>
  );
}

function TopPostsCard({ query, enabled }: { query: ReportQuery; enabled: boolean }) {
  const f = useI18n();
  const { slug } = useTenant();
  const [by, setBy] = useState<"comments" | "rating" | "reads">("comments");
  const q = { ...query, by };
  const result = useTopPosts(slug, q, enabled);
  const items = result.data?.items ?? [];
  return (
    <Card title={f.t("dashboard.topPosts")} report="top-posts" query={q} testId="top-posts-card">
      <div className="field field--inline">
        <label htmlFor="top-by">{f.t("dashboard.rankBy")}</label>
        <select id="top-by" value={by} onChange={(e) => setBy(e.target.value as typeof by)} aria-describedby={by === "rating" ? "top-by-hint" : undefined}>
          <option value="comments">{f.t("series.comments")}</option>
          <option value="rating">{f.t("series.rating_average")}</option>
          <option value="reads">{f.t("series.reads")}</option>
        </select>
      </div>
      <p className="hint" id="top-by-hint">{f.t("dashboard.weightedHint")}</p>
      {result.isPending ? (
        <Loading />
      ) : result.error ? (
        <ErrorNotice error={result.error} onRetry={() => void result.refetch()} />
      ) : !items.length ? (
        <Empty>{f.t("dashboard.noData")}</Empty>
      ) : (
        <table className="table table--compact table--cards">
          <thead>
            <tr>
              <th scope="col">{f.t("dashboard.post")}</th>
              <th scope="col">{f.t("dashboard.author")}</th>
              <th scope="col">{f.t("series.comments")}</th>
              <th scope="col">{f.t("series.rating_average")}</th>
              <th scope="col">{f.t("series.reads")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.post_id}>
                <th scope="row">{p.title}</th>
                <td data-label={f.t("dashboard.author")}>{p.author_name}</td>
                <td data-label={f.t("series.comments")}>{f.number(p.comments)}</td>
                <td data-label={f.t("series.rating_average")}>{p.rating_bayesian == null ? "—" : f.number(p.rating_bayesian, 1)}</td>
                <td data-label={f.t("series.reads")}>{f.number(p.reads)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function ModerationCard({ query, enabled }: { query: ReportQuery; enabled: boolean }) {
  const f = useI18n();
  const { slug } = useTenant();
  const result = useModerationHealth(slug, query, enabled);
  const m = result.data;
  const statuses = ["pending", "approved", "rejected", "spam"] as const;
  return (
    <Card title={f.t("dashboard.moderation")} report="moderation" query={query} testId="moderation-card">
      {result.isPending ? (
        <Loading />
      ) : result.error || !m ? (
        <ErrorNotice error={result.error} onRetry={() => void result.refetch()} />
      ) : (
        <>
          <dl className="figures-grid">
            <div>
              <dt>{f.t("series.pending")}</dt>
              <dd>{f.number(m.pending_now)}</dd>
            </div>
            <div>
              <dt>{f.t("series.reported")}</dt>
              <dd>{f.number(m.reported_now)}</dd>
            </div>
            <div>
              <dt>{f.t("series.spam")}</dt>
              <dd>{percent(f, m.spam_share)}</dd>
            </div>
            <div>
              <dt>{f.t("moderation.reports")}</dt>
              <dd>{f.number(m.reports_received)}</dd>
            </div>
            <div>
              <dt>{f.t("dashboard.medianDecision")}</dt>
              <dd>{m.median_minutes_to_decision == null ? "—" : `${f.number(m.median_minutes_to_decision, 0)} min`}</dd>
            </div>
          </dl>
          <div className="chart" aria-hidden="true" inert>
            <ResponsiveContainer width="100%" height={160}>
              <BarChart accessibilityLayer={false} data={statuses.map((s) => ({ name: f.t(`series.${s}` as MessageKey), value: m.created[s] }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" />
                <YAxis allowDecimals={false} />
                <Bar dataKey="value" fill={COLOURS.comments} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <FiguresTable
            columns={[f.t("moderation.status"), f.t("series.comments")]}
            rows={statuses.map((s) => [f.t(`series.${s}` as MessageKey), m.created[s]])}
          />
        </>
      )}
    </Card>
  );
}

export function DashboardPage() {
  const f = useI18n();
  const { role } = useTenant();
  const scope = insightsScope(role);
  const [range, setRange] = useState<DateRange>(() => presetRange(30));
  const [draft, setDraft] = useState<DateRange>(range);
  const [bucket, setBucket] = useState<"day" | "week" | "month">("day");
  const problem = validateRange(draft);
  const tz = useMemo(localZone, []);
  const query: ReportQuery = { ...range, tz, bucket };
  const problemText = problem
    ? problem.code === "tooLong"
      ? f.t("range.tooLong", { days: problem.days })
      : f.t(`range.${problem.code}`)
    : "";

  function choose(next: DateRange) {
    setDraft(next);
    if (!validateRange(next)) {
      setRange(next);
      setBucket(suggestedBucket(next));
    }
  }

  const full = scope === "full";
  const own = scope === "own";
  return (
    <Page title={f.t("dashboard.title")} wide>
      <form
        className="filters range"
        aria-label={f.t("dashboard.range")}
        onSubmit={(e) => {
          e.preventDefault();
          if (!problem) choose(draft);
        }}
      >
        <div className="field field--inline">
          <label htmlFor="range-preset">{f.t("dashboard.preset")}</label>
          <select
            id="range-preset"
            onChange={(e) => {
              const days = Number(e.target.value);
              if (days) choose(presetRange(days));
            }}
            defaultValue="30"
          >
            <option value="">{f.t("dashboard.custom")}</option>
            {PRESETS.map((days) => (
              <option key={days} value={days}>
                {f.t(days === 7 ? "dashboard.last7" : days === 30 ? "dashboard.last30" : days === 90 ? "dashboard.last90" : "dashboard.last365")}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--inline">
          <label htmlFor="range-from">{f.t("dashboard.from")}</label>
          <input id="range-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} aria-invalid={Boolean(problem)} aria-describedby={problem ? "range-problem" : undefined} />
        </div>
        <div className="field field--inline">
          <label htmlFor="range-to">{f.t("dashboard.to")}</label>
          <input id="range-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} aria-invalid={Boolean(problem)} aria-describedby={problem ? "range-problem" : undefined} />
        </div>
        <div className="field field--inline">
          <label htmlFor="range-bucket">{f.t("dashboard.bucket")}</label>
          <select id="range-bucket" value={bucket} onChange={(e) => setBucket(e.target.value as typeof bucket)}>
            <option value="day">{f.t("dashboard.bucket.day")}</option>
            <option value="week">{f.t("dashboard.bucket.week")}</option>
            <option value="month">{f.t("dashboard.bucket.month")}</option>
          </select>
        </div>
        <button type="submit" className="button button--secondary" disabled={Boolean(problem)}>
          {f.t("action.apply")}
        </button>
        {problem ? (
          <p id="range-problem" className="field__error" role="alert">
            {problemText}
          </p>
        ) : null}
      </form>
      {full ? <HeadlineTiles query={query} /> : null}
      <div className="cards">
        {full || own ? <EngagementCard query={query} enabled /> : null}
        {full ? <ToneCard query={query} enabled /> : null}
        {full ? <AuthorsCard query={query} enabled /> : null}
        {full || own ? <TopPostsCard query={query} enabled /> : null}
        {full || scope === "moderation" ? <ModerationCard query={query} enabled /> : null}
      </div>
    </Page>
  );
}
