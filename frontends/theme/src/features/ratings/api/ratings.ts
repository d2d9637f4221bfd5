/**
 * Votes on a post. Signed-in readers vote as themselves; anonymous voters (where the
 * site allows it) carry an opaque random token kept in this browser, of which the API
 * stores only a hash. The reader's own vote is read back from the API, so it shows on
 * every device a signed-in reader uses, and a withdrawn vote never lingers.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

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

/** The token this browser votes with, if it has one (never creates it). */
function keptVoterToken(): string | null {
  const kept = local()?.getItem(VOTER_KEY);
  return kept && /^[A-Za-z0-9_-]{16,128}$/.test(kept) ? kept : null;
}

export function voterToken(): string {
  const kept = keptVoterToken();
  if (kept) return kept;
  const token = randomKey(32);
  local()?.setItem(VOTER_KEY, token);
  return token;
}

const myVoteKey = (tenant: string, postId: string, anonymous: boolean) =>
  ["my-vote", tenant, postId, anonymous ? "anonymous" : "signed-in"] as const;

/**
 * The caller's own vote on a post: null when they have not voted. An anonymous reader
 * whose browser never voted has no token, hence no vote, and costs no request.
 */
export function useMyVote(tenant: string, postId: string, anonymous: boolean, enabled: boolean) {
  // Decided once: a token created by this page's first vote must not start a read that
  // could overtake the vote and answer "no vote" (the vote's answer says it already).
  const [hadToken] = useState(() => keptVoterToken() !== null);
  return useQuery({
    queryKey: myVoteKey(tenant, postId, anonymous),
    enabled: enabled && (!anonymous || hadToken),
    queryFn: async (): Promise<number | null> => {
      const token = anonymous ? keptVoterToken() : null;
      const header = token ? { "X-Voter-Token": token } : {};
      const params = { path: { tenant, post_id: postId }, header };
      const answer = await unwrap(api.GET("/v1/sites/{tenant}/posts/{post_id}/rating", { params }));
      return answer.stars ?? null;
    },
  });
}

export function useRate(tenant: string, postId: string, anonymous: boolean) {
  const queryClient = useQueryClient();
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
      return answer;
    },
    onSuccess: (answer) => {
      queryClient.setQueryData(myVoteKey(tenant, postId, anonymous), answer.stars ?? null);
    },
  });
}
