import { useI18n } from "../i18n";

/**
 * The badge next to the name of someone the brand's managers marked as an ambassador:
 * a short visible word, and the whole meaning for screen readers and on hover.
 */
export function AmbassadorBadge() {
  const f = useI18n();
  return (
    <span className="badge badge--ambassador" title={f.t("ambassador.badgeLabel")} data-testid="ambassador-badge">
      {f.t("ambassador.badge")}
      <span className="visually-hidden"> ({f.t("ambassador.badgeLabel")})</span>
    </span>
  );
}
