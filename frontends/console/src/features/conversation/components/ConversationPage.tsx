/**
 * What is said: the terms and short phrases most comments of the window carry, the ones
 * rising against the previous period of the same length, each with its tone split and
 * a few example comments; the same over negative comments alone ("what the complaints
 * are about"). Every figure is text in a table; the CSV export has the same query.
 */
import { useMemo, useState } from "react";

import { API_BASE_URL, downloadSigned } from "../../../shared/api";
import { Badge } from "../../../shared/components/Badge";
import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { TableScroll } from "../../../shared/components/TableScroll";
import { PRESETS, presetRange, validateRange, type DateRange } from "../../../shared/dates";
import { useI18n } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { topicsCsvUrl, useTopics, type Topic, type TopicsQuery, type TopicTone } from "../api/topics";

function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

function share(f: ReturnType<typeof useI18n>, value: number | null | undefined): string {
  return value == null ? "—" : `${f.number(value * 100, 0)} %`;
}

function TopicTable({ id, title, topics, rising }: { id: string; title: string; topics: Topic[]; rising: boolean }) {
  const f = useI18n();
  return (
    <section className="card" aria-labelledby={id} data-testid={`${id}-card`}>
      <header className="card__header">
        <h2 id={id}>{title}</h2>
      </header>
      {topics.length === 0 ? (
        <Empty>{f.t("conversation.none")}</Empty>
      ) : (
        <TableScroll label={title}>
          <table className="table table--compact">
            <thead>
              <tr>
                <th scope="col">{f.t("conversation.term")}</th>
                <th scope="col">{f.t("conversation.comments")}</th>
                <th scope="col">{f.t("conversation.previous")}</th>
                <th scope="col">{f.t("conversation.tone")}</th>
                <th scope="col">{f.t("conversation.examples")}</th>
              </tr>
            </thead>
            <tbody>
              {topics.map((t) => (
                <tr key={t.term}>
                  <th scope="row">
                    {t.label}
                    {t.phrase ? <> <Badge>{f.t("conversation.phrase")}</Badge></> : null}
                  </th>
                  <td>
                    {f.number(t.comments)}
                    {rising ? <> (×{f.number(t.growth, 1)})</> : null}
                  </td>
                  <td>{f.number(t.previous)}</td>
                  <td>
                    {f.t("conversation.split", {
                      positive: share(f, t.tone.positive_share),
                      negative: share(f, t.tone.negative_share),
                    })}
                  </td>
                  <td>
                    {t.examples.length ? (
                      <details>
                        <summary>{f.t("conversation.read", { n: f.number(t.examples.length) })}</summary>
                        <ul className="examples">
                          {t.examples.map((e) => (
                            <li key={e.comment_id}>
                              <q>{e.excerpt}</q> — {e.author_name}, <cite>{e.post_title}</cite>
                            </li>
                          ))}
                        </ul>
                      </details>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

export function ConversationPage() {
  const f = useI18n();
  const { slug } = useTenant();
  const tz = useMemo(localZone, []);
  const [range, setRange] = useState<DateRange>(() => presetRange(30));
  const [draft, setDraft] = useState<DateRange>(range);
  const [tone, setTone] = useState<TopicTone>("all");
  const [exportError, setExportError] = useState<unknown>(null);
  const problem = validateRange(draft);
  const query: TopicsQuery = { ...range, tz, tone };
  const result = useTopics(slug, query);
  const href = topicsCsvUrl(API_BASE_URL, slug, query);

  return (
    <Page title={f.t("conversation.title")} wide>
      <p>{f.t("conversation.intro")}</p>
      <form
        className="filters range"
        aria-label={f.t("dashboard.range")}
        onSubmit={(e) => {
          e.preventDefault();
          if (!problem) setRange(draft);
        }}
      >
        <div className="field field--inline">
          <label htmlFor="topics-preset">{f.t("dashboard.preset")}</label>
          <select
            id="topics-preset"
            defaultValue="30"
            onChange={(e) => {
              const days = Number(e.target.value);
              if (days) {
                const next = presetRange(days);
                setDraft(next);
                setRange(next);
              }
            }}
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
          <label htmlFor="topics-from">{f.t("dashboard.from")}</label>
          <input id="topics-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} aria-invalid={Boolean(problem)} />
        </div>
        <div className="field field--inline">
          <label htmlFor="topics-to">{f.t("dashboard.to")}</label>
          <input id="topics-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} aria-invalid={Boolean(problem)} />
        </div>
        <div className="field field--inline">
          <label htmlFor="topics-tone">{f.t("conversation.which")}</label>
          <select id="topics-tone" value={tone} onChange={(e) => setTone(e.target.value as TopicTone)}>
            <option value="all">{f.t("conversation.all")}</option>
            <option value="negative">{f.t("conversation.negative")}</option>
          </select>
        </div>
        <button type="submit" className="button button--secondary" disabled={Boolean(problem)}>
          {f.t("action.apply")}
        </button>
        <a
          className="button button--secondary"
          href={href}
          onClick={(event) => {
            event.preventDefault();
            setExportError(null);
            downloadSigned(href, `causerie-${slug.replace(/[^A-Za-z0-9_-]+/g, "-")}-topics-${tone}-${range.from}-${range.to}.csv`).catch(setExportError);
          }}
        >
          {f.t("dashboard.export")}
        </a>
        {problem ? (
          <p className="field__error" role="alert">
            {problem.code === "tooLong" ? f.t("range.tooLong", { days: problem.days }) : f.t(`range.${problem.code}`)}
          </p>
        ) : null}
      </form>
      {exportError ? <ErrorNotice error={exportError} /> : null}
      {result.isPending ? (
        <Loading />
      ) : result.error ? (
        <ErrorNotice error={result.error} onRetry={() => void result.refetch()} />
      ) : (
        <>
          <p data-testid="topics-summary">
            {f.t(tone === "negative" ? "conversation.summaryNegative" : "conversation.summary", {
              n: f.number(result.data.comments),
              from: result.data.previous.from,
              to: result.data.previous.to,
            })}
          </p>
          <div className="cards">
            <TopicTable id="topics-top" title={f.t(tone === "negative" ? "conversation.topNegative" : "conversation.top")} topics={result.data.top} rising={false} />
            <TopicTable id="topics-rising" title={f.t("conversation.rising")} topics={result.data.rising} rising />
          </div>
        </>
      )}
    </Page>
  );
}
