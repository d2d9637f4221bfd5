import { useMemo } from "react";

import { brandStyle } from "../../../shared/brand";
import { useI18n } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { useSiteLook } from "../api/posts";
import { renderPreview } from "../preview";

/**
 * The post as the theme shows it: the tenant's colours and typography, the title as
 * text, and the body through the same Markdown rules and allow-list as the API.
 */
export function Preview({ title, body }: { title: string; body: string }) {
  const f = useI18n();
  const { slug } = useTenant();
  const site = useSiteLook(slug);
  const html = useMemo(() => renderPreview(body), [body]);
  const style = site.data ? brandStyle(site.data.branding) : undefined;
  return (
    <section className="preview" aria-labelledby="preview-heading">
      <h2 id="preview-heading">{f.t("editor.preview")}</h2>
      <p className="hint">{f.t("editor.previewNote")}</p>
      <article className="theme-preview" style={style} data-testid="post-preview">
        <h1 className="theme-preview__title">{title || f.t("posts.untitled")}</h1>
        <div className="post__body" dangerouslySetInnerHTML={{ __html: html }} />
      </article>
    </section>
  );
}
