import { Link } from "react-router";

import { useI18n } from "../../../shared/i18n";
import { snippetFragments } from "../../../shared/text";
import type { PostSummary } from "../api/posts";
import { PostMeta } from "./PostMeta";

export function postPath(post: Pick<PostSummary, "blog" | "slug">): string {
  return `/blogs/${encodeURIComponent(post.blog.slug)}/${encodeURIComponent(post.slug)}`;
}

export function PostCard({ post }: { post: PostSummary }) {
  const f = useI18n();
  return (
    <article className="post-card" lang={post.language}>
      <h2 className="post-card__title">
        <Link to={postPath(post)}>{post.title}</Link>
      </h2>
      <PostMeta post={post} />
      {post.snippet ? (
        <p className="post-card__snippet">
          {snippetFragments(post.snippet).map((part, i) =>
            part.marked ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
          )}
        </p>
      ) : post.excerpt ? (
        <p className="post-card__excerpt">{post.excerpt}</p>
      ) : null}
      {post.tags.length ? (
        <ul className="tag-list" aria-label={f.t("post.tags")}>
          {post.tags.map((tag) => (
            <li key={tag.slug}>
              <Link to={`/tags/${encodeURIComponent(tag.slug)}`}>#{tag.name}</Link>
            </li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}
