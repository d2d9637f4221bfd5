/**
 * A reply written as the site's staff, inline under a visible comment of the queue.
 * It is published at once (staff's own words are not held) and marked "staff" on the
 * site. Escape or Cancel closes the box and gives the focus back to its Reply button.
 */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { ErrorNotice } from "../../../shared/components/states";
import { useI18n } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { useStaffReply, type QueueComment } from "../api/moderation";

const MAX_BODY = 5000;

export function ReplyBox({
  comment,
  onClose,
  onSent,
}: {
  comment: QueueComment;
  onClose: () => void;
  onSent: (message: string) => void;
}) {
  const f = useI18n();
  const { slug } = useTenant();
  const send = useStaffReply(slug);
  const [body, setBody] = useState("");
  const field = useRef<HTMLTextAreaElement>(null);
  const id = `reply-${comment.id}`;

  useEffect(() => field.current?.focus(), []);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!body.trim()) return;
    send.mutate(
      { commentId: comment.id, body },
      { onSuccess: () => onSent(f.t("moderation.replied", { name: comment.author.name })) },
    );
  }

  return (
    <form
      className="reply-box"
      onSubmit={submit}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
      data-testid="reply-box"
    >
      <div className="field">
        <label htmlFor={id}>{f.t("moderation.replyTo", { name: comment.author.name })}</label>
        <textarea
          id={id}
          ref={field}
          rows={3}
          maxLength={MAX_BODY}
          value={body}
          aria-describedby={`${id}-hint`}
          onChange={(e) => setBody(e.target.value)}
        />
        <p className="hint" id={`${id}-hint`}>
          {f.t("moderation.replyHint")}
        </p>
      </div>
      {send.error ? <ErrorNotice error={send.error} /> : null}
      <div className="queue__actions">
        <button type="submit" className="button button--small" disabled={send.isPending || !body.trim()}>
          {f.t("moderation.replySend")}
        </button>
        <button type="button" className="button button--small button--secondary" onClick={onClose}>
          {f.t("action.cancel")}
        </button>
      </div>
    </form>
  );
}
