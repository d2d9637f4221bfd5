/**
 * Colour contrast after WCAG 2.x, so a tenant's brand colours never make text unreadable.
 *
 * A tenant may pick any #RRGGBB colours; the theme keeps them where they are readable
 * (contrast of at least 4.5:1, level AA for body text) and otherwise falls back to a
 * readable colour, keeping the tenant's background.
 */

export const AA_NORMAL_TEXT = 4.5;

export type Rgb = readonly [number, number, number];

const HEX = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i;

export function parseHex(value: string | null | undefined): Rgb | null {
  const match = HEX.exec((value ?? "").trim());
  if (!match?.[1]) return null;
  let hex = match[1];
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join("");
  const n = Number.parseInt(hex, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;
}

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** Relative luminance, 0 (black) to 1 (white). */
export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** The contrast ratio of two colours, from 1 (same) to 21 (black on white). */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export const BLACK: Rgb = [0, 0, 0];
export const WHITE: Rgb = [255, 255, 255];

/** Black or white, whichever reads better on `background`. */
export function bestInk(background: Rgb): Rgb {
  return contrastRatio(BLACK, background) >= contrastRatio(WHITE, background) ? BLACK : WHITE;
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/**
 * `color` itself when it reads on `background`, otherwise the closest shade of it
 * (mixed towards black or white, whichever the background needs) that does.
 */
export function readableOn(color: Rgb, background: Rgb, minimum = AA_NORMAL_TEXT): Rgb {
  if (contrastRatio(color, background) >= minimum) return color;
  const ink = bestInk(background);
  for (let step = 1; step <= 20; step += 1) {
    const candidate = mix(color, ink, step / 20).map(Math.round) as unknown as Rgb;
    if (contrastRatio(candidate, background) >= minimum) return candidate;
  }
  return ink;
}

export interface BrandColours {
  primary_color?: string | null;
  accent_color?: string | null;
  background_color?: string | null;
  text_color?: string | null;
}

export interface ThemeColours {
  background: string;
  text: string;
  /** Links and headings in the brand colour, darkened or lightened until readable. */
  link: string;
  /** Buttons: the brand colour as a fill, with the more readable ink on it. */
  buttonBackground: string;
  buttonText: string;
  /** Outlines buttons whose fill would vanish into the background. */
  buttonBorder: string;
  accent: string;
  accentText: string;
  /** Secondary text (dates, counts): still AA on the background. */
  muted: string;
  /** True when the tenant's own text/background pair failed and was replaced. */
  textReplaced: boolean;
}

const DEFAULTS = {
  primary: [31, 78, 121] as Rgb,
  accent: [192, 57, 43] as Rgb,
  background: WHITE,
  text: [26, 26, 26] as Rgb,
};

/** Every colour the theme paints with, each readable on what it is painted over. */
export function themeColours(brand: BrandColours): ThemeColours {
  const background = parseHex(brand.background_color) ?? DEFAULTS.background;
  const wanted = parseHex(brand.text_color) ?? DEFAULTS.text;
  const textOk = contrastRatio(wanted, background) >= AA_NORMAL_TEXT;
  const text = textOk ? wanted : bestInk(background);
  const primary = parseHex(brand.primary_color) ?? DEFAULTS.primary;
  const accent = parseHex(brand.accent_color) ?? DEFAULTS.accent;
  const muted = readableOn(mix(text, background, 0.3).map(Math.round) as unknown as Rgb, background);
  return {
    background: toHex(background),
    text: toHex(text),
    link: toHex(readableOn(primary, background)),
    buttonBackground: toHex(primary),
    buttonText: toHex(bestInk(primary)),
    buttonBorder: toHex(contrastRatio(primary, background) >= 3 ? primary : text),
    accent: toHex(accent),
    accentText: toHex(bestInk(accent)),
    muted: toHex(muted),
    textReplaced: !textOk,
  };
}
