import { useI18n } from "../i18n";

export function MoreButton({ onClick, busy }: { onClick: () => void; busy: boolean }) {
  const f = useI18n();
  return (
    <button type="button" className="button button--secondary more" onClick={onClick} disabled={busy}>
      {busy ? f.t("state.loading") : f.t("state.more")}
    </button>
  );
}
