import { useState, type FormEvent } from "react";

import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { useI18n } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { isActive, saveJson, useEraseReader, useExports, useReaderData, useReaders, useRequestExport, type Export } from "../api/exports";

/** A full export of the tenant: ask, follow its progress, download it; and readers' requests. */
export function ExportsPage() {
  const f = useI18n();
  const { slug } = useTenant();
  const exports = useExports(slug);
  const request = useRequestExport(slug);
  const running = exports.data?.some(isActive) ?? false;

  return (
    <Page title={f.t("exports.title")}>
      <p className="hint">{f.t("exports.help")}</p>
      <button type="button" className="button" onClick={() => request.mutate()} disabled={request.isPending || running}>
        {f.t("exports.request")}
      </button>
      {request.error ? <ErrorNotice error={request.error} /> : null}
      <h2>{f.t("exports.list")}</h2>
      {exports.isPending ? (
        <Loading />
      ) : exports.error ? (
        <ErrorNotice error={exports.error} onRetry={() => void exports.refetch()} />
      ) : !exports.data?.length ? (
        <Empty>{f.t("exports.empty")}</Empty>
      ) : (
        <ul className="plain-list" data-testid="exports-list" aria-live="polite">
          {exports.data.map((e) => (
            <ExportRow key={e.id} item={e} />
          ))}
        </ul>
      )}
      <ReaderRequests />
    </Page>
  );
}

function ExportRow({ item }: { item: Export }) {
  const f = useI18n();
  return (
    <li>
      <time dateTime={item.created_at}>{f.dateTime(item.created_at)}</time> — {f.t(`exports.status.${item.status}`)}
      {isActive(item) && item.items_total ? (
        <>
          {" "}
          <progress max={item.items_total} value={item.items_done} aria-label={f.t("exports.progress")} />
        </>
      ) : null}
      {item.download_url ? (
        <>
          {" "}
          <a className="button button--small" href={item.download_url} download>
            {f.t("exports.download")}
          </a>{" "}
          <span className="hint">
            {f.t("exports.until", { when: f.dateTime(item.expires_at) })} · {f.number((item.size_bytes ?? 0) / 1024, 0)} KiB
          </span>
        </>
      ) : null}
    </li>
  );
}

function ReaderRequests() {
  const f = useI18n();
  const { slug } = useTenant();
  const readers = useReaders(slug);
  const data = useReaderData(slug);
  const erase = useEraseReader(slug);
  const [chosen, setChosen] = useState("");
  const [done, setDone] = useState<string | null>(null);

  function download(event: FormEvent) {
    event.preventDefault();
    data.mutate(chosen, { onSuccess: (doc) => saveJson(`reader-${chosen}.json`, doc) });
  }

  function remove() {
    const who = readers.data?.find((r) => r.user_id === chosen);
    if (!who || !window.confirm(f.t("readers.confirm", { name: who.display_name }))) return;
    erase.mutate(chosen, {
      onSuccess: (r) => {
        setDone(f.t("readers.erased", { name: who.display_name, comments: String(r.comments_anonymised), ratings: String(r.ratings_removed) }));
        setChosen("");
      },
    });
  }

  return (
    <form className="form card" onSubmit={download} aria-labelledby="readers-heading">
      <h2 id="readers-heading">{f.t("readers.title")}</h2>
      <p className="hint">{f.t("readers.help")}</p>
      {readers.error ? <ErrorNotice error={readers.error} /> : null}
      <div className="field">
        <label htmlFor="reader-choice">{f.t("readers.choose")}</label>
        <select id="reader-choice" value={chosen} onChange={(e) => setChosen(e.target.value)} required>
          <option value="">—</option>
          {(readers.data ?? []).map((r) => (
            <option key={r.user_id} value={r.user_id}>
              {r.display_name} ({r.email})
            </option>
          ))}
        </select>
      </div>
      {data.error ? <ErrorNotice error={data.error} /> : null}
      {erase.error ? <ErrorNotice error={erase.error} /> : null}
      {done ? <p role="status">{done}</p> : null}
      <button type="submit" className="button" disabled={!chosen || data.isPending}>
        {f.t("readers.download")}
      </button>{" "}
      <button type="button" className="button button--danger" onClick={remove} disabled={!chosen || erase.isPending}>
        {f.t("readers.erase")}
      </button>
    </form>
  );
}
