/** Every post the role may see, filtered by blog and status (kept in the address). */
import { Link, useSearchParams } from "react-router";

import { Badge } from "../../../shared/components/Badge";
import { MoreButton } from "../../../shared/components/MoreButton";
import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { useI18n, type MessageKey } from "../../../shared/i18n";
import { writesPosts } from "../../../shared/roles";
import { useTenant } from "../../../shared/tenant";
import { POST_STATUSES, useBlogs, usePosts, type PostFilters, type PostStatus } from "../api/posts";

export function PostListPage() {
  const f = useI18n();
  const { slug, role, path } = useTenant();
  const [params, setParams] = useSearchParams();
  const status = params.get("status");
  const filters: PostFilters = {
    blog: params.get("blog") || undefined,
    status: POST_STATUSES.includes(status as PostStatus) ? (status as PostStatus) : undefined,
  };
  const posts = usePosts(slug, filters);
  const blogs = useBlogs(slug);
  const blogTitle = new Map((blogs.data?.items ?? []).map((b) => [b.id, b.title]));
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  return (
    <Page
      title={f.t("posts.title")}
      actions={
        writesPosts(role) ? (
          <Link className="button" to={path("posts/new") + (filters.blog ? `?blog=${filters.blog}` : "")}>
            {f.t("posts.new")}
          </Link>
        ) : null
      }
    >
      <form className="filters" aria-label={f.t("posts.filters")} onSubmit={(e) => e.preventDefault()}>
        <div className="field field--inline">
          <label htmlFor="posts-blog">{f.t("posts.blog")}</label>
          <select id="posts-blog" value={filters.blog ?? ""} onChange={(e) => setFilter("blog", e.target.value)}>
            <option value="">{f.t("posts.any")}</option>
            {blogs.data?.items.map((b) => (
              <option key={b.id} value={b.id}>
                {b.title}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--inline">
          <label htmlFor="posts-status">{f.t("posts.status")}</label>
          <select id="posts-status" value={filters.status ?? ""} onChange={(e) => setFilter("status", e.target.value)}>
            <option value="">{f.t("posts.any")}</option>
            {POST_STATUSES.map((s) => (
              <option key={s} value={s}>
                {f.t(`status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
      </form>
      {posts.isPending ? (
        <Loading />
      ) : posts.error ? (
        <ErrorNotice error={posts.error} onRetry={() => void posts.refetch()} />
      ) : !posts.items.length ? (
        <Empty>{f.t("posts.empty")}</Empty>
      ) : (
        <table className="table" data-testid="posts-table">
          <thead>
            <tr>
              <th scope="col">{f.t("posts.col.title")}</th>
              <th scope="col">{f.t("posts.col.status")}</th>
              <th scope="col">{f.t("posts.col.blog")}</th>
              <th scope="col">{f.t("posts.col.date")}</th>
            </tr>
          </thead>
          <tbody>
            {posts.items.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={path(`posts/${p.id}`)}>{p.title || f.t("posts.untitled")}</Link>
                </td>
                <td>
                  <Badge tone={p.status === "published" ? "success" : p.status === "scheduled" ? "info" : "neutral"}>
                    {f.t(`status.${p.status}` as MessageKey)}
                  </Badge>
                </td>
                <td>{blogTitle.get(p.blog_id) ?? ""}</td>
                <td>{p.published_at ? <time dateTime={p.published_at}>{f.dateTime(p.published_at)}</time> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {posts.hasNextPage ? <MoreButton onClick={() => void posts.fetchNextPage()} busy={posts.isFetchingNextPage} /> : null}
    </Page>
  );
}
