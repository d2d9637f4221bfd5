/** Members, their roles, invitations (a link to hand over) and removal. */
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody } from "../../../shared/api";
import { usePaged } from "../../../shared/paged";
import type { Role } from "../../../shared/roles";

export type Member = ResponseBody<"/v1/tenants/{tenant}/members", "get">["items"][number];
export type Invitation = ResponseBody<"/v1/tenants/{tenant}/invitations", "post">;
type TenantRole = Exclude<Role, "operator">;

export function useMembers(tenant: string) {
  return usePaged(["members", tenant], (cursor) =>
    unwrap(api.GET("/v1/tenants/{tenant}/members", { params: { path: { tenant }, query: { limit: 100, cursor } } })),
  );
}

export function useInvite(tenant: string) {
  return useMutation({
    mutationFn: (body: { email: string; role: TenantRole }) =>
      unwrap(api.POST("/v1/tenants/{tenant}/invitations", { params: { path: { tenant } }, body })),
  });
}

export function useChangeRole(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: TenantRole }) =>
      unwrap(api.PATCH("/v1/tenants/{tenant}/members/{user_id}", { params: { path: { tenant, user_id: userId } }, body: { role } })),
    onSettled: () => client.invalidateQueries({ queryKey: ["members", tenant] }),
  });
}

export function useRemoveMember(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.DELETE("/v1/tenants/{tenant}/members/{user_id}", { params: { path: { tenant, user_id: userId } } })),
    onSettled: () => client.invalidateQueries({ queryKey: ["members", tenant] }),
  });
}
