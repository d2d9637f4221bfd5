/**
 * Date ranges for the insights: whole local days, validated before any request with
 * the same rules as the API (not reversed, not in the future, at most a year).
 */

export const MAX_RANGE_DAYS = 366;
export const PRESETS = [7, 30, 90, 365] as const;

export interface DateRange {
  /** YYYY-MM-DD, local days, both included. */
  from: string;
  to: string;
}

export type RangeProblem =
  | { code: "invalid" }
  | { code: "reversed" }
  | { code: "future" }
  | { code: "tooLong"; days: number };

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A YYYY-MM-DD string as a UTC day number, or null when it is not a real date. */
export function dayNumber(value: string): number | null {
  const match = ISO_DAY.exec(value);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = Date.UTC(y, m - 1, d);
  const back = new Date(at);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return null;
  return at / 86_400_000;
}

/** The local calendar day of `now` as YYYY-MM-DD. */
export function localDay(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function addDays(day: string, days: number): string {
  const n = dayNumber(day);
  if (n === null) return day;
  return new Date((n + days) * 86_400_000).toISOString().slice(0, 10);
}

/** The last `days` days ending today (both ends included). */
export function presetRange(days: number, now: Date = new Date()): DateRange {
  const to = localDay(now);
  return { from: addDays(to, -(days - 1)), to };
}

/** Why a range cannot be asked for, or null when it is fine. */
export function validateRange(range: DateRange, now: Date = new Date()): RangeProblem | null {
  const from = dayNumber(range.from);
  const to = dayNumber(range.to);
  if (from === null || to === null) return { code: "invalid" };
  if (from > to) return { code: "reversed" };
  const today = dayNumber(localDay(now));
  if (today !== null && to > today) return { code: "future" };
  if (to - from + 1 > MAX_RANGE_DAYS) return { code: "tooLong", days: MAX_RANGE_DAYS };
  return null;
}

/** The bucket that keeps a chart readable for the range's length. */
export function suggestedBucket(range: DateRange): "day" | "week" | "month" {
  const from = dayNumber(range.from);
  const to = dayNumber(range.to);
  if (from === null || to === null) return "day";
  const days = to - from + 1;
  if (days <= 62) return "day";
  if (days <= 200) return "week";
  return "month";
}

/** A datetime-local input's value ("2026-03-01T09:30") as an ISO instant with zone. */
export function localInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

/** An instant as a datetime-local input's value, in local time. */
export function isoToLocalInput(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${localDay(at)}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}
