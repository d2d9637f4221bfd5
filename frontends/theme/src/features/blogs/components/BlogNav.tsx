import { NavLink } from "react-router";

import { MoreButton } from "../../../shared/components/MoreButton";
import { useI18n } from "../../../shared/i18n";
import { useSite } from "../../../shared/site";
import { useBlogs } from "../api/blogs";

/** The site's blogs, as a navigation list. */
export function BlogNav() {
  const { slug } = useSite();
  const f = useI18n();
  const blogs = useBlogs(slug);
  if (!blogs.items.length) return null;
  return (
    <nav aria-labelledby="blog-nav-title" className="blog-nav">
      <h2 id="blog-nav-title">{f.t("nav.blogs")}</h2>
      <ul>
        {blogs.items.map((blog) => (
          <li key={blog.slug} lang={blog.language}>
            <NavLink to={`/blogs/${encodeURIComponent(blog.slug)}`}>{blog.title}</NavLink>
            {blog.description ? <p className="blog-nav__description">{blog.description}</p> : null}
          </li>
        ))}
      </ul>
      <MoreButton paged={blogs} />
    </nav>
  );
}
