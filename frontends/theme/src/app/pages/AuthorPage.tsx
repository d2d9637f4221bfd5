import { useParams } from "react-router";

import { useAuthor } from "../../features/authors/api/authors";
import { AuthorHeader } from "../../features/authors/components/AuthorHeader";
import { usePostList } from "../../features/posts/api/posts";
import { PostList } from "../../features/posts/components/PostList";
import { isNotFound } from "../../shared/api";
import { ErrorNotice } from "../../shared/components/ErrorNotice";
import { NotFound } from "../../shared/components/NotFound";
import { CardSkeletons } from "../../shared/components/Skeleton";
import { useHead } from "../../shared/head";
import { useSite } from "../../shared/site";
import { useSiteTitle } from "./common";

export function AuthorPage() {
  const { slug } = useSite();
  const { handle = "" } = useParams();
  const author = useAuthor(slug, handle);
  const posts = usePostList(slug, { author: handle }, author.isSuccess);
  useHead({ title: useSiteTitle(author.data?.display_name), description: author.data?.display_name ?? "" });
  if (author.isPending) return <CardSkeletons />;
  if (isNotFound(author.error)) return <NotFound />;
  if (!author.data) return <ErrorNotice error={author.error} onRetry={() => void author.refetch()} />;
  return (
    <>
      <AuthorHeader author={author.data} />
      <PostList paged={posts} />
    </>
  );
}
