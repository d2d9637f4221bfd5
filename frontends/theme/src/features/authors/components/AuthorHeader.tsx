import { Link } from "react-router";

import { AmbassadorBadge } from "../../../shared/components/AmbassadorBadge";
import { useI18n } from "../../../shared/i18n";
import type { Author } from "../api/authors";

export function AuthorHeader({ author }: { author: Author }) {
  const f = useI18n();
  return (
    <header className="page-header">
      <h1>
        {author.display_name}
        {author.ambassador ? <AmbassadorBadge /> : null}
      </h1>
      <p className="muted">{f.plural("author.posts", author.post_count)}</p>
      {author.blogs.length ? (
        <p>
          {f.t("author.blogs")}{" "}
          {author.blogs.map((blog, i) => (
            <span key={blog.slug}>
              {i > 0 ? ", " : ""}
              <Link to={`/blogs/${encodeURIComponent(blog.slug)}`}>{blog.title}</Link>
            </span>
          ))}
        </p>
      ) : null}
    </header>
  );
}
