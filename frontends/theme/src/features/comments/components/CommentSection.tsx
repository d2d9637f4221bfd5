import { useState } from "react";
import { Link } from "react-router";

import { AmbassadorBadge } from "../../../shared/components/AmbassadorBadge";
import { ErrorNotice } from "../../../shared/components/ErrorNotice";
import { Loading } from "../../../shared/components/Loading";
import { MoreButton } from "../../../shared/components/MoreButton";
import { useI18n } from "../../../shared/i18n";
import { useSignedIn } from "../../../shared/session";
import { useSite } from "../../../shared/site";
import { Avatar } from "../../../shared/components/Avatar";
import { isMine, stillEditable, useComments, type PublicComment } from "../api/comments";
import { CommentBody, commentText } from "./CommentBody";
import { CommentForm } from "./CommentForm";
import { DeleteConfirm, EditForm, ReportForm } from "./CommentTools";

// Threads have three levels (depth 0-2): the deepest comments take no replies.
const MAX_DEPTH = 2;

type Tool = "reply" | "edit" | "delete" | "report" | null;

function CommentItem({
  comment,
  postId,
  canWrite,
  signedIn,
  onGone,
}: {
  comment: PublicComment;
  postId: string;
  canWrite: boolean;
  signedIn: boolean;
  onGone?: () => void;
}) {
  const f = useI18n();
  const [tool, setTool] = useState<Tool>(null);
  const [saved, setSaved] = useState(false);
  const placeholder = comment.status === "deleted" || comment.status === "removed";
  const name = comment.author?.name ?? "";
  const mine = isMine(comment);
  const close = () => setTool(null);
  return (
    <li
      className={`comment${mine ? " comment--mine" : ""}${comment.held ? " comment--held" : ""}${
        comment.pinned ? " comment--pinned" : ""
      }`}
      id={`comment-${comment.id}`}
      data-testid={comment.pinned ? "pinned-comment" : undefined}
    >
      <article aria-label={name || undefined} data-testid={mine ? "my-comment" : undefined}>
        {placeholder ? (
          <p className="comment__placeholder muted">
            {comment.status === "deleted" ? f.t("comments.deleted") : f.t("comments.removed")}
          </p>
        ) : (
          <>
            <header className="comment__header">
              <Avatar name={name || "?"} size={36} />
              <div>
                <span className="comment__author">
                  {comment.author?.url && /^https?:\/\//i.test(comment.author.url) ? (
                    <a href={comment.author.url} rel="nofollow ugc noopener" target="_blank">
                      {name}
                    </a>
                  ) : (
                    name
                  )}
                </span>
                {comment.author?.ambassador ? <AmbassadorBadge /> : null}
                {comment.staff ? (
                  <span className="badge" title={f.t("comments.staffBadgeLabel")} data-testid="staff-badge">
                    {f.t("comments.staffBadge")}
                  </span>
                ) : null}
                {comment.pinned ? (
                  <span className="badge badge--quiet" title={f.t("comments.pinnedBadgeLabel")} data-testid="pinned-badge">
                    {f.t("comments.pinnedBadge")}
                  </span>
                ) : null}
                {mine ? <span className="badge badge--quiet">{f.t("comments.yours")}</span> : null}
                {comment.held ? <span className="badge">{f.t("comments.heldBadge")}</span> : null}
                <br />
                <time className="muted comment__when" dateTime={comment.created_at}>
                  {f.dateTime(comment.created_at)}
                </time>
                {comment.edited_at ? <span className="muted"> · {f.t("comments.edited")}</span> : null}
              </div>
            </header>
            {tool === "edit" ? (
              <EditForm
                comment={comment}
                initial={commentText(comment.body_html ?? "")}
                postId={postId}
                onDone={(ok) => {
                  setSaved(ok);
                  close();
                }}
              />
            ) : (
              <CommentBody html={comment.body_html ?? ""} />
            )}
            {saved && tool === null ? (
              <p className="notice" role="status">
                {f.t("comments.saved")}
              </p>
            ) : null}
            {tool === null ? (
              <div className="comment__actions" role="group" aria-label={f.t("comments.actionsFor", { name })}>
                {canWrite && comment.depth < MAX_DEPTH && !comment.held ? (
                  <button
                    type="button"
                    className="button button--link"
                    onClick={() => setTool("reply")}
                    aria-label={f.t("comments.replyTo", { name })}
                  >
                    {f.t("comments.reply")}
                  </button>
                ) : null}
                {mine && comment.author?.member && stillEditable(comment) ? (
                  <button type="button" className="button button--link" onClick={() => setTool("edit")}>
                    {f.t("comments.edit")}
                  </button>
                ) : null}
                {mine ? (
                  <button type="button" className="button button--link" onClick={() => setTool("delete")}>
                    {f.t("comments.delete")}
                  </button>
                ) : null}
                {signedIn && !mine && !comment.held ? (
                  <button type="button" className="button button--link" onClick={() => setTool("report")}>
                    {f.t("comments.report")}
                  </button>
                ) : null}
              </div>
            ) : null}
            {tool === "delete" ? <DeleteConfirm comment={comment} postId={postId} onDone={close} /> : null}
            {tool === "report" ? <ReportForm comment={comment} onCancel={close} /> : null}
          </>
        )}
        {tool === "reply" ? (
          <CommentForm
            postId={postId}
            parentId={comment.id}
            title={f.t("comments.replyTo", { name })}
            onCancel={close}
            onGone={onGone}
          />
        ) : null}
      </article>
      {comment.replies.length ? (
        <ol className="comment-list comment-list--replies">
          {comment.replies.map((reply) => (
            <CommentItem
              key={reply.id}
              comment={reply}
              postId={postId}
              canWrite={canWrite}
              signedIn={signedIn}
              onGone={onGone}
            />
          ))}
        </ol>
      ) : null}
    </li>
  );
}

export function CommentSection({
  postId,
  count,
  onGone,
}: {
  postId: string;
  count: number;
  onGone?: () => void;
}) {
  const { slug, config } = useSite();
  const f = useI18n();
  const signedIn = useSignedIn();
  const comments = useComments(slug, postId);
  const closed = config.features.comment_policy === "closed";
  const canWrite = !closed && (signedIn || config.features.anonymous_comments);
  return (
    <section className="comments" aria-labelledby="comments-title">
      <h2 id="comments-title">
        {f.t("comments.title")} <span className="muted">({f.number(count)})</span>
      </h2>
      {comments.isLoading ? <Loading /> : null}
      {comments.error ? <ErrorNotice error={comments.error} onRetry={comments.refetch} /> : null}
      {!comments.isLoading && !comments.error && !comments.items.length ? (
        <p className="empty">{f.t("comments.none")}</p>
      ) : null}
      {comments.items.length ? (
        <ol className="comment-list" data-testid="comment-list">
          {comments.items.map((comment) => (
            <CommentItem
              key={comment.id}
              comment={comment}
              postId={postId}
              canWrite={canWrite}
              signedIn={signedIn}
              onGone={onGone}
            />
          ))}
        </ol>
      ) : null}
      <MoreButton paged={comments} label={f.t("comments.more")} />
      {closed ? <p>{f.t("comments.closed")}</p> : null}
      {canWrite ? (
        <CommentForm postId={postId} title={f.t("comments.write")} onGone={onGone} />
      ) : null}
      {!closed && !canWrite ? (
        <p>
          <Link to="/signin">{f.t("comments.signIn")}</Link>
        </p>
      ) : null}
    </section>
  );
}
