import { Link } from "react-router";

import { Cover } from "../../../shared/components/Cover";
import { useI18n } from "../../../shared/i18n";
import type { Post } from "../api/posts";
import { BlogKicker, PostByline } from "./PostMeta";

const COVER_SIZES = "(min-width: 70rem) 64rem, 100vw";

/**
 * A post's full text. `body_html` is the one piece of markup the theme renders as
 * HTML: the API sanitises it on the server. Every other field is rendered as text.
 */
export function PostArticle({ post }: { post: Post }) {
  const f = useI18n();
  return (
    <article className="post" lang={post.language} aria-labelledby="post-title">
      <header className="post__header">
        <BlogKicker post={post} />
        <h1 id="post-title" className="post__title">
          {post.title}
        </h1>
        <PostByline post={post} avatar={44} />
      </header>
      {post.cover_image_url ? (
        <figure className="post__cover-wrap">
          <Cover url={post.cover_image_url} sizes={COVER_SIZES} eager className="cover post__cover" />
        </figure>
      ) : null}
      <div className="post__body prose" dangerouslySetInnerHTML={{ __html: post.body_html }} />
      {post.tags.length ? (
        <footer className="post__footer">
          <h2 className="visually-hidden">{f.t("post.tags")}</h2>
          <ul className="tag-list">
            {post.tags.map((tag) => (
              <li key={tag.slug}>
                <Link className="tag" to={`/tags/${encodeURIComponent(tag.slug)}`}>
                  #{tag.name}
                </Link>
              </li>
            ))}
          </ul>
        </footer>
      ) : null}
    </article>
  );
}
