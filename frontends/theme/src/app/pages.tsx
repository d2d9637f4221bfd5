/**
 * The pages: each composes features (posts with ratings and comments, and so on),
 * which is why they live here and not in a feature.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate, useParams, useSearchParams } from "react-router";

import { AuthorHeader } from "../features/authors/components/AuthorHeader";
import { useAuthor } from "../features/authors/api/authors";
import { SignInForm } from "../features/auth/components/SignInForm";
import { SignUpForm } from "../features/auth/components/SignUpForm";
import { useBlog } from "../features/blogs/api/blogs";
import { BlogHeader } from "../features/blogs/components/BlogHeader";
import { BlogNav } from "../features/blogs/components/BlogNav";
import { CommentSection } from "../features/comments/components/CommentSection";
import { usePost, usePostList, type PostSort } from "../features/posts/api/posts";
import { PostArticle } from "../features/posts/components/PostArticle";
import { PostList } from "../features/posts/components/PostList";
import { SORTS, SortTabs } from "../features/posts/components/SortTabs";
import { RatingWidget } from "../features/ratings/components/RatingWidget";
import { TagIndex } from "../features/tags/components/TagIndex";
import { isNotFound } from "../shared/api";
import { ErrorNotice } from "../shared/components/ErrorNotice";
import { Loading } from "../shared/components/Loading";
import { NotFound } from "../shared/components/NotFound";
import { useHead, type FeedLink } from "../shared/head";
import { useI18n } from "../shared/i18n";
import { useSite } from "../shared/site";

function useSiteTitle(page?: string): string {
  const { config } = useSite();
  return page ? `${page} — ${config.name}` : config.name;
}

function useSiteFeeds(): FeedLink[] {
  const { config } = useSite();
  const f = useI18n();
  const feeds: FeedLink[] = [];
  if (config.feeds.atom) feeds.push({ href: config.feeds.atom, type: "application/atom+xml", title: `${config.name} — ${f.t("feed.atom")}` });
  if (config.feeds.json) feeds.push({ href: config.feeds.json, type: "application/feed+json", title: `${config.name} — ${f.t("feed.json")}` });
  return feeds;
}

export function HomePage() {
  const { slug, config } = useSite();
  const f = useI18n();
  const [params, setParams] = useSearchParams();
  const asked = params.get("sort") as PostSort | null;
  const sort: PostSort = asked && SORTS.includes(asked) ? asked : "recent";
  const posts = usePostList(slug, { sort });
  useHead({
    title: useSiteTitle(),
    description: config.branding.footer_text || config.name,
    feeds: useSiteFeeds(),
  });
  return (
    <div className="with-aside">
      <section aria-labelledby="home-title">
        <h1 id="home-title">{f.t("home.title")}</h1>
        <SortTabs
          value={sort}
          onChange={(next) => setParams(next === "recent" ? {} : { sort: next }, { replace: true })}
        >
          <PostList paged={posts} />
        </SortTabs>
      </section>
      <aside>
        <BlogNav />
      </aside>
    </div>
  );
}

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
  if (found.isPending) return <Loading />;
  if (isNotFound(found.error)) return <NotFound />;
  if (found.error || !found.data) return <ErrorNotice error={found.error} onRetry={() => void found.refetch()} />;
  return (
    <>
      <BlogHeader blog={found.data} />
      <PostList paged={posts} />
    </>
  );
}

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
  if (post.isPending) return <Loading />;
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
      <RatingWidget
        postId={data.id}
        summary={data.rating}
        onChanged={() =>
          void queryClient.invalidateQueries({ queryKey: ["posts", slug] })
        }
        onGone={refetch}
      />
      <CommentSection postId={data.id} count={data.comment_count} onGone={refetch} />
    </>
  );
}

export function AuthorPage() {
  const { slug } = useSite();
  const { handle = "" } = useParams();
  const author = useAuthor(slug, handle);
  const posts = usePostList(slug, { author: handle }, author.isSuccess);
  useHead({ title: useSiteTitle(author.data?.display_name), description: author.data?.display_name ?? "" });
  if (author.isPending) return <Loading />;
  if (isNotFound(author.error)) return <NotFound />;
  if (!author.data) return <ErrorNotice error={author.error} onRetry={() => void author.refetch()} />;
  return (
    <>
      <AuthorHeader author={author.data} />
      <PostList paged={posts} />
    </>
  );
}

export function TagsPage() {
  const f = useI18n();
  useHead({ title: useSiteTitle(f.t("tags.title")), description: f.t("tags.title") });
  return (
    <>
      <h1>{f.t("tags.title")}</h1>
      <TagIndex />
    </>
  );
}

export function TagPage() {
  const { slug } = useSite();
  const f = useI18n();
  const { tag = "" } = useParams();
  const posts = usePostList(slug, { tag });
  const name = posts.items[0]?.tags.find((t) => t.slug === tag)?.name ?? tag;
  const heading = f.t("tag.title", { tag: name });
  useHead({ title: useSiteTitle(heading), description: heading });
  if (isNotFound(posts.error)) return <NotFound />;
  return (
    <>
      <h1>{heading}</h1>
      <PostList paged={posts} />
    </>
  );
}

export function SearchPage() {
  const { slug } = useSite();
  const f = useI18n();
  const [params] = useSearchParams();
  const q = (params.get("q") ?? "").trim();
  const posts = usePostList(slug, { q }, q !== "");
  const heading = q ? f.t("search.resultsFor", { q }) : f.t("search.title");
  useHead({ title: useSiteTitle(heading), description: heading });
  return (
    <>
      <h1>{heading}</h1>
      {q ? <PostList paged={posts} empty={f.t("search.none", { q })} /> : <p>{f.t("search.prompt")}</p>}
    </>
  );
}

function useBack(): () => void {
  const navigate = useNavigate();
  return () => {
    // Back where the reader came from, when that was inside this site.
    const idx = (window.history.state as { idx?: number } | null)?.idx ?? 0;
    void (idx > 0 ? navigate(-1) : navigate("/"));
  };
}

export function SignInPage() {
  const f = useI18n();
  const back = useBack();
  useHead({ title: useSiteTitle(f.t("auth.signIn")), description: f.t("auth.signIn") });
  return <SignInForm onDone={back} />;
}

export function SignUpPage() {
  const { config } = useSite();
  const f = useI18n();
  const back = useBack();
  useHead({ title: useSiteTitle(f.t("auth.signUp")), description: f.t("auth.signUp") });
  if (!config.features.reader_signup) return <NotFound />;
  return <SignUpForm onDone={back} />;
}

export function NotFoundPage() {
  return <NotFound />;
}
