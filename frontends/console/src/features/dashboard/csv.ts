/**
 * The CSV export address of an insights report: the same query as the chart, plus
 * `format=csv`. Only known parameters are kept, in a stable order, so two equal
 * requests build the same link.
 */

export const REPORTS = ["engagement", "tone", "authors", "top-posts", "moderation"] as const;
export type Report = (typeof REPORTS)[number];

export interface ReportQuery {
  from: string;
  to: string;
  tz: string;
  bucket?: "day" | "week" | "month";
  by?: "comments" | "rating" | "reads";
  limit?: number;
  filter?: "all" | "ambassadors";
}

// Which parameters each report takes (anything else would be a 422).
const ACCEPTS: Record<Report, (keyof ReportQuery)[]> = {
  engagement: ["from", "to", "tz", "bucket"],
  tone: ["from", "to", "tz", "bucket"],
  authors: ["from", "to", "tz", "limit", "filter"],
  "top-posts": ["from", "to", "tz", "by", "limit"],
  moderation: ["from", "to", "tz"],
};

export function csvUrl(apiBase: string, tenant: string, report: Report, query: ReportQuery): string {
  const params = new URLSearchParams();
  for (const name of ACCEPTS[report]) {
    const value = query[name];
    if (value !== undefined && value !== "") params.set(name, String(value));
  }
  params.set("format", "csv");
  const base = apiBase.replace(/\/+$/, "");
  return `${base}/v1/tenants/${encodeURIComponent(tenant)}/insights/${report}?${params.toString()}`;
}

/** The file name a download gets: causerie-demo-engagement-2026-01-01-2026-01-31.csv */
export function csvFilename(tenant: string, report: Report, query: ReportQuery): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, "-");
  return `causerie-${safe(tenant)}-${report}-${safe(query.from)}-${safe(query.to)}.csv`;
}
