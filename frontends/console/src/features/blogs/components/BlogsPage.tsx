/** The tenant's blogs, and a form to create one; a 402 says what the plan allows. */
import { useEffect, useRef, useState, type FormEvent } from "react";

import { Badge } from "../../../shared/components/Badge";
import { MoreButton } from "../../../shared/components/MoreButton";
import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading, StatusLine } from "../../../shared/components/states";
import { isMessageKey, useI18n, type MessageKey } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { useBlogList, useCreateBlog, useUpdateBlog, type Blog } from "../api/blogs";

const LANGUAGES = ["fr", "en", "de", "es", "it", "nl", "pt"] as const;
const POLICIES = ["open", "trusted", "pre", "closed"] as const;
type Language = (typeof LANGUAGES)[number];
type Policy = (typeof POLICIES)[number];

interface BlogFields {
  title: string;
  description: string;
  language: string;
  policy: string; // "" for the site's default
}

/** The fields of a blog's form, for creating one or editing one. */
function BlogFormFields({ prefix, fields, onChange }: { prefix: string; fields: BlogFields; onChange: (next: BlogFields) => void }) {
  const f = useI18n();
  const set = (name: keyof BlogFields) => (e: { target: { value: string } }) => onChange({ ...fields, [name]: e.target.value });
  return (
    <>
      <div className="field">
        <label htmlFor={`${prefix}-title`}>{f.t("blogs.blogTitle")}</label>
        <input id={`${prefix}-title`} value={fields.title} onChange={set("title")} required maxLength={200} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-description`}>{f.t("blogs.description")}</label>
        <textarea id={`${prefix}-description`} value={fields.description} onChange={set("description")} rows={2} />
      </div>
      <div className="field field--inline">
        <label htmlFor={`${prefix}-language`}>{f.t("blogs.language")}</label>
        <select id={`${prefix}-language`} value={fields.language} onChange={set("language")}>
          {LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {f.t(`language.${l}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--inline">
        <label htmlFor={`${prefix}-policy`}>{f.t("blogs.policy")}</label>
        <select id={`${prefix}-policy`} value={fields.policy} onChange={set("policy")}>
          <option value="">{f.t("blogs.policyInherit")}</option>
          {POLICIES.map((p) => (
            <option key={p} value={p}>
              {f.t(`policy.${p}`)}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}

function languageName(f: ReturnType<typeof useI18n>, code: string): string {
  const key = `language.${code}`;
  return isMessageKey(key) ? f.t(key) : code;
}

/** Title, description, language and comment policy of one blog, sent as one PATCH. */
function EditBlog({ blog, onDone }: { blog: Blog; onDone: (message: string) => void }) {
  const f = useI18n();
  const { slug } = useTenant();
  const update = useUpdateBlog(slug);
  const heading = useRef<HTMLHeadingElement>(null);
  const [fields, setFields] = useState<BlogFields>({
    title: blog.title,
    description: blog.description,
    language: blog.language,
    policy: blog.comment_policy ?? "",
  });
  useEffect(() => heading.current?.focus(), []);

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      {
        id: blog.id,
        changes: {
          title: fields.title.trim(),
          description: fields.description,
          language: fields.language as Language,
          comment_policy: (fields.policy || null) as Policy | null,
        },
      },
      { onSuccess: (saved) => onDone(f.t("blogs.saved", { title: saved.title })) },
    );
  }

  return (
    <form className="form card" onSubmit={submit} aria-labelledby="edit-blog" data-testid="blog-edit">
      <h2 id="edit-blog" tabIndex={-1} ref={heading}>
        {f.t("blogs.editTitle", { title: blog.title })}
      </h2>
      <BlogFormFields prefix="edit-blog" fields={fields} onChange={setFields} />
      {update.error ? <ErrorNotice error={update.error} /> : null}
      <div className="button-row">
        <button type="submit" className="button" disabled={update.isPending || !fields.title.trim()}>
          {update.isPending ? f.t("state.saving") : f.t("action.save")}
        </button>
        <button type="button" className="button button--secondary" onClick={() => onDone("")}>
          {f.t("action.cancel")}
        </button>
      </div>
    </form>
  );
}


export function BlogsPage() {
  const f = useI18n();
  const { slug } = useTenant();
  const blogs = useBlogList(slug);
  const create = useCreateBlog(slug);
  const update = useUpdateBlog(slug);
  const [fields, setFields] = useState<BlogFields>({ title: "", description: "", language: f.language, policy: "" });
  const [editing, setEditing] = useState<Blog | null>(null);
  const [done, setDone] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    setDone("");
    create.mutate(
      {
        title: fields.title.trim(),
        description: fields.description,
        language: fields.language as Language,
        comment_policy: (fields.policy || null) as Policy | null,
      },
      {
        onSuccess: (blog) => {
          setDone(f.t("blogs.created", { title: blog.title }));
          setFields({ ...fields, title: "", description: "" });
        },
      },
    );
  }

  return (
    <Page title={f.t("blogs.title")}>
      <StatusLine testId="blog-created">{done}</StatusLine>
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
                <td data-label={f.t("blogs.language")}>{languageName(f, b.language)}</td>
                <td data-label={f.t("blogs.policy")}>{b.comment_policy ? f.t(`policy.${b.comment_policy}` as MessageKey) : f.t("blogs.policyInherit")}</td>
                <td data-label={f.t("posts.status")}>
                  <Badge tone={b.status === "active" ? "success" : "neutral"}>{f.t(`status.${b.status}` as MessageKey)}</Badge>
                </td>
                <td>
                  <div className="button-row">
                    <button
                      type="button"
                      className="button button--small button--secondary"
                      onClick={() => {
                        setDone("");
                        setEditing(b);
                      }}
                      aria-label={f.t("blogs.editOf", { title: b.title })}
                    >
                      {f.t("blogs.edit")}
                    </button>
                    <button
                      type="button"
                      className="button button--small button--secondary"
                      disabled={update.isPending}
                      onClick={() => update.mutate({ id: b.id, changes: { status: b.status === "active" ? "archived" : "active" } })}
                      aria-label={`${b.status === "active" ? f.t("blogs.archive") : f.t("blogs.unarchive")} — ${b.title}`}
                    >
                      {b.status === "active" ? f.t("blogs.archive") : f.t("blogs.unarchive")}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {blogs.hasNextPage ? <MoreButton onClick={() => void blogs.fetchNextPage()} busy={blogs.isFetchingNextPage} /> : null}
      {update.error ? <ErrorNotice error={update.error} /> : null}

      {editing ? (
        <EditBlog
          key={editing.id}
          blog={editing}
          onDone={(message) => {
            setEditing(null);
            setDone(message);
          }}
        />
      ) : null}

      <form className="form card" onSubmit={submit} aria-labelledby="new-blog">
        <h2 id="new-blog">{f.t("blogs.new")}</h2>
        <BlogFormFields prefix="blog" fields={fields} onChange={setFields} />
        {create.error ? <ErrorNotice error={create.error} /> : null}
        <button type="submit" className="button" disabled={create.isPending || !fields.title.trim()}>
          {create.isPending ? f.t("state.saving") : f.t("action.create")}
        </button>
      </form>
    </Page>
  );
}
