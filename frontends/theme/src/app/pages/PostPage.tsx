import { useQueryClient } from "@tanstack/react-query";
import { useParams } from "react-router";

import { CommentSection } from "../../features/comments/components/CommentSection";
import { FediverseReactions } from "../../features/fediverse/components/FediverseReactions";
import { usePost } from "../../features/posts/api/posts";
import { useCountView } from "../../features/posts/api/views";
import { PostArticle } from "../../features/posts/components/PostArticle";
import { RatingWidget } from "../../features/ratings/components/RatingWidget";
import { isNotFound } from "../../shared/api";
import { ErrorNotice } from "../../shared/components/ErrorNotice";
import { NotFound } from "../../shared/components/NotFound";
import { ArticleSkeleton } from "../../shared/components/Skeleton";
import { useHead } from "../../shared/head";
import { useI18n } from "../../shared/i18n";
import { useSite } from "../../shared/site";
import { useSiteFeeds, useSiteTitle } from "./common";

/** A post: the article (posts), its rating (ratings), its likes and boosts from the
 * fediverse (fediverse) and its comments (comments). */
export function PostPage() {
  const { slug } = useSite();
  const f = useI18n();
  const { blog = "", post: postSlug = "" } = useParams();
  const post = usePost(slug, blog, postSlug);
  const queryClient = useQueryClient();
  const title = useSiteTitle(post.data?.title);
  useHead({
    title,
    description: post.data?.excerpt ?? "",
    feeds: useSiteFeeds(),
  });
  useCountView(slug, post.data?.id);
  if (post.isPending) return <ArticleSkeleton />;
  const gone = isNotFound(post.error);
  if (!post.data) {
    if (gone) return <NotFound />;
    return <ErrorNotice error={post.error} onRetry={() => void post.refetch()} />;
  }
  if (gone) {
    // The post was open when it went away (unpublished or deleted).
    return (
      <div className="notice notice--error" role="alert" data-testid="post-gone">
        <h1>{post.data.title}</h1>
        <p>{f.t("post.gone")}</p>
      </div>
    );
  }
  const data = post.data;
  const refetch = () => void post.refetch();
  return (
    <>
      <PostArticle post={data} />
      <div className="post-after">
        <RatingWidget
          postId={data.id}
          summary={data.rating}
          onChanged={() => void queryClient.invalidateQueries({ queryKey: ["posts", slug] })}
          onGone={refetch}
        />
        <FediverseReactions postId={data.id} />
        <CommentSection postId={data.id} count={data.comment_count} onGone={refetch} />
      </div>
    </>
  );
}
