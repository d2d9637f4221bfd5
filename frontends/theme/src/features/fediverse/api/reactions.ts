/**
 * A post's likes and boosts from the fediverse (ActivityPub `Like` and `Announce`),
 * counted by the API per remote account. A public read, cached like the post's page.
 */
import { useQuery } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "../../../shared/api";

export type FediverseReactions = Schemas["FediverseReactions"];

export function useFediverseReactions(tenant: string, postId: string) {
  return useQuery({
    queryKey: ["fediverse-reactions", tenant, postId],
    queryFn: async (): Promise<FediverseReactions> =>
      unwrap(
        api.GET("/v1/sites/{tenant}/posts/{post_id}/reactions", {
          params: { path: { tenant, post_id: postId } },
        }),
      ),
  });
}
