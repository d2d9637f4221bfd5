import { useI18n } from "../../../shared/i18n";
import type { BlogDetail } from "../api/blogs";

export function BlogHeader({ blog }: { blog: BlogDetail }) {
  const f = useI18n();
  return (
    <header className="page-header" lang={blog.language}>
      <h1>{blog.title}</h1>
      {blog.description ? <p>{blog.description}</p> : null}
      <p className="muted">
        {f.plural("blog.posts", blog.post_count)} ·{" "}
        <a href={blog.feed_url} type="application/atom+xml">
          {f.t("blog.feed")}
        </a>
      </p>
    </header>
  );
}
