/**
 * An audit entry as a sentence ("Alice Auteur published “Naxos hors saison”"), from the
 * names the API resolved. An action this console does not know yet still reads, with its
 * code in brackets, instead of disappearing.
 */
import type { MessageKey, Params } from "../../shared/i18n";

export type Translate = (key: MessageKey, params?: Params) => string;

export const KNOWN_ACTIONS = [
  "post.created",
  "post.updated",
  "post.published",
  "post.scheduled",
  "post.unpublish",
  "post.archive",
  "post.unarchive",
  "post.delete",
  "post.restore",
  "post.revision_restored",
  "blog.created",
  "blog.updated",
  "blog.author_set",
  "blog.author_removed",
  "comment.approve",
  "comment.reject",
  "comment.spam",
  "comment.restore",
  "comment.pin",
  "comment.unpin",
  "commenter.trust",
  "commenter.ban",
  "commenter.clear",
  "commenter.note",
  "member.invited",
  "member.joined",
  "member.left",
  "member.role_changed",
  "member.removed",
  "domain.added",
  "domain.removed",
  "api_key.created",
  "api_key.revoked",
  "tenant.created",
  "tenant.updated",
  "subscription.changed",
  "webhook.created",
  "webhook.updated",
  "webhook.deleted",
  "webhook.secret_rotated",
  "webhook.delivery_resent",
  "webhook.endpoint_disabled",
  "export.requested",
  "export.downloaded",
  "reader.data_exported",
  "reader.erased",
  "account.email_change_requested",
  "account.email_changed",
] as const;

/** The families the log can be narrowed to ("post." and so on), in menu order. */
export const ACTION_FAMILIES = [
  "post",
  "blog",
  "comment",
  "commenter",
  "member",
  "domain",
  "api_key",
  "tenant",
  "subscription",
  "webhook",
  "export",
  "reader",
  "account",
] as const;

export const RESOURCES = ["post", "blog", "comment", "user", "api_key", "domain", "invitation", "tenant", "subscription", "webhook", "export"] as const;

export interface SentenceParts {
  action: string;
  actor_name: string | null;
  target_label: string | null;
  target_type: string;
  details: Record<string, unknown>;
}

function targetName(e: SentenceParts, t: Translate): string {
  if (e.target_label) return e.target_label;
  for (const field of ["host", "email", "name"]) {
    const value = e.details[field];
    if (typeof value === "string" && value) return value;
  }
  const resource = `audit.resource.${e.target_type}`;
  return (RESOURCES as readonly string[]).includes(e.target_type) ? t(resource as MessageKey) : e.target_type;
}

export function sentence(e: SentenceParts, t: Translate): string {
  const actor = e.actor_name ?? t("audit.someone");
  const target = targetName(e, t);
  if ((KNOWN_ACTIONS as readonly string[]).includes(e.action)) {
    return t(`audit.sentence.${e.action}` as MessageKey, { actor, target });
  }
  return t("audit.sentence.other", { actor, action: e.action, target });
}
