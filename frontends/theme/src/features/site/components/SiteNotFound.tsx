import { useHead } from "../../../shared/head";
import { useI18n } from "../../../shared/i18n";

/** Shown when no tenant answers at this address (unknown slug or host). */
export function SiteNotFound() {
  const f = useI18n();
  useHead({ title: f.t("notFound.site"), description: f.t("notFound.siteText") });
  return (
    <main id="main" className="site-not-found" tabIndex={-1}>
      <h1>{f.t("notFound.site")}</h1>
      <p>{f.t("notFound.siteText")}</p>
    </main>
  );
}
