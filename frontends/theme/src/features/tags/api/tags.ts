import { api, unwrap, type Schemas } from "../../../shared/api";
import { usePaged } from "../../../shared/usePaged";

export type TagCount = Schemas["TagCount"];

export function useTags(tenant: string) {
  return usePaged<TagCount>(["tags", tenant], (cursor) =>
    unwrap(
      api.GET("/v1/sites/{tenant}/tags", {
        params: { path: { tenant }, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}
