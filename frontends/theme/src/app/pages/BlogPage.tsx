import { useParams } from "react-router";

import { useBlog } from "../../features/blogs/api/blogs";
import { BlogHeader } from "../../features/blogs/components/BlogHeader";
import { usePostList } from "../../features/posts/api/posts";
import { PostList } from "../../features/posts/components/PostList";
import { isNotFound } from "../../shared/api";
import { ErrorNotice } from "../../shared/components/ErrorNotice";
import { NotFound } from "../../shared/components/NotFound";
import { CardSkeletons } from "../../shared/components/Skeleton";
import { useHead } from "../../shared/head";
import { useI18n } from "../../shared/i18n";
import { useSite } from "../../shared/site";
import { useSiteTitle } from "./common";

export function BlogPage() {
  const { slug } = useSite();
  const f = useI18n();
  const { blog = "" } = useParams();
  const found = useBlog(slug, blog);
  const posts = usePostList(slug, { blog }, found.isSuccess);
  const title = useSiteTitle(found.data?.title);
  useHead({
    title,
    description: found.data?.description ?? "",
    feeds: found.data ? [{ href: found.data.feed_url, type: "application/atom+xml", title: `${found.data.title} — ${f.t("feed.atom")}` }] : [],
  });
  if (found.isPending) return <CardSkeletons />;
  if (isNotFound(found.error)) return <NotFound />;
  if (found.error || !found.data) return <ErrorNotice error={found.error} onRetry={() => void found.refetch()} />;
  return (
    <>
      <BlogHeader blog={found.data} />
      <PostList paged={posts} />
    </>
  );
}
