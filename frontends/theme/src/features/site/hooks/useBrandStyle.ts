/**
 * The tenant's branding as CSS custom properties on the document, so every component
 * paints with the brand through var(--…) and nothing reads colours in JavaScript.
 */
import { useLayoutEffect } from "react";

import { themeColours } from "../../../shared/contrast";
import type { SiteConfig } from "../../../shared/site";

const FONTS: Record<string, string> = {
  system: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  sans: '"Helvetica Neue", Arial, "Liberation Sans", sans-serif',
  serif: 'Georgia, "Times New Roman", "Liberation Serif", serif',
  humanist: '"Gill Sans", "Trebuchet MS", Optima, Candara, sans-serif',
  mono: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace',
};

export function brandVariables(branding: SiteConfig["branding"]): Record<string, string> {
  const c = themeColours(branding);
  return {
    "--color-bg": c.background,
    "--color-text": c.text,
    "--color-link": c.link,
    "--color-muted": c.muted,
    "--color-button": c.buttonBackground,
    "--color-button-text": c.buttonText,
    "--color-button-border": c.buttonBorder,
    "--color-accent": c.accent,
    "--color-accent-text": c.accentText,
    "--font-body": FONTS[branding.typography] ?? (FONTS.system as string),
  };
}

export function useBrandStyle(config: SiteConfig | undefined): void {
  useLayoutEffect(() => {
    if (!config) return;
    const root = document.documentElement;
    const vars = brandVariables(config.branding);
    for (const [name, value] of Object.entries(vars)) root.style.setProperty(name, value);
    root.lang = config.default_language;
    return () => {
      for (const name of Object.keys(vars)) root.style.removeProperty(name);
    };
  }, [config]);
}
