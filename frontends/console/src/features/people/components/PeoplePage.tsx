/**
 * People who matter, readers included: signed-in commenters ranked by the conversation
 * they start, each score taken apart (what each figure gave in points), with filters
 * for people new this period, members and authors.
 */
import { useMemo, useState } from "react";

import { Badge } from "../../../shared/components/Badge";
import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { TableScroll } from "../../../shared/components/TableScroll";
import { PRESETS, presetRange } from "../../../shared/dates";
import { isMessageKey, useI18n } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { useAmbassador, useCommenters, useInviteToWrite, type CommenterFilter, type Invitation } from "../api/commenters";

function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

const FILTERS: CommenterFilter[] = ["all", "new", "members", "authors", "ambassadors"];
const WRITERS = ["owner", "manager", "author"];

export function PeoplePage() {
  const f = useI18n();
  const { slug } = useTenant();
  const tz = useMemo(localZone, []);
  const [days, setDays] = useState(30);
  const [filter, setFilter] = useState<CommenterFilter>("all");
  const range = useMemo(() => presetRange(days), [days]);
  const result = useCommenters(slug, { ...range, tz, filter });
  const invite = useInviteToWrite(slug);
  const ambassador = useAmbassador(slug);
  const [invited, setInvited] = useState<{ name: string; invitation: Invitation } | null>(null);
  const partName = (name: string) => {
    const key = `people.part.${name}`;
    return isMessageKey(key) ? f.t(key) : name;
  };

  return (
    <Page title={f.t("people.title")} wide>
      <p>{f.t("people.intro")}</p>
      <form className="filters range" aria-label={f.t("dashboard.range")} onSubmit={(e) => e.preventDefault()}>
        <div className="field field--inline">
          <label htmlFor="people-days">{f.t("dashboard.preset")}</label>
          <select id="people-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {PRESETS.map((d) => (
              <option key={d} value={d}>
                {f.t(d === 7 ? "dashboard.last7" : d === 30 ? "dashboard.last30" : d === 90 ? "dashboard.last90" : "dashboard.last365")}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--inline">
          <label htmlFor="people-filter">{f.t("people.filter")}</label>
          <select id="people-filter" value={filter} onChange={(e) => setFilter(e.target.value as CommenterFilter)}>
            {FILTERS.map((name) => (
              <option key={name} value={name}>
                {f.t(`people.filter.${name}`)}
              </option>
            ))}
          </select>
        </div>
      </form>
      {invited ? (
        <div className="notice notice--success" role="status" data-testid="invitation-link">
          <p>{f.t("people.invited", { name: invited.name })}</p>
          <input className="copy-field" readOnly value={invited.invitation.accept_url} aria-label={f.t("people.link")} onFocus={(e) => e.target.select()} />
        </div>
      ) : null}
      {invite.error ? <ErrorNotice error={invite.error} /> : null}
      {ambassador.error ? <ErrorNotice error={ambassador.error} /> : null}
      {result.isPending ? (
        <Loading />
      ) : result.error ? (
        <ErrorNotice error={result.error} onRetry={() => void result.refetch()} />
      ) : result.data.items.length === 0 ? (
        <Empty>{f.t("people.none")}</Empty>
      ) : (
        <section className="card" aria-labelledby="people-ranking" data-testid="people-card">
          <header className="card__header">
            <h2 id="people-ranking">{f.t("people.ranking", { n: f.number(result.data.ranked_commenters) })}</h2>
          </header>
          <p className="hint">{f.t("people.formula", { formula: result.data.formula })}</p>
          <TableScroll label={f.t("people.title")}>
            <table className="table table--compact" data-testid="people-table">
              <thead>
                <tr>
                  <th scope="col">{f.t("people.rank")}</th>
                  <th scope="col">{f.t("people.person")}</th>
                  <th scope="col">{f.t("people.score")}</th>
                  <th scope="col">{f.t("people.why")}</th>
                  <th scope="col">{f.t("people.act")}</th>
                </tr>
              </thead>
              <tbody>
                {result.data.items.map((p) => (
                  <tr key={p.user_id}>
                    <td>{p.rank}</td>
                    <th scope="row">
                      {p.name} <span className="hint">@{p.handle}</span>{" "}
                      {p.new ? <Badge tone="info">{f.t("people.new")}</Badge> : null}{" "}
                      {p.author ? <Badge>{f.t("people.author")}</Badge> : null}{" "}
                      {p.ambassador ? <Badge tone="success">{f.t("people.ambassador")}</Badge> : null}
                    </th>
                    <td>{f.number(p.score, 2)}</td>
                    <td>
                      <ul className="parts">
                        {p.parts
                          .filter((part) => part.name !== "rating_average")
                          .map((part) => (
                            <li key={part.name}>
                              {f.t("people.partLine", {
                                part: partName(part.name),
                                figure: f.number(part.figure),
                                points: f.number(part.points, 2),
                              })}
                            </li>
                          ))}
                      </ul>
                    </td>
                    <td>
                      <div className="button-row">
                        {p.author || WRITERS.includes(p.role ?? "") ? null : (
                          <button
                            type="button"
                            className="button button--small"
                            disabled={invite.isPending}
                            aria-label={f.t("people.inviteOf", { name: p.name })}
                            onClick={() => {
                              setInvited(null);
                              invite.mutate(p.user_id, { onSuccess: (invitation) => setInvited({ name: p.name, invitation }) });
                            }}
                          >
                            {f.t("people.invite")}
                          </button>
                        )}
                        <button
                          type="button"
                          className="button button--small button--secondary"
                          disabled={ambassador.isPending}
                          aria-label={f.t(p.ambassador ? "people.unmarkOf" : "people.markOf", { name: p.name })}
                          onClick={() => ambassador.mutate({ userId: p.user_id, on: !p.ambassador })}
                        >
                          {f.t(p.ambassador ? "people.unmark" : "people.mark")}
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
      )}
    </Page>
  );
}
