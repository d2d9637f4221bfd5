import { useSearchParams } from "react-router";

import { BlogNav } from "../../features/blogs/components/BlogNav";
import { usePostList, type PostSort } from "../../features/posts/api/posts";
import { PostList } from "../../features/posts/components/PostList";
import { SORTS, SortTabs } from "../../features/posts/components/SortTabs";
import { useHead } from "../../shared/head";
import { useI18n } from "../../shared/i18n";
import { useSite } from "../../shared/site";
import { useSiteFeeds, useSiteTitle } from "./common";

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
    <div className="home">
      <section aria-labelledby="home-title" className="home__posts">
        <div className="home__head">
          <h1 id="home-title" className="home__title">
            {f.t(`home.title.${sort}`)}
          </h1>
          <SortTabs
            value={sort}
            onChange={(next) => setParams(next === "recent" ? {} : { sort: next }, { replace: true })}
          />
        </div>
        <div role="tabpanel" id="tab-panel" aria-labelledby={`tab-${sort}`} className="tabs__panel">
          <PostList paged={posts} featured={sort === "recent"} />
        </div>
      </section>
      <aside className="home__aside">
        <BlogNav />
      </aside>
    </div>
  );
}
