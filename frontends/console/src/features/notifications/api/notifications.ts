/** The signed-in member's mail notifications in one tenant (`/v1/sites/{tenant}/me/notifications`). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody } from "../../../shared/api";

export type Preferences = ResponseBody<"/v1/sites/{tenant}/me/notifications", "get">;
export type Kind = keyof Preferences;

/** Each notification, and the roles it concerns (who is shown its switch). */
export const KINDS: readonly { kind: Kind; roles: readonly string[] }[] = [
  { kind: "moderation_digest", roles: ["owner", "manager", "moderator"] },
  { kind: "new_comment", roles: ["owner", "manager", "author"] },
  { kind: "webhook_disabled", roles: ["owner", "manager"] },
  { kind: "reply", roles: ["owner", "manager", "moderator", "author"] },
];

const key = (tenant: string) => ["notifications", tenant];

export function usePreferences(tenant: string) {
  return useQuery({
    queryKey: key(tenant),
    queryFn: () => unwrap(api.GET("/v1/sites/{tenant}/me/notifications", { params: { path: { tenant } } })),
  });
}

export function useSetPreference(tenant: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<Preferences>) =>
      unwrap(api.PATCH("/v1/sites/{tenant}/me/notifications", { params: { path: { tenant } }, body })),
    onSuccess: (data) => queryClient.setQueryData(key(tenant), data),
  });
}
