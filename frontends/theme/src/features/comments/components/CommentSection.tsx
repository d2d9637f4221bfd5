import { useState } from "react";
import { Link } from "react-router";

import { ErrorNotice } from "../../../shared/components/ErrorNotice";
import { Loading } from "../../../shared/components/Loading";
import { MoreButton } from "../../../shared/components/MoreButton";
import { useI18n } from "../../../shared/i18n";
import { useSignedIn } from "../../../shared/session";
import { useSite } from "../../../shared/site";
import { useComments, type PublicComment } from "../api/comments";
import { CommentBody } from "./CommentBody";
import { CommentForm } from "./CommentForm";

// Threads have three levels (depth 0-2): the deepest comments take no replies.
const MAX_DEPTH = 2;

function CommentItem({
  comment,
  postId,
  canWrite,
  onGone,
}: {
  comment: PublicComment;
  postId: string;
  canWrite: boolean;
  onGone?: () => void;
}) {
  const f = useI18n();
  const [replying, setReplying] = useState(false);
  const placeholder = comment.status === "deleted" || comment.status === "removed";
  const name = comment.author?.name ?? "";
  return (
    <li className="comment" id={`comment-${comment.id}`}>
      <article aria-label={name || undefined}>
        {placeholder ? (
          <p className="comment__placeholder muted">
            {comment.status === "deleted" ? f.t("comments.deleted") : f.t("comments.removed")}
          </p>
        ) : (
          <>
            <header className="comment__header">
              <span className="comment__author">
                {comment.author?.url && /^https?:\/\//i.test(comment.author.url) ? (
                  <a href={comment.author.url} rel="nofollow ugc noopener" target="_blank">
                    {name}
                  </a>
                ) : (
                  name
                )}
              </span>{" "}
              <time className="muted" dateTime={comment.created_at}>
                {f.dateTime(comment.created_at)}
              </time>
              {comment.held ? <span className="badge">{f.t("comments.heldBadge")}</span> : null}
            </header>
            <CommentBody html={comment.body_html ?? ""} />
            {canWrite && comment.depth < MAX_DEPTH && !replying ? (
              <button
                type="button"
                className="button button--link"
                onClick={() => setReplying(true)}
                aria-label={f.t("comments.replyTo", { name })}
              >
                {f.t("comments.reply")}
              </button>
            ) : null}
          </>
        )}
        {replying ? (
          <CommentForm
            postId={postId}
            parentId={comment.id}
            title={f.t("comments.replyTo", { name })}
            onCancel={() => setReplying(false)}
            onGone={onGone}
          />
        ) : null}
      </article>
      {comment.replies.length ? (
        <ol className="comment-list comment-list--replies">
          {comment.replies.map((reply) => (
            <CommentItem key={reply.id} comment={reply} postId={postId} canWrite={canWrite} onGone={onGone} />
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
            <CommentItem key={comment.id} comment={comment} postId={postId} canWrite={canWrite} onGone={onGone} />
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
