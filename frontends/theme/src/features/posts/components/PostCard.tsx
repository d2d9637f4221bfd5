import { Link } from "react-router";

import { Cover } from "../../../shared/components/Cover";
import { snippetFragments } from "../../../shared/text";
import type { PostSummary } from "../api/posts";
import { BlogKicker, PostByline, PostCounts } from "./PostMeta";

export function postPath(post: Pick<PostSummary, "blog" | "slug">): string {
  return `/blogs/${encodeURIComponent(post.blog.slug)}/${encodeURIComponent(post.slug)}`;
}

// Drawn width of a card's cover: one column on phones, two from 40rem, three from 64rem.
const CARD_SIZES = "(min-width: 80rem) 24rem, (min-width: 64rem) 30vw, (min-width: 40rem) 45vw, 100vw";
const FEATURED_SIZES = "(min-width: 80rem) 44rem, (min-width: 56rem) 55vw, 100vw";

function Summary({ post }: { post: PostSummary }) {
  if (post.snippet) {
    return (
      <p className="card__excerpt">
        {snippetFragments(post.snippet).map((part, i) =>
          part.marked ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
        )}
      </p>
    );
  }
  return post.excerpt ? <p className="card__excerpt">{post.excerpt}</p> : null;
}

/**
 * A post in a list: cover, blog, title, excerpt, byline. The title's link covers the
 * whole card (its ::after), so the card is one target; the blog and author links sit
 * above it and stay their own.
 */
export function PostCard({
  post,
  featured = false,
  eager = false,
}: {
  post: PostSummary;
  featured?: boolean;
  /** The card is above the fold: its cover loads at once. */
  eager?: boolean;
}) {
  const Heading = "h2";
  return (
    <article className={featured ? "card card--featured" : "card"} lang={post.language}>
      <div className="card__media">
        {post.cover_image_url ? (
          <Cover url={post.cover_image_url} sizes={featured ? FEATURED_SIZES : CARD_SIZES} eager={eager} />
        ) : (
          <span className="cover cover--none" aria-hidden="true">
            <span>{post.title.slice(0, 1)}</span>
          </span>
        )}
      </div>
      <div className="card__body">
        <BlogKicker post={post} />
        <Heading className="card__title">
          <Link className="card__link" to={postPath(post)}>
            {post.title}
          </Link>
        </Heading>
        <Summary post={post} />
        <div className="card__footer">
          <PostByline post={post} avatar={featured ? 40 : 32} />
          <PostCounts post={post} />
        </div>
      </div>
    </article>
  );
}
