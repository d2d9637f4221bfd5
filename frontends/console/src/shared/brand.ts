/**
 * A tenant's branding as the theme paints it: CSS variables for colours and the font
 * stack of each typography choice, and the WCAG contrast ratio of two colours, so the
 * console's previews look like the public site.
 */

export const FONTS: Record<string, string> = {
  system: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  sans: '"Helvetica Neue", Arial, "Liberation Sans", sans-serif',
  serif: 'Georgia, "Times New Roman", "Liberation Serif", serif',
  humanist: '"Gill Sans", "Trebuchet MS", Optima, Candara, sans-serif',
  mono: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace',
};

export const TYPOGRAPHIES = Object.keys(FONTS);

export interface BrandColours {
  primary_color: string;
  accent_color: string;
  text_color: string;
  background_color: string;
  typography: string;
}

function channels(hex: string): [number, number, number] | null {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!match) return null;
  return [parseInt(match[1] as string, 16), parseInt(match[2] as string, 16), parseInt(match[3] as string, 16)];
}

function luminance(hex: string): number | null {
  const rgb = channels(hex);
  if (!rgb) return null;
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG 2 contrast ratio of two #rrggbb colours (1 to 21), or null if either is malformed. */
export function contrastRatio(a: string, b: string): number | null {
  const la = luminance(a);
  const lb = luminance(b);
  if (la === null || lb === null) return null;
  const [hi, lo] = la > lb ? [la, lb] : [lb, la];
  return (hi + 0.05) / (lo + 0.05);
}

export function isHexColour(value: string): boolean {
  return channels(value) !== null;
}

/** White or near-black, whichever reads better on `hex` (white when `hex` is malformed). */
export function readableOn(hex: string): string {
  const dark = "#1a1a1a";
  return (contrastRatio(dark, hex) ?? 0) > (contrastRatio("#ffffff", hex) ?? 0) ? dark : "#ffffff";
}

/** The preview's CSS variables (raw colours: the site itself fixes unreadable pairs). */
export function brandStyle(b: BrandColours): Record<string, string> {
  return {
    "--brand-bg": b.background_color,
    "--brand-text": b.text_color,
    "--brand-primary": b.primary_color,
    "--brand-accent": b.accent_color,
    // Text the preview itself lays on brand colours stays readable whatever they are.
    "--brand-on-primary": readableOn(b.primary_color),
    "--brand-on-accent": readableOn(b.accent_color),
    "--brand-font": FONTS[b.typography] ?? (FONTS.system as string),
  };
}
