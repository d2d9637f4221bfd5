/** Why a comment is held, in words ("held: pre-moderation", "spam: repeated text"). */
import type { MessageKey } from "../../shared/i18n";

export const HOLD_REASONS = ["policy", "links", "blocked_words", "repeat", "honeypot", "reports", "banned"] as const;

/** The dictionary key of a hold reason the API names; null for one this console does not know. */
export function holdReasonKey(reason: string): MessageKey | null {
  return (HOLD_REASONS as readonly string[]).includes(reason) ? (`hold.${reason}` as MessageKey) : null;
}
