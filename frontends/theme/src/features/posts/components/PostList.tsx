import { ErrorNotice } from "../../../shared/components/ErrorNotice";
import { Loading } from "../../../shared/components/Loading";
import { MoreButton } from "../../../shared/components/MoreButton";
import { useI18n } from "../../../shared/i18n";
import type { Paged } from "../../../shared/usePaged";
import type { PostSummary } from "../api/posts";
import { PostCard } from "./PostCard";

export function PostList({ paged, empty }: { paged: Paged<PostSummary>; empty?: string }) {
  const f = useI18n();
  if (paged.isLoading) return <Loading />;
  if (paged.error) return <ErrorNotice error={paged.error} onRetry={paged.refetch} />;
  if (!paged.items.length) return <p className="empty">{empty ?? f.t("posts.none")}</p>;
  return (
    <>
      <ol className="post-list" aria-live="polite">
        {paged.items.map((post) => (
          <li key={post.id}>
            <PostCard post={post} />
          </li>
        ))}
      </ol>
      <MoreButton paged={paged} />
    </>
  );
}
