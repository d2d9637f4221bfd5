import { useI18n } from "../../../shared/i18n";
import { useSite } from "../../../shared/site";

export function SiteFooter() {
  const { config } = useSite();
  const f = useI18n();
  const { footer_text: footer, show_powered_by: powered } = config.branding;
  return (
    <footer className="site-footer">
      {footer ? <p className="site-footer__text">{footer}</p> : null}
      <nav aria-label={f.t("footer.feeds")} className="site-footer__feeds">
        {config.feeds.atom ? (
          <a href={config.feeds.atom} type="application/atom+xml">
            {f.t("feed.atom")}
          </a>
        ) : null}
        {config.feeds.json ? (
          <a href={config.feeds.json} type="application/feed+json">
            {f.t("feed.json")}
          </a>
        ) : null}
      </nav>
      {powered ? (
        <p className="site-footer__powered" data-testid="powered-by">
          {f.t("footer.powered")}
        </p>
      ) : null}
    </footer>
  );
}
