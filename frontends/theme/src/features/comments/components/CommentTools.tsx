/**
 * A reader's tools on one comment: edit and delete their own, report someone else's.
 * Each opens in place under the comment; the API decides (a late edit is a 409, a
 * second report too) and the answer is said in words.
 */
import { useId, useState, type FormEvent } from "react";

import { ErrorNotice } from "../../../shared/components/ErrorNotice";
import { ApiError } from "../../../shared/api";
import { useI18n } from "../../../shared/i18n";
import { useSite } from "../../../shared/site";
import {
  REPORT_REASONS,
  useDeleteComment,
  useEditComment,
  useReportComment,
  type PublicComment,
  type ReportReason,
} from "../api/comments";

export function EditForm({
  comment,
  initial,
  postId,
  onDone,
}: {
  comment: PublicComment;
  initial: string;
  postId: string;
  onDone: (saved: boolean) => void;
}) {
  const { slug } = useSite();
  const f = useI18n();
  const id = useId();
  const edit = useEditComment(slug, postId);
  const [body, setBody] = useState(initial);
  const tooLate = edit.error instanceof ApiError && edit.error.status === 409;

  function submit(event: FormEvent) {
    event.preventDefault();
    edit.mutate({ id: comment.id, body: body.trim() }, { onSuccess: () => onDone(true) });
  }

  return (
    <form className="comment-tool" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="comment-tool__title">
        {f.t("comments.editTitle")}
      </h3>
      <div className="field">
        <label htmlFor={`${id}-body`}>{f.t("comments.body")}</label>
        <textarea
          id={`${id}-body`}
          required
          rows={4}
          maxLength={5000}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          autoFocus
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={edit.isPending}>
          {f.t("comments.save")}
        </button>
        <button type="button" className="button button--secondary" onClick={() => onDone(false)}>
          {f.t("comments.cancel")}
        </button>
      </div>
      {tooLate ? (
        <p className="notice notice--error" role="alert">
          {f.t("comments.editTooLate")}
        </p>
      ) : edit.isError ? (
        <ErrorNotice error={edit.error} />
      ) : null}
    </form>
  );
}

export function DeleteConfirm({
  comment,
  postId,
  onDone,
}: {
  comment: PublicComment;
  postId: string;
  onDone: () => void;
}) {
  const { slug } = useSite();
  const f = useI18n();
  const remove = useDeleteComment(slug, postId);
  return (
    <div className="comment-tool" role="group" aria-label={f.t("comments.deleteConfirm")}>
      <p>{f.t("comments.deleteConfirm")}</p>
      <div className="form-actions">
        <button
          type="button"
          className="button button--danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate(comment.id, { onSuccess: onDone })}
          autoFocus
        >
          {f.t("comments.deleteYes")}
        </button>
        <button type="button" className="button button--secondary" onClick={onDone}>
          {f.t("comments.cancel")}
        </button>
      </div>
      {remove.isError ? <ErrorNotice error={remove.error} /> : null}
    </div>
  );
}

export function ReportForm({ comment, onCancel }: { comment: PublicComment; onCancel: () => void }) {
  const { slug } = useSite();
  const f = useI18n();
  const id = useId();
  const report = useReportComment(slug);
  const [reason, setReason] = useState<ReportReason>("spam");
  const [note, setNote] = useState("");
  const already = report.error instanceof ApiError && report.error.status === 409;

  function submit(event: FormEvent) {
    event.preventDefault();
    report.mutate({ id: comment.id, reason, note: note.trim() });
  }

  if (report.isSuccess || already) {
    return (
      <p className="notice" role="status" data-testid="report-sent">
        {already ? f.t("comments.reportedAlready") : f.t("comments.reported")}
      </p>
    );
  }
  return (
    <form className="comment-tool" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="comment-tool__title">
        {f.t("comments.reportTitle")}
      </h3>
      <fieldset className="choices">
        <legend>{f.t("comments.reportReason")}</legend>
        {REPORT_REASONS.map((r, i) => (
          <label key={r} className="choice">
            <input
              type="radio"
              name={`${id}-reason`}
              value={r}
              checked={reason === r}
              onChange={() => setReason(r)}
              autoFocus={i === 0}
            />{" "}
            {f.t(`comments.reason.${r}`)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-note`}>{f.t("comments.reportNote")}</label>
        <textarea
          id={`${id}-note`}
          rows={2}
          maxLength={500}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={report.isPending}>
          {f.t("comments.reportSend")}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {f.t("comments.cancel")}
        </button>
      </div>
      {report.isError ? <ErrorNotice error={report.error} /> : null}
    </form>
  );
}
