/**
 * What a failed answer means to the person in front of the console. The API's problem
 * codes are stable; each family gets one sentence in the interface's language, with
 * the figures the problem carries ("your plan allows 5 blogs").
 */
import { ApiError } from "./api";
import { isMessageKey, type Formatter } from "./i18n";

export interface ProblemMessage {
  /** The sentence to show. */
  message: string;
  /** What kind of failure, so screens can offer the right way out. */
  kind: "quota" | "plan" | "conflict" | "precondition" | "rate" | "validation" | "auth" | "forbidden" | "missing" | "network" | "other";
}

function figure(value: unknown): string | null {
  return typeof value === "number" || typeof value === "string" ? String(value) : null;
}

function quotaName(quota: unknown, f: Formatter): string {
  const key = `quota.${String(quota)}`;
  return isMessageKey(key) ? f.t(key) : String(quota ?? "").replace(/_/g, " ");
}

function featureName(feature: unknown, f: Formatter): string {
  const key = `feature.${String(feature)}`;
  return isMessageKey(key) ? f.t(key) : String(feature ?? "").replace(/_/g, " ");
}

/**
 * What the API said, for the sentences that carry it: its own words in English (the
 * API writes English), the dictionary's sentence for the problem's code otherwise, so
 * a French console never shows an English sentence.
 */
function said(error: ApiError, f: Formatter): string {
  if (f.language === "en") return error.detail || error.title;
  const key = `problem.${error.code}`;
  return isMessageKey(key) ? f.t(key) : f.t("problem.bad_request");
}

function fieldName(loc: (string | number)[]): string {
  const parts = loc.filter((p) => p !== "body" && p !== "query" && p !== "path");
  return parts.join(".") || String(loc[loc.length - 1] ?? "");
}

export function problemMessage(error: unknown, f: Formatter): ProblemMessage {
  if (!(error instanceof ApiError)) {
    const detail = error instanceof Error ? error.message : String(error);
    return { kind: "other", message: f.t("error.generic", { detail }) };
  }
  const ext = error.extensions;
  switch (error.status) {
    case 0:
      return { kind: "network", message: f.t("error.network") };
    case 401:
      return { kind: "auth", message: f.t("error.unauthenticated") };
    case 402: {
      if (error.code === "quota_exceeded") {
        const limit = figure(ext.limit);
        if (limit !== null) {
          const quota = quotaName(ext.quota, f);
          const usage = figure(ext.usage);
          const plan = figure(ext.plan);
          return {
            kind: "quota",
            message:
              usage !== null && plan !== null
                ? f.t("error.quota", { plan, limit, quota, usage })
                : f.t("error.quotaShort", { limit, quota }),
          };
        }
      }
      if (error.code === "feature_not_in_plan") {
        return { kind: "plan", message: f.t("error.feature", { feature: featureName(ext.feature, f) }) };
      }
      if (error.code === "subscription_inactive") return { kind: "plan", message: f.t("error.inactive") };
      return { kind: "plan", message: f.t("error.payment", { detail: said(error, f) }) };
    }
    case 403:
      return { kind: "forbidden", message: f.language === "en" && error.detail ? error.detail : f.t("error.forbidden") };
    case 404:
      return { kind: "missing", message: f.t("error.notFound") };
    case 409:
      return { kind: "conflict", message: f.t("error.conflict", { detail: said(error, f) }) };
    case 412:
      return { kind: "precondition", message: f.t("error.precondition") };
    case 422: {
      const fields = error.errors.map((e) => `${fieldName(e.loc)}: ${e.msg}`).filter(Boolean);
      return {
        kind: "validation",
        message: fields.length
          ? f.t("error.validation", { fields: fields.join("; ") })
          : f.t("error.generic", { detail: said(error, f) }),
      };
    }
    case 429:
      return {
        kind: "rate",
        message:
          error.retryAfter != null
            ? f.t("error.rateLimited", { wait: f.wait(error.retryAfter) })
            : f.t("error.rateLimitedSoon"),
      };
    default:
      return { kind: "other", message: f.t("error.generic", { detail: said(error, f) }) };
  }
}

/** The messages of the field errors for `field`, for a form input's description. */
export function fieldMessages(error: unknown, field: string): string[] {
  return error instanceof ApiError ? error.fieldMessages(field) : [];
}
