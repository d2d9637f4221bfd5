/**
 * Space held for what is still loading, the size of what will come, so nothing jumps
 * when the data arrive (CLS). Screen readers hear one "Loading…".
 */
import { useI18n } from "../i18n";

export function CardSkeletons({ count = 4 }: { count?: number }) {
  const f = useI18n();
  return (
    <div className="card-grid" role="status" aria-live="polite">
      <span className="visually-hidden">{f.t("loading")}</span>
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="card card--skeleton" aria-hidden="true">
          <div className="card__media skeleton" />
          <div className="card__body">
            <div className="skeleton skeleton--line" style={{ width: "40%" }} />
            <div className="skeleton skeleton--title" />
            <div className="skeleton skeleton--line" />
            <div className="skeleton skeleton--line" style={{ width: "80%" }} />
          </div>
        </div>
      ))}
    </div>
  );
}

export function ArticleSkeleton() {
  const f = useI18n();
  return (
    <div className="post post--skeleton" role="status" aria-live="polite">
      <span className="visually-hidden">{f.t("loading")}</span>
      <div className="post__header" aria-hidden="true">
        <div className="skeleton skeleton--line" style={{ width: "20%" }} />
        <div className="skeleton skeleton--h1" />
        <div className="skeleton skeleton--line" style={{ width: "50%" }} />
      </div>
      <div className="post__cover-wrap skeleton" aria-hidden="true" />
    </div>
  );
}
