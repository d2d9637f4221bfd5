/** The tenant's blogs, and a form to create one; a 402 says what the plan allows. */
import { useState, type FormEvent } from "react";

import { Badge } from "../../../shared/components/Badge";
import { MoreButton } from "../../../shared/components/MoreButton";
import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading, StatusLine } from "../../../shared/components/states";
import { useI18n, type MessageKey } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { useBlogList, useCreateBlog, useUpdateBlog } from "../api/blogs";

const LANGUAGES = ["fr", "en", "de", "es", "it", "nl", "pt"] as const;
const POLICIES = ["open", "trusted", "pre", "closed"] as const;

export function BlogsPage() {
  const f = useI18n();
  const { slug } = useTenant();
  const blogs = useBlogList(slug);
  const create = useCreateBlog(slug);
  const update = useUpdateBlog(slug);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [language, setLanguage] = useState<string>(f.language);
  const [policy, setPolicy] = useState("");
  const [done, setDone] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    setDone("");
    create.mutate(
      {
        title: title.trim(),
        description,
        language: language as (typeof LANGUAGES)[number],
        comment_policy: (policy || null) as (typeof POLICIES)[number] | null,
      },
      {
        onSuccess: (blog) => {
          setDone(f.t("blogs.created", { title: blog.title }));
          setTitle("");
          setDescription("");
        },
      },
    );
  }

  return (
    <Page title={f.t("blogs.title")}>
      {blogs.isPending ? (
        <Loading />
      ) : blogs.error ? (
        <ErrorNotice error={blogs.error} onRetry={() => void blogs.refetch()} />
      ) : !blogs.items.length ? (
        <Empty>{f.t("blogs.empty")}</Empty>
      ) : (
        <table className="table table--cards" data-testid="blogs-table">
          <thead>
            <tr>
              <th scope="col">{f.t("blogs.blogTitle")}</th>
              <th scope="col">{f.t("blogs.language")}</th>
              <th scope="col">{f.t("blogs.policy")}</th>
              <th scope="col">{f.t("posts.status")}</th>
              <th scope="col"><span className="visually-hidden">{f.t("action.edit")}</span></th>
            </tr>
          </thead>
          <tbody>
            {blogs.items.map((b) => (
              <tr key={b.id}>
                <th scope="row">
                  {b.title}
                  <div className="hint">{b.description}</div>
                </th>
                <td data-label={f.t("blogs.language")}>{b.language}</td>
                <td data-label={f.t("blogs.policy")}>{b.comment_policy ? f.t(`policy.${b.comment_policy}` as MessageKey) : f.t("blogs.policyInherit")}</td>
                <td data-label={f.t("posts.status")}>
                  <Badge tone={b.status === "active" ? "success" : "neutral"}>{f.t(`status.${b.status}` as MessageKey)}</Badge>
                </td>
                <td>
                  <button
                    type="button"
                    className="button button--small button--secondary"
                    disabled={update.isPending}
                    onClick={() => update.mutate({ id: b.id, changes: { status: b.status === "active" ? "archived" : "active" } })}
                    aria-label={`${b.status === "active" ? f.t("blogs.archive") : f.t("blogs.unarchive")} — ${b.title}`}
                  >
                    {b.status === "active" ? f.t("blogs.archive") : f.t("blogs.unarchive")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {blogs.hasNextPage ? <MoreButton onClick={() => void blogs.fetchNextPage()} busy={blogs.isFetchingNextPage} /> : null}
      {update.error ? <ErrorNotice error={update.error} /> : null}

      <form className="form card" onSubmit={submit} aria-labelledby="new-blog">
        <h2 id="new-blog">{f.t("blogs.new")}</h2>
        <div className="field">
          <label htmlFor="blog-title">{f.t("blogs.blogTitle")}</label>
          <input id="blog-title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="blog-description">{f.t("blogs.description")}</label>
          <textarea id="blog-description" value={description} onChange={(e) => setDescription(e.target.value)} rows={2} />
        </div>
        <div className="field field--inline">
          <label htmlFor="blog-language">{f.t("blogs.language")}</label>
          <select id="blog-language" value={language} onChange={(e) => setLanguage(e.target.value)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--inline">
          <label htmlFor="blog-policy">{f.t("blogs.policy")}</label>
          <select id="blog-policy" value={policy} onChange={(e) => setPolicy(e.target.value)}>
            <option value="">{f.t("blogs.policyInherit")}</option>
            {POLICIES.map((p) => (
              <option key={p} value={p}>
                {f.t(`policy.${p}`)}
              </option>
            ))}
          </select>
        </div>
        {create.error ? <ErrorNotice error={create.error} /> : null}
        <StatusLine testId="blog-created">{done}</StatusLine>
        <button type="submit" className="button" disabled={create.isPending || !title.trim()}>
          {create.isPending ? f.t("state.saving") : f.t("action.create")}
        </button>
      </form>
    </Page>
  );
}
