import { useI18n } from "../../../shared/i18n";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { useTenant } from "../../../shared/tenant";
import { useRevisions, type Revision } from "../api/posts";

/** Earlier versions of a post, newest first, each restorable (as a new version). */
export function Revisions({
  postId,
  currentVersion,
  onRestore,
  disabled,
}: {
  postId: string;
  currentVersion: number;
  onRestore: (revision: Revision) => void;
  disabled: boolean;
}) {
  const f = useI18n();
  const { slug } = useTenant();
  const revisions = useRevisions(slug, postId);
  const earlier = (revisions.data?.items ?? []).filter((r) => r.version !== currentVersion);
  return (
    <section className="revisions" aria-labelledby="revisions-heading">
      <h2 id="revisions-heading">{f.t("editor.revisions")}</h2>
      {revisions.isPending ? (
        <Loading />
      ) : revisions.error ? (
        <ErrorNotice error={revisions.error} onRetry={() => void revisions.refetch()} />
      ) : !earlier.length ? (
        <Empty>{f.t("editor.noRevisions")}</Empty>
      ) : (
        <ul>
          {earlier.map((r) => (
            <li key={r.id}>
              <span>
                {f.t("editor.revision", { version: r.version, when: f.dateTime(r.created_at) })} — {r.title}
              </span>{" "}
              <button
                type="button"
                className="button button--small button--secondary"
                onClick={() => onRestore(r)}
                disabled={disabled}
                aria-label={`${f.t("editor.restore")} (${r.version})`}
              >
                {f.t("editor.restore")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
