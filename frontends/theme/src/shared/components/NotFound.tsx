import { Link } from "react-router";

import { useHead } from "../head";
import { useI18n } from "../i18n";

/** The page for an address that leads nowhere within a site. */
export function NotFound({ message }: { message?: string }) {
  const f = useI18n();
  useHead({ title: f.t("notFound.title"), description: f.t("notFound.text") });
  return (
    <section className="not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title">{f.t("notFound.title")}</h1>
      <p>{message ?? f.t("notFound.text")}</p>
      <p>
        <Link to="/">{f.t("notFound.back")}</Link>
      </p>
    </section>
  );
}
