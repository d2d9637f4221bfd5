/** Blogs of the tenant: the list, creation (within the plan's quota) and changes. */
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody, type Schemas } from "../../../shared/api";
import { usePaged } from "../../../shared/paged";

export type Blog = ResponseBody<"/v1/tenants/{tenant}/blogs/{blog_id}", "get">;

export function useBlogList(tenant: string) {
  return usePaged(["blogs", tenant, "list"], (cursor) =>
    unwrap(api.GET("/v1/tenants/{tenant}/blogs", { params: { path: { tenant }, query: { limit: 50, cursor } } })),
  );
}

export function useCreateBlog(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["BlogCreate"]) =>
      unwrap(api.POST("/v1/tenants/{tenant}/blogs", { params: { path: { tenant } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["blogs", tenant] }),
  });
}

export function useUpdateBlog(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: Schemas["BlogUpdate"] }) =>
      unwrap(api.PATCH("/v1/tenants/{tenant}/blogs/{blog_id}", { params: { path: { tenant, blog_id: id } }, body: changes })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["blogs", tenant] }),
  });
}
