import { useSearchParams } from "react-router";

import { usePostList } from "../../features/posts/api/posts";
import { PostList } from "../../features/posts/components/PostList";
import { useHead } from "../../shared/head";
import { useI18n } from "../../shared/i18n";
import { useSite } from "../../shared/site";
import { useSiteTitle } from "./common";

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
      <header className="page-header">
        <h1>{heading}</h1>
      </header>
      {q ? <PostList paged={posts} empty={f.t("search.none", { q })} /> : <p>{f.t("search.prompt")}</p>}
    </>
  );
}
