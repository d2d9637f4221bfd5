/**
 * Writing a post: Markdown on the left, the live preview on the right; save (with
 * If-Match, so no edit is lost), publish now, schedule, unpublish, earlier versions.
 * A 412 on save opens the conflict view instead of failing.
 */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate, useParams, useSearchParams } from "react-router";

import { ApiError } from "../../../shared/api";
import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading, StatusLine } from "../../../shared/components/states";
import { isoToLocalInput, localInputToIso } from "../../../shared/dates";
import { useI18n, type MessageKey } from "../../../shared/i18n";
import { editsAnyPost, writesPosts } from "../../../shared/roles";
import { useTenant } from "../../../shared/tenant";
import {
  fetchPost,
  deletePost,
  lifeCycle,
  restoreRevision,
  savePost,
  useBlogs,
  useCreatePost,
  usePost,
  usePostCache,
  type LifeCycle,
  type Post,
  type Revision,
} from "../api/posts";
import { parseTags } from "../preview";
import { ConflictView, type Draft } from "./ConflictView";
import { Preview } from "./Preview";
import { FormatToolbar, shortcutHandler, useFormatter } from "./FormatToolbar";
import { Revisions } from "./Revisions";

function draftOf(post: Post): Draft {
  return {
    title: post.title,
    body_markdown: post.body_markdown,
    excerpt: post.excerpt,
    tags: post.tags.join(", "),
    cover_image_url: post.cover_image_url ?? "",
  };
}

const EMPTY: Draft = { title: "", body_markdown: "", excerpt: "", tags: "", cover_image_url: "" };

function changesOf(draft: Draft) {
  return {
    title: draft.title,
    body_markdown: draft.body_markdown,
    excerpt: draft.excerpt.trim() || null,
    tags: parseTags(draft.tags),
    cover_image_url: draft.cover_image_url.trim() || null,
  };
}

/**
 * Only what the author changed since `from`, so fields derived by the API (an excerpt
 * taken from the body) stay derived, and an overwrite after a conflict replaces only
 * what this author edited.
 */
function changedFields(draft: Draft, from: Draft) {
  const all = changesOf(draft);
  const before = changesOf(from);
  const out: Partial<ReturnType<typeof changesOf>> = {};
  if (all.title !== before.title) out.title = all.title;
  if (all.body_markdown !== before.body_markdown) out.body_markdown = all.body_markdown;
  if (all.excerpt !== before.excerpt) out.excerpt = all.excerpt;
  if (all.tags.join(",") !== before.tags.join(",")) out.tags = all.tags;
  if (all.cover_image_url !== before.cover_image_url) out.cover_image_url = all.cover_image_url;
  return out;
}

function sameDraft(a: Draft, b: Draft): boolean {
  return (
    a.title === b.title &&
    a.body_markdown === b.body_markdown &&
    a.excerpt.trim() === b.excerpt.trim() &&
    parseTags(a.tags).join(",") === parseTags(b.tags).join(",") &&
    a.cover_image_url.trim() === b.cover_image_url.trim()
  );
}

function DraftFields({
  draft,
  onChange,
  readOnly,
  error,
}: {
  draft: Draft;
  onChange: (draft: Draft) => void;
  readOnly: boolean;
  error: unknown;
}) {
  const f = useI18n();
  const set = (name: keyof Draft) => (e: { target: { value: string } }) => onChange({ ...draft, [name]: e.target.value });
  const body = useRef<HTMLTextAreaElement>(null);
  // The latest draft, for an edit made after a render that has not caught up yet.
  const latest = useRef(draft);
  latest.current = draft;
  const format = useFormatter(body, (text) => onChange({ ...latest.current, body_markdown: text }));
  const messages = (field: string) => (error instanceof ApiError ? error.fieldMessages(field) : []);
  const described = (field: string) => (messages(field).length ? `err-${field}` : undefined);
  const fieldError = (field: string) =>
    messages(field).length ? (
      <p className="field__error" id={`err-${field}`}>
        {messages(field).join(" ")}
      </p>
    ) : null;
  return (
    <>
      <div className="field">
        <label htmlFor="post-title">{f.t("editor.postTitle")}</label>
        <input id="post-title" value={draft.title} onChange={set("title")} readOnly={readOnly} required maxLength={300} aria-describedby={described("title")} />
        {fieldError("title")}
      </div>
      <div className="field">
        <label htmlFor="post-body">{f.t("editor.body")}</label>
        {readOnly ? null : <FormatToolbar controls="post-body" onFormat={format} />}
        <textarea
          id="post-body"
          ref={body}
          value={draft.body_markdown}
          onChange={set("body_markdown")}
          onKeyDown={readOnly ? undefined : shortcutHandler(format)}
          readOnly={readOnly}
          rows={16}
          aria-describedby={[described("body_markdown"), readOnly ? undefined : "post-body-hint"].filter(Boolean).join(" ") || undefined}
        />
        {readOnly ? null : (
          <p className="hint" id="post-body-hint">
            {f.t("toolbar.hint")}
          </p>
        )}
        {fieldError("body_markdown")}
      </div>
      <div className="field">
        <label htmlFor="post-excerpt">{f.t("editor.excerpt")}</label>
        <textarea id="post-excerpt" value={draft.excerpt} onChange={set("excerpt")} readOnly={readOnly} rows={2} />
      </div>
      <div className="field">
        <label htmlFor="post-tags">{f.t("editor.tags")}</label>
        <input id="post-tags" value={draft.tags} onChange={set("tags")} readOnly={readOnly} />
      </div>
      <div className="field">
        <label htmlFor="post-cover">{f.t("editor.cover")}</label>
        <input id="post-cover" type="url" value={draft.cover_image_url} onChange={set("cover_image_url")} readOnly={readOnly} aria-describedby={described("cover_image_url")} />
        {fieldError("cover_image_url")}
      </div>
    </>
  );
}

function NewPost() {
  const f = useI18n();
  const { slug, path } = useTenant();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const blogs = useBlogs(slug);
  const create = useCreatePost(slug);
  const [blogId, setBlogId] = useState(params.get("blog") ?? "");
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const active = (blogs.data?.items ?? []).filter((b) => b.status === "active");
  const chosen = blogId || active[0]?.id || "";

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!chosen) return;
    const changes = changesOf(draft);
    create.mutate(
      {
        blogId: chosen,
        body: {
          title: changes.title,
          body_markdown: changes.body_markdown,
          excerpt: changes.excerpt,
          tags: changes.tags,
          cover_image_url: changes.cover_image_url,
        },
      },
      { onSuccess: (post) => navigate(path(`posts/${post.id}`), { state: { created: true } }) },
    );
  }

  return (
    <Page title={f.t("editor.newTitle")} wide>
      {blogs.isPending ? (
        <Loading />
      ) : blogs.error ? (
        <ErrorNotice error={blogs.error} onRetry={() => void blogs.refetch()} />
      ) : !active.length ? (
        <Empty>{f.t("editor.noBlog")}</Empty>
      ) : (
        <div className="editor">
          <form className="form editor__form" onSubmit={submit}>
            <div className="field">
              <label htmlFor="post-blog">{f.t("editor.blog")}</label>
              <select id="post-blog" value={chosen} onChange={(e) => setBlogId(e.target.value)}>
                {active.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.title}
                  </option>
                ))}
              </select>
            </div>
            <DraftFields draft={draft} onChange={setDraft} readOnly={false} error={create.error} />
            {create.error ? <ErrorNotice error={create.error} /> : null}
            <button type="submit" className="button" disabled={create.isPending}>
              {create.isPending ? f.t("state.saving") : f.t("editor.create")}
            </button>
          </form>
          <Preview title={draft.title} body={draft.body_markdown} />
        </div>
      )}
    </Page>
  );
}

function Editor({ initial }: { initial: Post }) {
  const f = useI18n();
  const { slug, role, me, path } = useTenant();
  const navigate = useNavigate();
  const client = useQueryClient();
  const remember = usePostCache(slug);
  const [base, setBase] = useState<Post>(initial);
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState("");
  const [conflict, setConflict] = useState<Post | null>(null);
  const [scheduleAt, setScheduleAt] = useState(() =>
    initial.status === "scheduled" && initial.published_at ? isoToLocalInput(initial.published_at) : "",
  );

  const mayEdit = editsAnyPost(role) || (writesPosts(role) && initial.author_id === me.id);
  const dirty = !sameDraft(draft, draftOf(base));

  async function run<T>(work: () => Promise<T>, after: (value: T) => void) {
    setBusy(true);
    setError(null);
    setNotice("");
    try {
      after(await work());
    } catch (cause) {
      if (cause instanceof ApiError && cause.status === 412) {
        try {
          setConflict(await fetchPost(slug, base.id));
        } catch (again) {
          setError(again);
        }
      } else {
        setError(cause);
      }
    } finally {
      setBusy(false);
    }
  }

  const adopt = (post: Post) => {
    setBase(post);
    remember(post);
  };

  function save(event?: FormEvent, version = base.version) {
    event?.preventDefault();
    void run(
      () => savePost(slug, base.id, version, changedFields(draft, draftOf(base))),
      (post) => {
        adopt(post);
        setDraft(draftOf(post));
        setConflict(null);
        setNotice(f.t("editor.saved", { version: post.version }));
      },
    );
  }

  function cycle(action: LifeCycle, at?: string) {
    if (dirty && action === "publish") {
      setNotice(f.t("editor.unsaved"));
      return;
    }
    void run(
      () => lifeCycle(slug, base.id, action, base.version, at),
      (post) => {
        adopt(post);
        if (action === "unpublish") setNotice(f.t("editor.unpublished"));
        else if (action === "archive") setNotice(f.t("editor.archived"));
        else if (post.status === "scheduled") setNotice(f.t("editor.scheduled", { when: f.dateTime(post.published_at) }));
        else if (post.status === "published") setNotice(f.t("editor.published"));
        else setNotice(f.t("editor.status", { status: f.t(`status.${post.status}` as MessageKey) }));
      },
    );
  }

  function remove() {
    if (!window.confirm(f.t("editor.confirmDelete", { title: base.title || f.t("posts.untitled") }))) return;
    void run(
      () => deletePost(slug, base.id, base.version),
      () => {
        void client.invalidateQueries({ queryKey: ["posts", slug, "list"] });
        navigate(path("posts"));
      },
    );
  }

  function schedule() {
    const iso = localInputToIso(scheduleAt);
    if (!iso) {
      setNotice(f.t("editor.scheduleInvalid"));
      return;
    }
    cycle("publish", iso);
  }

  function restore(revision: Revision) {
    void run(
      () => restoreRevision(slug, base.id, revision.id, base.version),
      (post) => {
        adopt(post);
        setDraft(draftOf(post));
        setNotice(f.t("editor.restored", { version: revision.version }));
      },
    );
  }

  return (
    <Page title={f.t("editor.editTitle", { title: base.title || f.t("posts.untitled") })} wide>
      <p className="editor__status" data-testid="post-status">
        {f.t("editor.status", { status: f.t(`status.${base.status}` as MessageKey) })}
        {base.published_at ? ` · ${f.dateTime(base.published_at)}` : ""}
      </p>
      {!mayEdit && role === "moderator" ? <p className="hint">{f.t("editor.moderatorNote")}</p> : null}
      <StatusLine testId="editor-notice">{notice}</StatusLine>
      {error ? <ErrorNotice error={error} /> : null}
      {conflict ? (
        <ConflictView
          mine={draft}
          theirs={conflict}
          busy={busy}
          onReload={() => {
            adopt(conflict);
            setDraft(draftOf(conflict));
            setConflict(null);
          }}
          onOverwrite={() => save(undefined, conflict.version)}
        />
      ) : null}
      <div className="editor">
        <form className="form editor__form" onSubmit={save}>
          <DraftFields draft={draft} onChange={setDraft} readOnly={!mayEdit} error={error} />
          {mayEdit ? (
            <div className="button-row">
              <button type="submit" className="button" disabled={busy || !dirty}>
                {busy ? f.t("state.saving") : f.t("editor.saveDraft")}
              </button>
            </div>
          ) : null}
        </form>
        <Preview title={draft.title} body={draft.body_markdown} />
      </div>
      <section className="publishing" aria-label={f.t("editor.publish")}>
        {mayEdit && base.status !== "published" ? (
          <>
            <button type="button" className="button" onClick={() => cycle("publish")} disabled={busy}>
              {f.t("editor.publish")}
            </button>
            <div className="field field--inline">
              <label htmlFor="post-schedule">{f.t("editor.scheduleAt")}</label>
              <input id="post-schedule" type="datetime-local" step={1} value={scheduleAt} onChange={(e) => setScheduleAt(e.target.value)} />
              <button type="button" className="button button--secondary" onClick={schedule} disabled={busy}>
                {f.t("editor.schedule")}
              </button>
            </div>
          </>
        ) : null}
        {(base.status === "published" || base.status === "scheduled") && (mayEdit || role === "moderator") ? (
          <button type="button" className="button button--secondary" onClick={() => cycle("unpublish")} disabled={busy}>
            {f.t("editor.unpublish")}
          </button>
        ) : null}
        {mayEdit ? (
          <div className="button-row">
            {base.status === "archived" ? (
              <button type="button" className="button button--secondary" onClick={() => cycle("unarchive")} disabled={busy}>
                {f.t("editor.unarchive")}
              </button>
            ) : (
              <button type="button" className="button button--secondary" onClick={() => cycle("archive")} disabled={busy}>
                {f.t("editor.archive")}
              </button>
            )}
            {base.status === "draft" ? (
              <button type="button" className="button button--danger" onClick={remove} disabled={busy} data-testid="delete-draft">
                {f.t("editor.delete")}
              </button>
            ) : null}
          </div>
        ) : null}
      </section>
      {mayEdit ? <Revisions postId={base.id} currentVersion={base.version} onRestore={restore} disabled={busy} /> : null}
    </Page>
  );
}

function ExistingPost({ id }: { id: string }) {
  const { slug } = useTenant();
  const post = usePost(slug, id);
  const f = useI18n();
  if (post.isPending) return <Page title={f.t("posts.title")}><Loading /></Page>;
  if (post.error || !post.data) {
    return (
      <Page title={f.t("posts.title")}>
        <ErrorNotice error={post.error} onRetry={() => void post.refetch()} />
      </Page>
    );
  }
  return <Editor key={post.data.id} initial={post.data} />;
}

export function PostEditorPage() {
  const { postId } = useParams();
  const [key, setKey] = useState(0);
  useEffect(() => setKey((k) => k + 1), [postId]);
  if (!postId || postId === "new") return <NewPost key={key} />;
  return <ExistingPost id={postId} />;
}
