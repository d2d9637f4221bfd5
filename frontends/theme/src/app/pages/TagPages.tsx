import { useParams } from "react-router";

import { usePostList } from "../../features/posts/api/posts";
import { PostList } from "../../features/posts/components/PostList";
import { TagIndex } from "../../features/tags/components/TagIndex";
import { isNotFound } from "../../shared/api";
import { NotFound } from "../../shared/components/NotFound";
import { useHead } from "../../shared/head";
import { useI18n } from "../../shared/i18n";
import { useSite } from "../../shared/site";
import { useSiteTitle } from "./common";

export function TagsPage() {
  const f = useI18n();
  useHead({ title: useSiteTitle(f.t("tags.title")), description: f.t("tags.title") });
  return (
    <>
      <header className="page-header">
        <h1>{f.t("tags.title")}</h1>
      </header>
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
      <header className="page-header">
        <h1>{heading}</h1>
      </header>
      <PostList paged={posts} />
    </>
  );
}
