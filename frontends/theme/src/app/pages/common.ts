/** What every page needs: its title after the site's name, and the site's feeds. */
import type { FeedLink } from "../../shared/head";
import { useI18n } from "../../shared/i18n";
import { useSite } from "../../shared/site";

export function useSiteTitle(page?: string): string {
  const { config } = useSite();
  return page ? `${page} — ${config.name}` : config.name;
}

export function useSiteFeeds(): FeedLink[] {
  const { config } = useSite();
  const f = useI18n();
  const feeds: FeedLink[] = [];
  if (config.feeds.atom) feeds.push({ href: config.feeds.atom, type: "application/atom+xml", title: `${config.name} — ${f.t("feed.atom")}` });
  if (config.feeds.json) feeds.push({ href: config.feeds.json, type: "application/feed+json", title: `${config.name} — ${f.t("feed.json")}` });
  return feeds;
}
