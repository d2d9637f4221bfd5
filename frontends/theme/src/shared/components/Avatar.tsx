/**
 * A person's avatar: their initials on a colour of their own. The API has no picture
 * of a person, so the initials are the avatar; the colour comes from the name (the
 * same person always gets the same one) and is darkened until white reads on it (AA).
 */
import { contrastRatio, readableOn, toHex, WHITE, type Rgb } from "../contrast";

export function initials(name: string): string {
  const words = name
    .replace(/[^\p{L}\p{N}\s'-]/gu, " ")
    .split(/[\s'-]+/)
    .filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words.slice(0, 1);
  const text = letters.map((w) => Array.from(w ?? "")[0] ?? "").join("");
  return text.toLocaleUpperCase() || "?";
}

function hue(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 360;
  return h;
}

function hslToRgb(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return 255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  };
  return [f(0), f(8), f(4)].map(Math.round) as unknown as Rgb;
}

export function avatarColour(name: string): string {
  const base = hslToRgb(hue(name), 0.45, 0.4);
  const colour = readableOn(base, WHITE);
  return toHex(contrastRatio(colour, WHITE) >= 4.5 ? colour : [40, 40, 40]);
}

export function Avatar({ name, size = 32 }: { name: string; size?: number }) {
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{
        width: size,
        height: size,
        fontSize: Math.round(size * 0.4),
        backgroundColor: avatarColour(name),
      }}
    >
      {initials(name)}
    </span>
  );
}
