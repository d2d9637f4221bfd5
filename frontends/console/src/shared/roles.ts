/**
 * Which console screens each role opens, after API.md's roles table. The API has the
 * last word on every request; this only keeps people from screens that would refuse
 * them, and lets a screen opened by URL say so plainly instead of failing.
 */

export const ROLES = ["operator", "owner", "manager", "moderator", "author", "reader"] as const;
export type Role = (typeof ROLES)[number];

export const SCREENS = [
  "dashboard",
  "conversation",
  "people",
  "moderation",
  "posts",
  "blogs",
  "members",
  "apiKeys",
  "webhooks",
  "branding",
  "domains",
  "federation",
  "subscription",
  "audit",
  "exports",
  "imports",
  "briefs",
  "notifications",
] as const;
export type Screen = (typeof SCREENS)[number];

const STAFF: readonly Role[] = ["operator", "owner", "manager"];

const ALLOWED: Record<Screen, readonly Role[]> = {
  // insights: everything for staff, moderation figures for moderators, own figures for authors
  dashboard: [...STAFF, "moderator", "author"],
  moderation: [...STAFF, "moderator"],
  // moderators may unpublish any post; authors write their own
  posts: [...STAFF, "moderator", "author"],
  // authors create blogs within quota
  blogs: [...STAFF, "author"],
  members: STAFF,
  apiKeys: STAFF,
  webhooks: STAFF,
  branding: STAFF,
  domains: STAFF,
  // fediverse domain blocks: owners and managers (and operators) set them
  federation: STAFF,
  subscription: STAFF,
  audit: STAFF,
  // a full export and readers' requests: owners, managers, operators
  exports: STAFF,
  imports: STAFF,
  // full insights: what is said
  conversation: STAFF,
  // full insights: the commenter ranking
  people: STAFF,
  // briefs: staff write them, ambassadors (authors) claim them; operators do not write
  briefs: ["owner", "manager", "author"],
  // one's own mail notifications: every member the console opens for (operators hold no
  // membership of their own)
  notifications: ["owner", "manager", "moderator", "author"],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * `moderates` is the membership's own flag from /v1/me: an author also opens the
 * moderation queue (for comments on their own posts) where the tenant allows it.
 */
export function canOpen(role: Role | null, screen: Screen, moderates = false): boolean {
  if (role === null) return false;
  if (screen === "moderation" && role === "author") return moderates;
  return ALLOWED[screen].includes(role);
}

export function allowedScreens(role: Role | null, moderates = false): Screen[] {
  return SCREENS.filter((screen) => canOpen(role, screen, moderates));
}

/** Where a role lands after sign-in: the first screen it may open, or none. */
export function homeScreen(role: Role | null): Screen | null {
  return allowedScreens(role)[0] ?? null;
}

/** Who may edit any post (not only their own), per the roles table. */
export function editsAnyPost(role: Role | null): boolean {
  return role !== null && STAFF.includes(role);
}

/** Who may write posts (create blogs, draft, publish their own). Operators do not write. */
export function writesPosts(role: Role | null): boolean {
  return role === "owner" || role === "manager" || role === "author";
}

/** Which slice of insights a role sees. */
export function insightsScope(role: Role | null): "full" | "moderation" | "own" | null {
  if (role !== null && STAFF.includes(role)) return "full";
  if (role === "moderator") return "moderation";
  if (role === "author") return "own";
  return null;
}

/** Roles a member of `actor`'s role may hand out: managers manage everyone but owners. */
export function assignableRoles(actor: Role | null): Role[] {
  if (actor === "owner" || actor === "operator") return ["owner", "manager", "moderator", "author", "reader"];
  if (actor === "manager") return ["manager", "moderator", "author", "reader"];
  return [];
}

/** The URL segment of each screen under /t/{tenant}/. */
export const SCREEN_PATHS: Record<Screen, string> = {
  dashboard: "dashboard",
  moderation: "moderation",
  posts: "posts",
  blogs: "blogs",
  members: "members",
  apiKeys: "api-keys",
  webhooks: "webhooks",
  branding: "branding",
  domains: "domains",
  federation: "federation",
  subscription: "subscription",
  audit: "audit",
  exports: "exports",
  imports: "imports",
  conversation: "conversation",
  people: "people",
  briefs: "briefs",
  notifications: "notifications",
};
