/**
 * Briefs: topics the brand suggests to its ambassadors. Owners and managers write them;
 * an ambassador claims an open one, writes the post, and links it here.
 */
import { useState } from "react";

import { Badge } from "../../../shared/components/Badge";
import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { TableScroll } from "../../../shared/components/TableScroll";
import { localDay } from "../../../shared/dates";
import { useI18n } from "../../../shared/i18n";
import { editsAnyPost } from "../../../shared/roles";
import { useTenant } from "../../../shared/tenant";
import { useBriefs, useClaimBrief, useCreateBrief, useLinkPost, type Brief } from "../api/briefs";

const TONES: Record<string, string> = { open: "info", claimed: "warning", done: "success" };

function LinkForm({ brief }: { brief: Brief }) {
  const f = useI18n();
  const { slug } = useTenant();
  const link = useLinkPost(slug);
  const [postId, setPostId] = useState("");
  const id = `brief-post-${brief.id}`;
  return (
    <form
      className="button-row"
      onSubmit={(e) => {
        e.preventDefault();
        if (postId.trim()) link.mutate({ briefId: brief.id, postId: postId.trim() });
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        {f.t("briefs.post")}
      </label>
      <input id={id} className="copy-field" placeholder={f.t("briefs.post")} value={postId} onChange={(e) => setPostId(e.target.value)} />
      <button type="submit" className="button button--small" disabled={link.isPending}>
        {f.t("briefs.link")}
      </button>
      {link.error ? <ErrorNotice error={link.error} /> : null}
    </form>
  );
}

export function BriefsPage() {
  const f = useI18n();
  const { slug, role, me } = useTenant();
  const staff = editsAnyPost(role);
  const briefs = useBriefs(slug);
  const create = useCreateBrief(slug);
  const claim = useClaimBrief(slug);
  const [topic, setTopic] = useState("");
  const [body, setBody] = useState("");
  const [due, setDue] = useState(localDay(new Date()));

  return (
    <Page title={f.t("briefs.title")} wide>
      <p>{f.t("briefs.intro")}</p>
      {staff ? (
        <form
          className="form card"
          aria-labelledby="brief-new"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ topic, body, due_on: due }, { onSuccess: () => { setTopic(""); setBody(""); } });
          }}
        >
          <h2 id="brief-new">{f.t("briefs.new")}</h2>
          <div className="field">
            <label htmlFor="brief-topic">{f.t("briefs.topic")}</label>
            <input id="brief-topic" required maxLength={200} value={topic} onChange={(e) => setTopic(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="brief-body">{f.t("briefs.body")}</label>
            <textarea id="brief-body" maxLength={2000} rows={3} value={body} onChange={(e) => setBody(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="brief-due">{f.t("briefs.due")}</label>
            <input id="brief-due" type="date" required value={due} onChange={(e) => setDue(e.target.value)} />
          </div>
          <button type="submit" className="button" disabled={create.isPending}>
            {f.t("briefs.create")}
          </button>
          {create.error ? <ErrorNotice error={create.error} /> : null}
        </form>
      ) : null}
      {claim.error ? <ErrorNotice error={claim.error} /> : null}
      {briefs.isPending ? (
        <Loading />
      ) : briefs.error ? (
        <ErrorNotice error={briefs.error} onRetry={() => void briefs.refetch()} />
      ) : briefs.data.items.length === 0 ? (
        <Empty>{f.t("briefs.none")}</Empty>
      ) : (
        <TableScroll label={f.t("briefs.title")}>
          <table className="table" data-testid="briefs-table">
            <thead>
              <tr>
                <th scope="col">{f.t("briefs.topic")}</th>
                <th scope="col">{f.t("briefs.due")}</th>
                <th scope="col">{f.t("briefs.status")}</th>
                <th scope="col">{f.t("people.act")}</th>
              </tr>
            </thead>
            <tbody>
              {briefs.data.items.map((b) => (
                <tr key={b.id}>
                  <th scope="row">
                    {b.topic}
                    {b.body ? <p className="hint">{b.body}</p> : null}
                  </th>
                  <td>{f.date(b.due_on)}</td>
                  <td>
                    <Badge tone={TONES[b.status]}>{f.t(`briefs.status.${b.status}` as "briefs.status.open")}</Badge>
                  </td>
                  <td>
                    {b.status === "open" && !staff ? (
                      <button
                        type="button"
                        className="button button--small"
                        disabled={claim.isPending}
                        aria-label={f.t("briefs.claimOf", { topic: b.topic })}
                        onClick={() => claim.mutate(b.id)}
                      >
                        {f.t("briefs.claim")}
                      </button>
                    ) : b.status === "claimed" && b.claimed_by === me.id ? (
                      <LinkForm brief={b} />
                    ) : b.status === "done" ? (
                      f.t("briefs.linked")
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
    </Page>
  );
}
