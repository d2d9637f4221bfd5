/**
 * Per-page <title>, meta description and feed links (<link rel="alternate">).
 * Each page declares its own; what it added is taken away when it unmounts.
 *
 * The server writes the first page's head (canonical URL, Open Graph, JSON-LD, feeds:
 * `data-head` elements). The app's own feed links replace the server's at once; the
 * rest describes the address the reader arrived at, and goes when they move on
 * (`forgetServerHead`), so it never describes another page.
 */
import { useEffect } from "react";

export interface FeedLink {
  href: string;
  type: "application/atom+xml" | "application/feed+json";
  title: string;
}

export interface HeadInfo {
  title: string;
  description?: string;
  feeds?: FeedLink[];
}

function descriptionTag(): HTMLMetaElement {
  let tag = document.head.querySelector<HTMLMetaElement>('meta[name="description"]');
  if (!tag) {
    tag = document.createElement("meta");
    tag.name = "description";
    document.head.appendChild(tag);
  }
  return tag;
}

/** Plain text of at most `max` characters, cut on a word. */
export function shorten(text: string, max = 160): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export function useHead({ title, description, feeds }: HeadInfo): void {
  const feedKey = JSON.stringify(feeds ?? []);
  useEffect(() => {
    document.title = title;
    descriptionTag().content = shorten(description ?? "");
  }, [title, description]);
  useEffect(() => {
    for (const link of document.head.querySelectorAll('link[rel="alternate"][data-head]')) link.remove();
    const added = (JSON.parse(feedKey) as FeedLink[]).map((feed) => {
      const link = document.createElement("link");
      link.rel = "alternate";
      link.type = feed.type;
      link.title = feed.title;
      link.href = feed.href;
      link.dataset.managed = "feed";
      document.head.appendChild(link);
      return link;
    });
    return () => {
      for (const link of added) link.remove();
    };
  }, [feedKey]);
}

/** Drops what the server wrote about the first address (all but the description). */
export function forgetServerHead(): void {
  for (const el of document.head.querySelectorAll('[data-head]:not([name="description"])')) el.remove();
}
