/** Posts in the console: the list, one post with its version, edits and life-cycle. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, ifMatch, unwrap, unwrapResponse, type ResponseBody, type Schemas } from "../../../shared/api";
import { usePaged } from "../../../shared/paged";

export type Post = ResponseBody<"/v1/tenants/{tenant}/posts/{post_id}", "get">;
export type PostSummary = ResponseBody<"/v1/tenants/{tenant}/posts", "get">["items"][number];
export type PostStatus = Post["status"];
export type PostChanges = Schemas["PostUpdate"];
export type Revision = ResponseBody<"/v1/tenants/{tenant}/posts/{post_id}/revisions", "get">["items"][number];

export const POST_STATUSES: PostStatus[] = ["draft", "scheduled", "published", "archived"];

export interface PostFilters {
  blog?: string;
  status?: PostStatus;
  author?: string;
  /** Words of the title or excerpt. */
  q?: string;
}

export function usePosts(tenant: string, filters: PostFilters) {
  return usePaged(["posts", tenant, "list", filters], (cursor) =>
    unwrap(
      api.GET("/v1/tenants/{tenant}/posts", {
        params: { path: { tenant }, query: { ...filters, limit: 50, cursor } },
      }),
    ),
  );
}

export function useBlogs(tenant: string) {
  return useQuery({
    queryKey: ["blogs", tenant, "all"],
    queryFn: () =>
      unwrap(api.GET("/v1/tenants/{tenant}/blogs", { params: { path: { tenant }, query: { limit: 100 } } })),
  });
}

export async function fetchPost(tenant: string, id: string): Promise<Post> {
  return unwrap(api.GET("/v1/tenants/{tenant}/posts/{post_id}", { params: { path: { tenant, post_id: id } } }));
}

export function usePost(tenant: string, id: string | undefined) {
  return useQuery({
    queryKey: ["posts", tenant, "one", id],
    queryFn: () => fetchPost(tenant, id as string),
    enabled: Boolean(id),
  });
}

/** The public site's branding, to paint the preview like the theme. */
export function useSiteLook(tenant: string) {
  return useQuery({
    queryKey: ["site", tenant],
    queryFn: () => unwrap(api.GET("/v1/sites/{tenant}", { params: { path: { tenant } } })),
    staleTime: 60_000,
    retry: false,
  });
}

export function useRevisions(tenant: string, id: string) {
  return useQuery({
    queryKey: ["posts", tenant, "revisions", id],
    queryFn: () =>
      unwrap(
        api.GET("/v1/tenants/{tenant}/posts/{post_id}/revisions", {
          params: { path: { tenant, post_id: id }, query: { limit: 50 } },
        }),
      ),
  });
}

export function useRevision(tenant: string, postId: string, revisionId: string | null) {
  return useQuery({
    queryKey: ["posts", tenant, "revision", postId, revisionId],
    queryFn: () =>
      unwrap(
        api.GET("/v1/tenants/{tenant}/posts/{post_id}/revisions/{revision_id}", {
          params: { path: { tenant, post_id: postId, revision_id: revisionId as string } },
        }),
      ),
    enabled: revisionId !== null,
  });
}

export function createPost(tenant: string, blogId: string, body: Schemas["PostCreate"]) {
  return unwrap(
    api.POST("/v1/tenants/{tenant}/blogs/{blog_id}/posts", {
      params: { path: { tenant, blog_id: blogId } },
      body,
    }),
  );
}

export async function savePost(tenant: string, id: string, version: number, changes: PostChanges): Promise<Post> {
  const { data } = await unwrapResponse(
    api.PATCH("/v1/tenants/{tenant}/posts/{post_id}", {
      params: { path: { tenant, post_id: id }, header: ifMatch(version) },
      body: changes,
    }),
  );
  return data;
}

export type LifeCycle = "publish" | "unpublish" | "archive" | "unarchive";

export function lifeCycle(tenant: string, id: string, action: LifeCycle, version: number, publishedAt?: string) {
  const params = { path: { tenant, post_id: id }, header: ifMatch(version) };
  switch (action) {
    case "publish":
      return unwrap(
        api.POST("/v1/tenants/{tenant}/posts/{post_id}/publish", {
          params,
          body: publishedAt ? { published_at: publishedAt } : null,
        }),
      );
    case "unpublish":
      return unwrap(api.POST("/v1/tenants/{tenant}/posts/{post_id}/unpublish", { params }));
    case "archive":
      return unwrap(api.POST("/v1/tenants/{tenant}/posts/{post_id}/archive", { params }));
    case "unarchive":
      return unwrap(api.POST("/v1/tenants/{tenant}/posts/{post_id}/unarchive", { params }));
  }
}

/** Move a post to the trash (owners and managers can take it out again). */
export async function deletePost(tenant: string, id: string, version: number): Promise<void> {
  await unwrap(
    api.DELETE("/v1/tenants/{tenant}/posts/{post_id}", {
      params: { path: { tenant, post_id: id }, header: ifMatch(version) },
    }),
  );
}

export function restoreRevision(tenant: string, id: string, revisionId: string, version: number) {
  return unwrap(
    api.POST("/v1/tenants/{tenant}/posts/{post_id}/revisions/{revision_id}/restore", {
      params: { path: { tenant, post_id: id, revision_id: revisionId }, header: ifMatch(version) },
    }),
  );
}

/** Keeps the cached post in step with an answer, and refreshes the lists. */
export function usePostCache(tenant: string) {
  const client = useQueryClient();
  return (post: Post) => {
    client.setQueryData(["posts", tenant, "one", post.id], post);
    void client.invalidateQueries({ queryKey: ["posts", tenant, "list"] });
    void client.invalidateQueries({ queryKey: ["posts", tenant, "revisions", post.id] });
  };
}

export function useCreatePost(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ blogId, body }: { blogId: string; body: Schemas["PostCreate"] }) => createPost(tenant, blogId, body),
    onSuccess: () => client.invalidateQueries({ queryKey: ["posts", tenant, "list"] }),
  });
}
