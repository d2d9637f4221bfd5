/**
 * The headline tiles' words: each figure of the API's `insights/headline` as a value and
 * a change against the previous period ("up 12 % on the previous 30 days"). The figures
 * and their changes are the API's; this only writes them out.
 */
import type { Formatter } from "../../shared/i18n";

export interface HeadlineFigure {
  name: "comments" | "new_commenters" | "reads" | "weighted_rating" | "queue" | "median_minutes_to_decision";
  current: number | null;
  previous: number | null;
  change: number | null;
  change_share: number | null;
}

export type Trend = "up" | "down" | "same" | "none";

/** A figure in words: 1 decimal for the rating, minutes for the decision time. */
export function figureText(f: Formatter, name: HeadlineFigure["name"], value: number | null): string {
  if (value == null) return "—";
  if (name === "weighted_rating") return f.number(value, 1);
  if (name === "median_minutes_to_decision") return f.t("headline.minutes", { n: f.number(value, value < 10 ? 1 : 0) });
  return f.number(value);
}

export function trendOf(figure: HeadlineFigure): Trend {
  if (figure.change == null) return "none";
  if (figure.change === 0) return "same";
  return figure.change > 0 ? "up" : "down";
}

/** "up 25 % on the previous 30 days", or the difference itself when there is no share. */
export function changeText(f: Formatter, figure: HeadlineFigure, days: number): string {
  const trend = trendOf(figure);
  if (trend === "none" || trend === "same") return f.t(`headline.${trend}`, { days: f.number(days) });
  const size = Math.abs(figure.change ?? 0);
  const change =
    figure.change_share != null
      ? `${f.number(Math.abs(figure.change_share) * 100)} %`
      : figureText(f, figure.name, size);
  return f.t(`headline.${trend}`, { change, days: f.number(days) });
}
