import { useId, useState, type FormEvent } from "react";

import { ErrorNotice } from "../../../shared/components/ErrorNotice";
import { ApiError } from "../../../shared/api";
import { useI18n } from "../../../shared/i18n";
import { useMe, useSignedIn } from "../../../shared/session";
import { useSite } from "../../../shared/site";
import { useCreateComment, type CommentCreate } from "../api/comments";

const MAX_BODY = 5000;

export function CommentForm({
  postId,
  parentId = null,
  title,
  onCancel,
  onGone,
}: {
  postId: string;
  parentId?: string | null;
  title: string;
  onCancel?: () => void;
  onGone?: () => void;
}) {
  const { slug } = useSite();
  const f = useI18n();
  const signedIn = useSignedIn();
  const me = useMe();
  const id = useId();
  const create = useCreateComment(slug, postId);
  const [body, setBody] = useState("");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [url, setUrl] = useState("");
  const [honeypot, setHoneypot] = useState("");
  const [outcome, setOutcome] = useState<"held" | "published" | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const payload: CommentCreate = { body: body.trim(), parent_id: parentId };
    if (!signedIn) {
      payload.author_name = name.trim();
      if (email.trim()) payload.author_email = email.trim();
      if (url.trim()) payload.author_url = url.trim();
    }
    if (honeypot) payload.honeypot = honeypot;
    setOutcome(null);
    create.mutate(payload, {
      onSuccess: ({ held }) => {
        setOutcome(held ? "held" : "published");
        setBody("");
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 404) onGone?.();
      },
    });
  }

  return (
    <form className="comment-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="comment-form__title">
        {title}
      </h3>
      {signedIn && me.data ? (
        <p className="muted">{f.t("comments.as", { name: me.data.display_name })}</p>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-body`}>{f.t("comments.body")}</label>
        <textarea
          id={`${id}-body`}
          name="body"
          required
          rows={4}
          maxLength={MAX_BODY}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
      </div>
      {!signedIn ? (
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-name`}>{f.t("comments.name")}</label>
            <input
              id={`${id}-name`}
              name="author_name"
              required
              maxLength={80}
              autoComplete="name"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-email`}>{f.t("comments.email")}</label>
            <input
              id={`${id}-email`}
              name="author_email"
              type="email"
              autoComplete="email"
              maxLength={254}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-url`}>{f.t("comments.url")}</label>
            <input
              id={`${id}-url`}
              name="author_url"
              type="url"
              autoComplete="url"
              maxLength={300}
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          </div>
        </div>
      ) : null}
      {/* Left empty by people; filled by bots that fill every field. */}
      <div className="honeypot" aria-hidden="true">
        <label htmlFor={`${id}-website2`}>Website</label>
        <input
          id={`${id}-website2`}
          name="website2"
          tabIndex={-1}
          autoComplete="off"
          value={honeypot}
          onChange={(e) => setHoneypot(e.target.value)}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={create.isPending} aria-busy={create.isPending}>
          {create.isPending ? f.t("comments.sending") : f.t("comments.send")}
        </button>
        {onCancel ? (
          <button type="button" className="button button--secondary" onClick={onCancel}>
            {f.t("comments.cancel")}
          </button>
        ) : null}
      </div>
      <div aria-live="polite" className="comment-form__outcome">
        {outcome === "held" ? (
          <p className="notice notice--held" role="status" data-testid="comment-held">
            {f.t("comments.held")}
          </p>
        ) : null}
        {outcome === "published" ? (
          <p className="notice notice--ok" role="status" data-testid="comment-published">
            {f.t("comments.published")}
          </p>
        ) : null}
      </div>
      {create.isError ? <ErrorNotice error={create.error} /> : null}
    </form>
  );
}
