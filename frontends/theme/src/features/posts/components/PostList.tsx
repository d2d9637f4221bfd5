import { ErrorNotice } from "../../../shared/components/ErrorNotice";
import { MoreButton } from "../../../shared/components/MoreButton";
import { CardSkeletons } from "../../../shared/components/Skeleton";
import { useI18n } from "../../../shared/i18n";
import type { Paged } from "../../../shared/usePaged";
import type { PostSummary } from "../api/posts";
import { PostCard } from "./PostCard";

/**
 * Posts as a grid of cards. With `featured`, the first post gets the wide card at the
 * top (the home page's "featured post"). The first cards' covers load at once, the
 * others when they come near the screen.
 */
export function PostList({
  paged,
  empty,
  featured = false,
}: {
  paged: Paged<PostSummary>;
  empty?: string;
  featured?: boolean;
}) {
  const f = useI18n();
  if (paged.isLoading) return <CardSkeletons count={featured ? 3 : 4} />;
  if (paged.error) return <ErrorNotice error={paged.error} onRetry={paged.refetch} />;
  if (!paged.items.length) return <p className="empty">{empty ?? f.t("posts.none")}</p>;
  const [first, ...rest] = paged.items;
  const lead = featured && first ? first : null;
  const cards = lead ? rest : paged.items;
  return (
    <>
      {lead ? (
        <section className="featured" aria-label={f.t("home.featured")}>
          <PostCard post={lead} featured eager />
        </section>
      ) : null}
      <ol className="card-grid post-list">
        {cards.map((post, i) => (
          <li key={post.id}>
            <PostCard post={post} eager={!lead && i < 2} />
          </li>
        ))}
      </ol>
      <MoreButton paged={paged} />
    </>
  );
}
