import { Link } from "react-router";

import { AmbassadorBadge } from "../../../shared/components/AmbassadorBadge";
import { Avatar } from "../../../shared/components/Avatar";
import { useI18n } from "../../../shared/i18n";
import type { PostSummary } from "../api/posts";

/** The byline: the author's avatar and name, the date and the reading time. */
export function PostByline({ post, avatar = 32 }: { post: PostSummary; avatar?: number }) {
  const f = useI18n();
  return (
    <div className="byline">
      <Avatar name={post.author.display_name} size={avatar} />
      <div className="byline__text">
        <span>
          <Link className="byline__author" to={`/authors/${encodeURIComponent(post.author.handle)}`}>
            {post.author.display_name}
          </Link>
          {post.author.ambassador ? <AmbassadorBadge /> : null}
        </span>
        <span className="byline__when">
          <time dateTime={post.published_at}>{f.date(post.published_at)}</time>
          <span aria-hidden="true"> · </span>
          {f.t("post.readingTime", { minutes: f.number(post.reading_minutes) })}
        </span>
      </div>
    </div>
  );
}

/** Comments and votes, as text. */
export function PostCounts({ post }: { post: PostSummary }) {
  const f = useI18n();
  const rating = post.rating;
  return (
    <p className="counts">
      <span>{f.plural("post.comments", post.comment_count)}</span>
      {rating.count > 0 && rating.average != null ? (
        <>
          <span aria-hidden="true"> · </span>
          <span>
            <span aria-hidden="true" className="counts__star">
              ★{" "}
            </span>
            {f.plural("rating.summary", rating.count, { average: f.number(rating.average, 1) })}
          </span>
        </>
      ) : null}
    </p>
  );
}

/** The blog a post belongs to, as a small link above its title. */
export function BlogKicker({ post }: { post: PostSummary }) {
  return (
    <p className="kicker">
      <Link to={`/blogs/${encodeURIComponent(post.blog.slug)}`}>{post.blog.title}</Link>
    </p>
  );
}
