/**
 * The dictionary is complete: every key the console's sources use exists in English and
 * in French, and every code the API can send to a screen (roles, languages, quota and
 * feature names, statuses, problem codes…) has a translation in both. The code lists come
 * from the API's own description (openapi/openapi.json), so a new role or status in the
 * API fails here until both languages name it.
 */
import { describe, expect, it } from "vitest";

import { HOLD_REASONS } from "./features/moderation/holdReasons";
import { FORMATS } from "./features/posts/markdown";
import { ACTION_FAMILIES, KNOWN_ACTIONS, RESOURCES } from "./features/audit/sentences";
import { isMessageKey, translate, type MessageKey } from "./shared/i18n";
import { ROLES, SCREENS } from "./shared/roles";

const sources = import.meta.glob(["./**/*.{ts,tsx}", "!./**/*.test.{ts,tsx}"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

const spec = Object.values(
  import.meta.glob("../../../openapi/openapi.json", { import: "default", eager: true }),
)[0] as { components: { schemas: Record<string, Schema> } };

interface Schema {
  properties?: Record<string, Schema>;
  enum?: string[];
  anyOf?: Schema[];
  items?: Schema;
}

/** The enumeration of a schema's property (through `anyOf` and array items). */
function enumOf(schema: string, property: string): string[] {
  const found = (s: Schema | undefined): string[] =>
    !s ? [] : s.enum ?? s.anyOf?.flatMap(found) ?? found(s.items);
  const values = found(spec.components.schemas[schema]?.properties?.[property]);
  if (!values.length) throw new Error(`no enumeration at ${schema}.${property}`);
  return values;
}

function propertiesOf(schema: string): string[] {
  return Object.keys(spec.components.schemas[schema]?.properties ?? {});
}

/** Each family of dynamic keys (`role.${code}`) with every code it must translate. */
const FAMILIES: Record<string, readonly string[]> = {
  role: [...new Set([...enumOf("InvitationCreate", "role"), ...ROLES])],
  language: enumOf("BlogCreate", "language"),
  quota: propertiesOf("Quotas"),
  feature: propertiesOf("Features"),
  level: enumOf("Features", "insights"),
  policy: enumOf("BlogCreate", "comment_policy"),
  sub: enumOf("SubscriptionPut", "status"),
  status: [
    ...new Set([
      ...enumOf("ModerationCommentDetail", "status"),
      ...enumOf("PostEventData", "status"),
      ...enumOf("BlogRead", "status"),
      "reported",
    ]),
  ],
  scope: enumOf("ApiKeyCreate", "scopes"),
  tone: enumOf("ModerationCommentDetail", "tone"),
  source: enumOf("ModerationCommentDetail", "source"),
  typography: enumOf("BrandingUpdate", "typography"),
  problem: enumOf("Problem", "code"),
  headline: enumOf("HeadlineFigureRead", "name"),
  hold: HOLD_REASONS,
  nav: SCREENS,
  moderation: enumOf("BulkModeration", "action"),
  "briefs.status": ["open", "claimed", "done"],
  "people.part": ["repliers", "replies", "active_days", "comments", "ratings"],
  "people.filter": ["all", "new", "members", "authors", "ambassadors"],
  "moderation.decided": enumOf("BulkModeration", "action"),
  "commenter.standing": ["none", ...enumOf("CommenterRead", "standing")],
  "commenter.standingHint": ["none", ...enumOf("CommenterRead", "standing")],
  "webhooks.status": enumOf("DeliveryRead", "status"),
  "exports.status": spec.components.schemas["ExportStatus"]?.enum ?? ["(ExportStatus has no enumeration)"],
  "imports.state": ["queued", "running", "succeeded", "failed"],
  "notifications.kind": Object.keys(spec.components.schemas["NotificationsRead"]?.properties ?? {}),
  "notifications.help": Object.keys(spec.components.schemas["NotificationsRead"]?.properties ?? {}),
  "audit.sentence": KNOWN_ACTIONS,
  "audit.family": ACTION_FAMILIES,
  "audit.resource": RESOURCES,
  series: ["comments", "ratings", "reads", "posts", "likes", "boosts", "positive", "neutral", "negative", "pending", "approved", "rejected", "spam", "commenters", "replies", "rating_average"],
  range: ["reversed", "future", "tooLong", "invalid"],
  toolbar: FORMATS,
};

/** Families whose words a French reader sees in place of an API code. */
const CODE_WORDS = ["role", "language", "quota", "feature", "level", "policy", "sub", "status", "scope", "tone", "typography", "hold", "headline", "problem"];
/** Words French and English spell alike: they may stay as they are. */
const SAME_IN_BOTH = new Set(["quota.blogs", "status.spam", "series.spam", "headline.median_minutes_to_decision"]);

describe("the dictionary", () => {
  const files = Object.entries(sources);

  it("has every key a source uses, in English and in French", () => {
    const used = new Set<string>();
    for (const [, text] of files) {
      for (const m of text.matchAll(/\bt\(\s*["'`]([A-Za-z][\w.:-]*)["'`]/g)) used.add(m[1] ?? "");
    }
    expect(used.size).toBeGreaterThan(250);
    const missing = [...used].filter((key) => !isMessageKey(key));
    expect(missing).toEqual([]);
    const empty = [...used].filter((key) => !translate("en", key as MessageKey).trim() || !translate("fr", key as MessageKey).trim());
    expect(empty).toEqual([]);
  });

  it("knows the codes behind every dynamic key", () => {
    const prefixes = new Set<string>();
    for (const [, text] of files) {
      for (const m of text.matchAll(/`([a-z][\w.]*)\.\$\{/g)) prefixes.add(m[1] ?? "");
    }
    expect(prefixes.size).toBeGreaterThan(10);
    const unknown = [...prefixes].filter((prefix) => !(prefix in FAMILIES));
    expect(unknown).toEqual([]);
  });

  it("translates every code of every family in both languages", () => {
    const missing: string[] = [];
    for (const [family, codes] of Object.entries(FAMILIES)) {
      for (const code of codes) {
        const key = `${family}.${code}`;
        if (!isMessageKey(key)) missing.push(key);
      }
    }
    expect(missing).toEqual([]);
  });

  it("shows no English code word in the French console", () => {
    const raw: string[] = [];
    for (const family of CODE_WORDS) {
      for (const code of FAMILIES[family] ?? []) {
        const key = `${family}.${code}` as MessageKey;
        const french = translate("fr", key);
        const english = translate("en", key);
        if (SAME_IN_BOTH.has(key)) continue;
        const sameWord = french.toLowerCase() === english.toLowerCase();
        if (french === code || french.includes("_") || sameWord) raw.push(`${key}: ${french}`);
      }
    }
    expect(raw).toEqual([]);
  });
});
