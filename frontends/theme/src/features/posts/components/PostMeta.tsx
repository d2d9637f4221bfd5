import { Link } from "react-router";

import { useI18n } from "../../../shared/i18n";
import type { PostSummary } from "../api/posts";

/** Author, blog, date, reading time and counts of a post, all as text. */
export function PostMeta({ post }: { post: PostSummary }) {
  const f = useI18n();
  const rating = post.rating;
  return (
    <p className="post-meta">
      <span>
        {f.t("post.byLabel")}{" "}
        <Link to={`/authors/${encodeURIComponent(post.author.handle)}`}>{post.author.display_name}</Link>
      </span>{" "}
      <span>
        {f.t("post.inLabel")}{" "}
        <Link to={`/blogs/${encodeURIComponent(post.blog.slug)}`}>{post.blog.title}</Link>
      </span>
      <span aria-hidden="true"> · </span>
      <time dateTime={post.published_at}>{f.date(post.published_at)}</time>
      <span aria-hidden="true"> · </span>
      <span>{f.t("post.readingTime", { minutes: f.number(post.reading_minutes) })}</span>
      <span aria-hidden="true"> · </span>
      <span>{f.count(post.comment_count, "post.comment", "post.comments")}</span>
      {rating.count > 0 && rating.average != null ? (
        <>
          <span aria-hidden="true"> · </span>
          <span>
            <span aria-hidden="true">★ </span>
            {f.t("rating.summary", { average: f.number(rating.average, 1), count: f.number(rating.count) })}
          </span>
        </>
      ) : null}
    </p>
  );
}
