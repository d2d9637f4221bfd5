/**
 * Every post the role may see, with its author, status, approved comments and votes;
 * filtered by blog and status and searched by words of the title or excerpt (the API's
 * `q`), all kept in the address.
 */
import { useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router";

import { Badge } from "../../../shared/components/Badge";
import { FilterSelect, useAddressFilters } from "../../../shared/components/FilterSelect";
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
  const { params, setFilter } = useAddressFilters();
  const status = params.get("status");
  const filters: PostFilters = {
    blog: params.get("blog") || undefined,
    status: POST_STATUSES.includes(status as PostStatus) ? (status as PostStatus) : undefined,
    q: params.get("q")?.trim() || undefined,
  };
  const [search, setSearch] = useState(filters.q ?? "");
  useEffect(() => setSearch(filters.q ?? ""), [filters.q]);
  function submitSearch(event: FormEvent) {
    event.preventDefault();
    setFilter("q", search.trim());
  }
  const posts = usePosts(slug, filters);
  const blogs = useBlogs(slug);
  const blogTitle = new Map((blogs.data?.items ?? []).map((b) => [b.id, b.title]));
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
      <form className="filters" role="search" aria-label={f.t("posts.search")} onSubmit={submitSearch}>
        <div className="field field--inline">
          <label htmlFor="posts-q">{f.t("posts.searchLabel")}</label>
          <input id="posts-q" type="search" value={search} maxLength={200} onChange={(e) => setSearch(e.target.value)} />
          <button type="submit" className="button button--small">{f.t("posts.searchGo")}</button>
        </div>
      </form>
      <form className="filters" aria-label={f.t("posts.filters")} onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          id="posts-blog"
          label={f.t("posts.blog")}
          anyLabel={f.t("posts.any")}
          value={filters.blog}
          options={(blogs.data?.items ?? []).map((b) => ({ value: b.id, label: b.title }))}
          onChange={(value) => setFilter("blog", value)}
        />
        <FilterSelect
          id="posts-status"
          label={f.t("posts.status")}
          anyLabel={f.t("posts.any")}
          value={filters.status}
          options={POST_STATUSES.map((s) => ({ value: s, label: f.t(`status.${s}` as MessageKey) }))}
          onChange={(value) => setFilter("status", value)}
        />
      </form>
      {posts.isPending ? (
        <Loading />
      ) : posts.error ? (
        <ErrorNotice error={posts.error} onRetry={() => void posts.refetch()} />
      ) : !posts.items.length ? (
        <Empty>{f.t("posts.empty")}</Empty>
      ) : (
        <table className="table table--cards" data-testid="posts-table">
          <thead>
            <tr>
              <th scope="col">{f.t("posts.col.title")}</th>
              <th scope="col">{f.t("posts.col.status")}</th>
              <th scope="col">{f.t("posts.col.author")}</th>
              <th scope="col">{f.t("posts.col.blog")}</th>
              <th scope="col">{f.t("posts.col.comments")}</th>
              <th scope="col">{f.t("posts.col.rating")}</th>
              <th scope="col">{f.t("posts.col.date")}</th>
            </tr>
          </thead>
          <tbody>
            {posts.items.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  <Link to={path(`posts/${p.id}`)}>{p.title || f.t("posts.untitled")}</Link>
                </th>
                <td data-label={f.t("posts.col.status")}>
                  <Badge tone={p.status === "published" ? "success" : p.status === "scheduled" ? "info" : "neutral"}>
                    {f.t(`status.${p.status}` as MessageKey)}
                  </Badge>
                </td>
                <td data-label={f.t("posts.col.author")}>{p.author_name}</td>
                <td data-label={f.t("posts.col.blog")}>{blogTitle.get(p.blog_id) ?? ""}</td>
                <td data-label={f.t("posts.col.comments")}>{f.number(p.comment_count)}</td>
                <td data-label={f.t("posts.col.rating")}>
                  {p.rating_average == null ? f.t("posts.noRating") : f.t("posts.rating", { average: f.number(p.rating_average, 1), count: f.number(p.rating_count) })}
                </td>
                <td data-label={f.t("posts.col.date")}>{p.published_at ? <time dateTime={p.published_at}>{f.dateTime(p.published_at)}</time> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {posts.hasNextPage ? <MoreButton onClick={() => void posts.fetchNextPage()} busy={posts.isFetchingNextPage} /> : null}
    </Page>
  );
}
