import { useI18n } from "../../../shared/i18n";
import type { Post } from "../api/posts";

export interface Draft {
  title: string;
  body_markdown: string;
  excerpt: string;
  tags: string;
  cover_image_url: string;
}

/**
 * A 412 on save: someone saved a newer version. Both versions side by side (as text),
 * then the choice: take theirs, or write mine over it with their version's tag.
 */
export function ConflictView({
  mine,
  theirs,
  onReload,
  onOverwrite,
  busy,
}: {
  mine: Draft;
  theirs: Post;
  onReload: () => void;
  onOverwrite: () => void;
  busy: boolean;
}) {
  const f = useI18n();
  return (
    <section className="conflict" role="alertdialog" aria-labelledby="conflict-title" aria-describedby="conflict-body" data-testid="conflict">
      <h2 id="conflict-title" tabIndex={-1} ref={(el) => el?.focus()}>
        {f.t("conflict.title")}
      </h2>
      <p id="conflict-body">{f.t("conflict.body", { version: theirs.version })}</p>
      <div className="conflict__sides">
        <div>
          <h3>{f.t("conflict.mine")}</h3>
          <p className="conflict__title" data-testid="conflict-mine-title">{mine.title}</p>
          <pre className="conflict__text">{mine.body_markdown}</pre>
        </div>
        <div>
          <h3>{f.t("conflict.theirs", { version: theirs.version })}</h3>
          <p className="conflict__title" data-testid="conflict-theirs-title">{theirs.title}</p>
          <pre className="conflict__text">{theirs.body_markdown}</pre>
        </div>
      </div>
      <div className="button-row">
        <button type="button" className="button button--secondary" onClick={onReload} disabled={busy}>
          {f.t("conflict.reload")}
        </button>
        <button type="button" className="button" onClick={onOverwrite} disabled={busy}>
          {f.t("conflict.overwrite")}
        </button>
      </div>
    </section>
  );
}
