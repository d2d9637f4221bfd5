import { useQuery } from "@tanstack/react-query";

import { api, isNotFound, unwrap, type ResponseBody } from "../../../shared/api";
import { usePaged } from "../../../shared/usePaged";

export type PostSummary = ResponseBody<"/v1/sites/{tenant}/posts", "get">["items"][number];
export type Post = ResponseBody<"/v1/sites/{tenant}/blogs/{blog}/posts/{slug}", "get">;
export type PostSort = "recent" | "top_rated" | "most_discussed";

export interface PostFilters {
  blog?: string;
  tag?: string;
  author?: string;
  q?: string;
  sort?: PostSort;
}

export const PAGE_SIZE = 10;

export function fetchPosts(tenant: string, filters: PostFilters, cursor: string | null) {
  return unwrap(
    api.GET("/v1/sites/{tenant}/posts", {
      params: {
        path: { tenant },
        query: { ...filters, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
      },
    }),
  );
}

export function usePostList(tenant: string, filters: PostFilters, enabled = true) {
  return usePaged(["posts", tenant, filters], (cursor) => fetchPosts(tenant, filters, cursor), {
    enabled,
  });
}

export function fetchPost(tenant: string, blog: string, slug: string) {
  return unwrap(
    api.GET("/v1/sites/{tenant}/blogs/{blog}/posts/{slug}", {
      params: { path: { tenant, blog, slug } },
      // Revalidate (a cheap 304 with the ETag) so an unpublished post is noticed.
      cache: "no-cache",
    }),
  );
}

export function usePost(tenant: string, blog: string, slug: string) {
  return useQuery({
    queryKey: ["post", tenant, blog, slug],
    queryFn: () => fetchPost(tenant, blog, slug),
    retry: (count, error) => !isNotFound(error) && count < 2,
    // Checked again whenever the reader comes back to the tab, and every two minutes.
    staleTime: 0,
    refetchInterval: 120_000,
  });
}
