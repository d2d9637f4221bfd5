/**
 * Votes on a post. Signed-in readers vote as themselves; anonymous voters (where the
 * site allows it) carry an opaque random token kept in this browser, of which the API
 * stores only a hash. The browser also remembers each vote, to show it again.
 */
import { useMutation } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "../../../shared/api";
import { randomKey } from "../../../shared/random";

export type RatingRead = Schemas["RatingRead"];
export type RatingSummary = Schemas["RatingSummary"];

const VOTER_KEY = "causerie.voter";

function local(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function voterToken(): string {
  const storage = local();
  const kept = storage?.getItem(VOTER_KEY);
  if (kept && /^[A-Za-z0-9_-]{16,128}$/.test(kept)) return kept;
  const token = randomKey(32);
  storage?.setItem(VOTER_KEY, token);
  return token;
}

function voteKey(tenant: string, postId: string) {
  return `causerie.vote.${tenant}.${postId}`;
}

export function rememberedVote(tenant: string, postId: string): number | null {
  const value = Number(local()?.getItem(voteKey(tenant, postId)));
  return value >= 1 && value <= 5 ? value : null;
}

function remember(tenant: string, postId: string, stars: number | null) {
  const storage = local();
  if (!storage) return;
  if (stars === null) storage.removeItem(voteKey(tenant, postId));
  else storage.setItem(voteKey(tenant, postId), String(stars));
}

export function useRate(tenant: string, postId: string, anonymous: boolean) {
  return useMutation({
    mutationFn: async (stars: number | null): Promise<RatingRead> => {
      const header = anonymous ? { "X-Voter-Token": voterToken() } : {};
      const params = { path: { tenant, post_id: postId }, header };
      const answer =
        stars === null
          ? await unwrap(api.DELETE("/v1/sites/{tenant}/posts/{post_id}/rating", { params }))
          : await unwrap(
              api.PUT("/v1/sites/{tenant}/posts/{post_id}/rating", { params, body: { stars } }),
            );
      remember(tenant, postId, answer.stars ?? null);
      return answer;
    },
  });
}
