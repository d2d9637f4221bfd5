import { Link } from "react-router";

import { useI18n } from "../../../shared/i18n";
import type { Post } from "../api/posts";
import { PostMeta } from "./PostMeta";

/**
 * A post's full text. `body_html` is the one piece of markup the theme renders as
 * HTML: the API sanitises it on the server. Every other field is rendered as text.
 */
export function PostArticle({ post }: { post: Post }) {
  const f = useI18n();
  return (
    <article className="post" lang={post.language} aria-labelledby="post-title">
      <header className="post__header">
        <h1 id="post-title">{post.title}</h1>
        <PostMeta post={post} />
      </header>
      {post.cover_image_url ? (
        <img
          className="post__cover"
          src={post.cover_image_url}
          alt={f.t("post.cover", { title: post.title })}
        />
      ) : null}
      <div className="post__body" dangerouslySetInnerHTML={{ __html: post.body_html }} />
      {post.tags.length ? (
        <footer className="post__footer">
          <h2 className="visually-hidden">{f.t("post.tags")}</h2>
          <ul className="tag-list">
            {post.tags.map((tag) => (
              <li key={tag.slug}>
                <Link to={`/tags/${encodeURIComponent(tag.slug)}`}>#{tag.name}</Link>
              </li>
            ))}
          </ul>
        </footer>
      ) : null}
    </article>
  );
}
