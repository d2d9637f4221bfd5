/**
 * One comment in context: the post it is on, the comments it answers (up the thread),
 * the comment itself, and every report with its reason and note.
 */
import { useI18n, type MessageKey } from "../../../shared/i18n";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { useTenant } from "../../../shared/tenant";
import { useComment, usePostTitle, type CommentDetail } from "../api/moderation";
import { holdReasonKey } from "../holdReasons";

function ParentChain({ id }: { id: string | null }) {
  const f = useI18n();
  const { slug } = useTenant();
  const parent = useComment(slug, id);
  if (!id) return null;
  if (parent.isPending) return <Loading />;
  if (!parent.data) return null;
  return (
    <>
      <ParentChain id={parent.data.parent_id} />
      <li className="thread__item thread__item--parent">
        <p className="thread__meta">
          {f.t("moderation.parent")} — <strong>{parent.data.author.name}</strong>
        </p>
        <p className="thread__body">{parent.data.body_markdown}</p>
      </li>
    </>
  );
}

function Reports({ comment }: { comment: CommentDetail }) {
  const f = useI18n();
  return (
    <section aria-labelledby="reports-heading" className="reports">
      <h3 id="reports-heading">{f.t("moderation.reports")}</h3>
      {comment.reports.length ? (
        <ul>
          {comment.reports.map((r) => (
            <li key={`${r.reporter_id}-${r.created_at}`}>
              {f.t("moderation.reportBy", { reason: r.reason, name: r.reporter_name })}
              {" · "}
              <time dateTime={r.created_at}>{f.dateTime(r.created_at)}</time>
              {r.dismissed_at ? ` · ${f.t("moderation.dismissed")}` : ""}
              {r.note ? <blockquote className="reports__note">{r.note}</blockquote> : null}
            </li>
          ))}
        </ul>
      ) : (
        <Empty>{f.t("moderation.noReports")}</Empty>
      )}
    </section>
  );
}

export function CommentContext({ id, onClose }: { id: string; onClose: () => void }) {
  const f = useI18n();
  const { slug } = useTenant();
  const comment = useComment(slug, id);
  const post = usePostTitle(slug, comment.data?.post_id ?? null);
  if (comment.isPending) return <Loading />;
  if (comment.error || !comment.data) return <ErrorNotice error={comment.error} onRetry={() => void comment.refetch()} />;
  const c = comment.data;
  return (
    <div className="context" data-testid="comment-context">
      <p className="context__post">
        {post.data ? f.t("moderation.onPost", { title: post.data.title }) : null}
      </p>
      <ol className="thread" aria-label={f.t("moderation.thread")}>
        <ParentChain id={c.parent_id} />
        <li className="thread__item thread__item--this">
          <p className="thread__meta">
            <strong>{c.author.name}</strong>
            {c.author.email ? ` · ${c.author.email}` : ""}
            {c.author.url ? ` · ${c.author.url}` : ""} ·{" "}
            <time dateTime={c.created_at}>{f.dateTime(c.created_at)}</time> ·{" "}
            {f.t(`status.${c.status}` as MessageKey)}
            {c.held_reason && c.status !== "approved" && holdReasonKey(c.held_reason)
              ? ` · ${f.t(holdReasonKey(c.held_reason) as MessageKey)}`
              : ""}
          </p>
          <p className="thread__body">{c.body_markdown}</p>
        </li>
      </ol>
      <Reports comment={c} />
      <button type="button" className="button button--secondary button--small" onClick={onClose}>
        {f.t("action.close")}
      </button>
    </div>
  );
}
