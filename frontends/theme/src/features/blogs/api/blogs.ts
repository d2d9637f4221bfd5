import { useQuery } from "@tanstack/react-query";

import { api, isNotFound, unwrap, type Schemas } from "../../../shared/api";
import { usePaged } from "../../../shared/usePaged";

export type Blog = Schemas["BlogPublic"];
export type BlogDetail = Schemas["BlogDetail"];

export function useBlogs(tenant: string) {
  return usePaged<Blog>(["blogs", tenant], (cursor) =>
    unwrap(
      api.GET("/v1/sites/{tenant}/blogs", {
        params: { path: { tenant }, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}

export function useBlog(tenant: string, blog: string) {
  return useQuery({
    queryKey: ["blog", tenant, blog],
    queryFn: () =>
      unwrap(api.GET("/v1/sites/{tenant}/blogs/{blog}", { params: { path: { tenant, blog } } })),
    retry: (count, error) => !isNotFound(error) && count < 2,
  });
}
