/**
 * The tenant's branding as CSS custom properties, so every component paints with the
 * brand through var(--…) and nothing reads colours in JavaScript.
 *
 * Two palettes are written: the brand's own, and a dark one for readers whose system
 * asks for it (`prefers-color-scheme: dark`), derived from the brand (its colours on a
 * dark background tinted by the primary colour). Both go through the same contrast
 * guard (`themeColours`), so any brand colour stays AA-readable in either. A brand whose
 * own background is dark already keeps it in both.
 */
import { useLayoutEffect } from "react";

import { luminance, parseHex, themeColours, toHex, type Rgb } from "../../../shared/contrast";
import type { SiteConfig } from "../../../shared/site";

interface FontPair {
  body: string;
  heading: string;
}

const SYSTEM = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const SERIF = '"Iowan Old Style", "Palatino Linotype", Palatino, "URW Palladio L", Georgia, "Liberation Serif", serif';
const HUMANIST = 'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", "Source Sans Pro", sans-serif';
const SANS = '"Helvetica Neue", Helvetica, Arial, "Liberation Sans", "Nimbus Sans", sans-serif';
const MONO = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace';

// Only fonts the reader's system has: no web font to download, so text is never
// invisible while one loads. A monospaced brand gets it for headings and interface;
// long text stays in a proportional face, which reads faster.
export const FONTS: Record<string, FontPair> = {
  system: { body: SYSTEM, heading: SYSTEM },
  sans: { body: SANS, heading: SANS },
  serif: { body: SERIF, heading: SERIF },
  humanist: { body: HUMANIST, heading: HUMANIST },
  mono: { body: SYSTEM, heading: MONO },
};

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as unknown as Rgb;
}

function palette(branding: SiteConfig["branding"]): Record<string, string> {
  const c = themeColours(branding);
  const bg = parseHex(c.background) as Rgb;
  const text = parseHex(c.text) as Rgb;
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
    "--color-surface": toHex(mix(bg, text, 0.035)),
    "--color-border": toHex(mix(bg, text, 0.14)),
  };
}

const DARK_BASE: Rgb = [18, 20, 24];
const DARK_TEXT = "#e8e6e3";

export function isDark(hex: string | null | undefined): boolean {
  const rgb = parseHex(hex);
  return rgb !== null && luminance(rgb) < 0.18;
}

/** The brand's palettes: as given (light), and for a dark system setting. */
export function brandPalettes(branding: SiteConfig["branding"]): {
  light: Record<string, string>;
  dark: Record<string, string>;
} {
  const light = palette(branding);
  if (isDark(branding.background_color)) return { light, dark: light };
  const primary = parseHex(branding.primary_color) ?? DARK_BASE;
  const dark = palette({
    ...branding,
    background_color: toHex(mix(DARK_BASE, primary, 0.06)),
    text_color: DARK_TEXT,
  });
  return { light, dark };
}

export function brandVariables(branding: SiteConfig["branding"]): Record<string, string> {
  const fonts = FONTS[branding.typography] ?? (FONTS.system as FontPair);
  return { ...palette(branding), "--font-body": fonts.body, "--font-heading": fonts.heading };
}

function block(vars: Record<string, string>): string {
  // Values come from parsed colours and the fixed font table: nothing of the tenant's
  // text reaches the style sheet as it was typed.
  return Object.entries(vars)
    .map(([name, value]) => `${name}:${value};`)
    .join("");
}

export function brandStyleSheet(branding: SiteConfig["branding"]): string {
  const fonts = FONTS[branding.typography] ?? (FONTS.system as FontPair);
  const { light, dark } = brandPalettes(branding);
  const scheme = isDark(branding.background_color) ? "dark" : "light dark";
  return (
    `:root{${block(light)}--font-body:${fonts.body};--font-heading:${fonts.heading};color-scheme:${scheme};}` +
    `@media (prefers-color-scheme: dark){:root{${block(dark)}}}`
  );
}

export function useBrandStyle(config: SiteConfig | undefined): void {
  useLayoutEffect(() => {
    if (!config) return;
    const root = document.documentElement;
    let style = document.getElementById("brand-style") as HTMLStyleElement | null;
    if (!style) {
      style = document.createElement("style");
      style.id = "brand-style";
      document.head.appendChild(style);
    }
    style.textContent = brandStyleSheet(config.branding);
    root.lang = config.default_language;
    root.dataset.typography = config.branding.typography;
    return () => {
      style?.remove();
    };
  }, [config]);
}
