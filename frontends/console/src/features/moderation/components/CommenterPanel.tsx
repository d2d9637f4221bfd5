/**
 * One commenter as this tenant's moderators see them: their comments here by status,
 * approval rate, reports received, first comment; and the tenant's standing for them
 * (trusted, banned or neither) with the moderators' note.
 */
import { useEffect, useState, type FormEvent } from "react";

import { ErrorNotice, Loading, StatusLine } from "../../../shared/components/states";
import { useI18n, type MessageKey } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { STATUSES, useCommenter, useSetStanding, type Commenter, type Standing } from "../api/moderation";

const CHOICES = ["", "trusted", "banned"] as const;

function StandingForm({ commenter }: { commenter: Commenter }) {
  const f = useI18n();
  const { slug } = useTenant();
  const save = useSetStanding(slug, commenter.user_id);
  const [standing, setStanding] = useState<string>(commenter.standing ?? "");
  const [note, setNote] = useState(commenter.note);
  const [done, setDone] = useState("");
  useEffect(() => {
    setStanding(commenter.standing ?? "");
    setNote(commenter.note);
  }, [commenter.user_id, commenter.standing, commenter.note]);
  function submit(event: FormEvent) {
    event.preventDefault();
    setDone("");
    save.mutate(
      { standing: (standing || null) as Standing | null, note },
      { onSuccess: () => setDone(f.t("commenter.saved", { name: commenter.name })) },
    );
  }
  return (
    <form className="form" onSubmit={submit} aria-label={f.t("commenter.standing")}>
      <fieldset>
        <legend>{f.t("commenter.standing")}</legend>
        {CHOICES.map((choice) => (
          <div className="field field--check" key={choice || "none"}>
            <input
              type="radio"
              id={`standing-${choice || "none"}`}
              name="standing"
              value={choice}
              checked={standing === choice}
              onChange={() => setStanding(choice)}
              aria-describedby={`standing-${choice || "none"}-hint`}
            />
            <label htmlFor={`standing-${choice || "none"}`}>{f.t(`commenter.standing.${choice || "none"}` as MessageKey)}</label>
            <span className="hint" id={`standing-${choice || "none"}-hint`}>
              {f.t(`commenter.standingHint.${choice || "none"}` as MessageKey)}
            </span>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="commenter-note">{f.t("commenter.note")}</label>
        <textarea id="commenter-note" rows={3} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      {save.error ? <ErrorNotice error={save.error} /> : null}
      <StatusLine testId="commenter-saved">{done}</StatusLine>
      <button type="submit" className="button" disabled={save.isPending}>
        {f.t("action.save")}
      </button>
    </form>
  );
}

export function CommenterPanel({ userId, onClose }: { userId: string; onClose: () => void }) {
  const f = useI18n();
  const { slug } = useTenant();
  const commenter = useCommenter(slug, userId);
  if (commenter.isPending) return <Loading />;
  if (commenter.error || !commenter.data) {
    return <ErrorNotice error={commenter.error} onRetry={() => void commenter.refetch()} />;
  }
  const c = commenter.data;
  return (
    <div className="commenter" data-testid="commenter-panel">
      <h3>{c.name}</h3>
      <dl className="figures-grid">
        <div>
          <dt>{f.t("commenter.firstSeen")}</dt>
          <dd>{c.first_seen ? f.date(c.first_seen) : "—"}</dd>
        </div>
        <div>
          <dt>{f.t("commenter.approvalRate")}</dt>
          <dd>{c.approval_rate == null ? "—" : `${f.number(c.approval_rate * 100)} %`}</dd>
        </div>
        <div>
          <dt>{f.t("commenter.reports")}</dt>
          <dd>{f.number(c.reports_received)}</dd>
        </div>
      </dl>
      <ul className="plain-list" aria-label={f.t("commenter.comments")}>
        {STATUSES.filter((s) => c.comments[s]).map((s) => (
          <li key={s}>
            {f.t(`status.${s}` as MessageKey)}: {f.number(c.comments[s] ?? 0)}
          </li>
        ))}
      </ul>
      <StandingForm commenter={c} />
      <button type="button" className="button button--link" onClick={onClose}>
        {f.t("action.close")}
      </button>
    </div>
  );
}
