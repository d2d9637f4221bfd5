import { useI18n } from "../i18n";

export function Loading() {
  const f = useI18n();
  return (
    <p className="loading" role="status" aria-live="polite">
      {f.t("loading")}
    </p>
  );
}
