/**
 * Bring an archive in: upload a WordPress or Ghost export (or try it dry first), then
 * follow the job: its progress, what it created and each item's warnings.
 */
import { useState, type FormEvent } from "react";

import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { useI18n, type MessageKey } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { useImportBlogs, useImports, useResumeImport, useStartImport, type ImportChoices, type ImportJob } from "../api/imports";

export function ImportsPage() {
  const f = useI18n();
  const { slug } = useTenant();
  const imports = useImports(slug);
  const start = useStartImport(slug);
  const resume = useResumeImport(slug);
  return (
    <Page title={f.t("imports.title")}>
      <p className="hint">{f.t("imports.help")}</p>
      <UploadForm busy={start.isPending} onSubmit={(choices) => start.mutate(choices)} />
      {start.error ? <ErrorNotice error={start.error} /> : null}
      {resume.error ? <ErrorNotice error={resume.error} /> : null}
      <h2>{f.t("imports.history")}</h2>
      {imports.isPending ? (
        <Loading />
      ) : imports.error ? (
        <ErrorNotice error={imports.error} onRetry={() => void imports.refetch()} />
      ) : !imports.data.length ? (
        <Empty>{f.t("imports.empty")}</Empty>
      ) : (
        <ul className="stack" data-testid="imports-list">
          {imports.data.map((job) => (
            <JobCard key={job.id} job={job} busy={resume.isPending} onResume={() => resume.mutate(job.id)} />
          ))}
        </ul>
      )}
    </Page>
  );
}

function JobCard({ job, busy, onResume }: { job: ImportJob; busy: boolean; onResume: () => void }) {
  const f = useI18n();
  const counts = job.created;
  return (
    <li className="card">
      <h3>
        {job.file_name} <span className="hint">({job.format === "wxr" ? "WordPress" : "Ghost"}{job.dry_run ? `, ${f.t("imports.dry")}` : ""})</span>
      </h3>
      <p>
        {f.t(`imports.state.${job.state}` as MessageKey)} —{" "}
        <time dateTime={job.created_at}>{f.dateTime(job.created_at)}</time>
      </p>
      <label htmlFor={`progress-${job.id}`}>{f.t("imports.progress", { done: String(job.done), total: String(job.total) })}</label>{" "}
      <progress id={`progress-${job.id}`} max={Math.max(job.total, 1)} value={job.done} />
      <p>
        {f.t("imports.counts", {
          posts: String(counts.posts),
          comments: String(counts.comments),
          authors: String(counts.authors),
          redirects: String(counts.redirects),
          skipped: String(counts.skipped),
        })}
      </p>
      {job.error ? <p role="alert">{String(job.error.detail ?? job.error.code ?? "")}</p> : null}
      {job.state === "failed" && !job.dry_run ? (
        <button type="button" className="button button--small" disabled={busy} onClick={onResume}>
          {f.t("imports.resume")}
        </button>
      ) : null}
      {job.warnings.length ? (
        <details>
          <summary>{f.t("imports.warnings", { count: String(job.warnings.length) })}</summary>
          <ul>
            {job.warnings.map((w, i) => (
              <li key={i}>
                <code translate="no">{w.item}</code> {w.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </li>
  );
}

function UploadForm({ busy, onSubmit }: { busy: boolean; onSubmit: (choices: ImportChoices) => void }) {
  const f = useI18n();
  const { slug } = useTenant();
  const blogs = useImportBlogs(slug);
  const blogItems = blogs.data?.items ?? [];
  const [file, setFile] = useState<File | null>(null);
  const [blog, setBlog] = useState("");
  const [role, setRole] = useState<ImportChoices["author_role"]>("author");
  const [categories, setCategories] = useState<ImportChoices["categories_as"]>("tags");
  const [dry, setDry] = useState(true);
  const [siteUrl, setSiteUrl] = useState("");
  const chosenBlog = blog || blogItems[0]?.id || "";
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file && chosenBlog) {
      onSubmit({ file, blog: chosenBlog, author_role: role, categories_as: categories, dry_run: dry, site_url: siteUrl.trim() });
    }
  };
  return (
    <form className="form card" onSubmit={submit} aria-labelledby="import-heading">
      <h2 id="import-heading">{f.t("imports.new")}</h2>
      <div className="field">
        <label htmlFor="import-file">{f.t("imports.file")}</label>
        <input id="import-file" type="file" accept=".xml,.json,application/xml,application/json" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </div>
      <div className="field">
        <label htmlFor="import-blog">{f.t("imports.blog")}</label>
        <select id="import-blog" value={chosenBlog} onChange={(e) => setBlog(e.target.value)} required>
          {blogItems.map((b) => (
            <option key={b.id} value={b.id}>{b.title}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="import-role">{f.t("imports.role")}</label>
        <select id="import-role" value={role} onChange={(e) => setRole(e.target.value as ImportChoices["author_role"])}>
          {(["author", "moderator", "manager"] as const).map((r) => (
            <option key={r} value={r}>{f.t(`role.${r}` as MessageKey)}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="import-categories">{f.t("imports.categories")}</label>
        <select id="import-categories" value={categories} onChange={(e) => setCategories(e.target.value as ImportChoices["categories_as"])}>
          <option value="tags">{f.t("imports.categoriesTags")}</option>
          <option value="blogs">{f.t("imports.categoriesBlogs")}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="import-site">{f.t("imports.siteUrl")}</label>
        <input id="import-site" type="url" value={siteUrl} maxLength={2000} onChange={(e) => setSiteUrl(e.target.value)} />
      </div>
      <div className="field field--inline">
        <input id="import-dry" type="checkbox" checked={dry} onChange={(e) => setDry(e.target.checked)} />
        <label htmlFor="import-dry">{f.t("imports.dryRun")}</label>
      </div>
      <button type="submit" className="button" disabled={busy || !file || !chosenBlog}>
        {dry ? f.t("imports.try") : f.t("imports.start")}
      </button>
    </form>
  );
}
