import { useQuery } from "@tanstack/react-query";

import { api, isNotFound, unwrap, type Schemas } from "../../../shared/api";

export type Author = Schemas["AuthorRead"];

export function useAuthor(tenant: string, handle: string) {
  return useQuery({
    queryKey: ["author", tenant, handle],
    queryFn: () =>
      unwrap(
        api.GET("/v1/sites/{tenant}/authors/{handle}", { params: { path: { tenant, handle } } }),
      ),
    retry: (count, error) => !isNotFound(error) && count < 2,
  });
}
