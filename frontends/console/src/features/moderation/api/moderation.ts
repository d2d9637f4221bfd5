/** The moderation queue, its counts, one comment with its reports, and the decisions. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody } from "../../../shared/api";
import { usePaged } from "../../../shared/paged";
import type { Decision } from "../shortcuts";

export type QueueComment = ResponseBody<"/v1/tenants/{tenant}/comments", "get">["items"][number];
export type CommentDetail = ResponseBody<"/v1/tenants/{tenant}/comments/{comment_id}", "get">;
export type Counts = ResponseBody<"/v1/tenants/{tenant}/comments/counts", "get">;
export type CommentStatus = QueueComment["status"];

export const STATUSES: CommentStatus[] = ["pending", "approved", "rejected", "spam", "deleted"];

export type CommentSource = "web" | "activitypub" | "webmention";
export const SOURCES: CommentSource[] = ["web", "activitypub", "webmention"];

export interface QueueFilters {
  status?: CommentStatus;
  /** Only the comments held because readers reported them. */
  reported?: boolean;
  blog?: string;
  post?: string;
  author?: string;
  tone?: "positive" | "neutral" | "negative";
  /** The channel it came from. */
  source?: CommentSource;
  /** Words of the text or the author's name (the API searches). */
  q?: string;
}

export function useQueue(tenant: string, filters: QueueFilters) {
  return usePaged(["moderation", tenant, "queue", filters], (cursor) =>
    unwrap(
      api.GET("/v1/tenants/{tenant}/comments", {
        params: { path: { tenant }, query: { ...filters, limit: 50, cursor } },
      }),
    ),
  );
}

export function useCounts(tenant: string) {
  return useQuery({
    queryKey: ["moderation", tenant, "counts"],
    queryFn: () => unwrap(api.GET("/v1/tenants/{tenant}/comments/counts", { params: { path: { tenant } } })),
  });
}

export function useComment(tenant: string, id: string | null) {
  return useQuery({
    queryKey: ["moderation", tenant, "comment", id],
    queryFn: () =>
      unwrap(
        api.GET("/v1/tenants/{tenant}/comments/{comment_id}", {
          params: { path: { tenant, comment_id: id as string } },
        }),
      ),
    enabled: id !== null,
  });
}

/** The post a comment belongs to (title and slug for the context). */
export function usePostTitle(tenant: string, postId: string | null) {
  return useQuery({
    queryKey: ["posts", tenant, "one", postId],
    queryFn: () =>
      unwrap(
        api.GET("/v1/tenants/{tenant}/posts/{post_id}", {
          params: { path: { tenant, post_id: postId as string } },
        }),
      ),
    enabled: postId !== null,
    staleTime: 60_000,
  });
}

export function useBlogsForFilter(tenant: string) {
  return useQuery({
    queryKey: ["blogs", tenant, "all"],
    queryFn: () =>
      unwrap(api.GET("/v1/tenants/{tenant}/blogs", { params: { path: { tenant }, query: { limit: 100 } } })),
  });
}

export function usePostsForFilter(tenant: string, blog: string | undefined) {
  return useQuery({
    queryKey: ["posts", tenant, "filter", blog],
    queryFn: () =>
      unwrap(
        api.GET("/v1/tenants/{tenant}/posts", {
          params: { path: { tenant }, query: { blog, limit: 100 } },
        }),
      ),
  });
}

export function useDecide(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ ids, action }: { ids: string[]; action: Decision }) => {
      if (ids.length === 1) {
        const one = await unwrap(
          api.POST("/v1/tenants/{tenant}/comments/{comment_id}/{action}", {
            params: { path: { tenant, comment_id: ids[0] as string, action } },
          }),
        );
        return [one];
      }
      const many = await unwrap(
        api.POST("/v1/tenants/{tenant}/comments/bulk", {
          params: { path: { tenant } },
          body: { action, ids },
        }),
      );
      return many.items;
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["moderation", tenant] }),
  });
}

export type Commenter = ResponseBody<"/v1/tenants/{tenant}/commenters/{user_id}", "get">;
export type Standing = NonNullable<Commenter["standing"]>;

export function useCommenter(tenant: string, userId: string | null) {
  return useQuery({
    queryKey: ["moderation", tenant, "commenter", userId],
    queryFn: () =>
      unwrap(
        api.GET("/v1/tenants/{tenant}/commenters/{user_id}", {
          params: { path: { tenant, user_id: userId as string } },
        }),
      ),
    enabled: userId !== null,
  });
}

export function useSetStanding(tenant: string, userId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { standing: Standing | null; note: string }) =>
      unwrap(
        api.PUT("/v1/tenants/{tenant}/commenters/{user_id}", {
          params: { path: { tenant, user_id: userId } },
          body,
        }),
      ),
    onSuccess: (saved) => client.setQueryData(["moderation", tenant, "commenter", userId], saved),
  });
}

/** A reply written as the site's staff: published at once, marked "staff" on the site. */
export function useStaffReply(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ commentId, body }: { commentId: string; body: string }) =>
      unwrap(
        api.POST("/v1/tenants/{tenant}/comments/{comment_id}/replies", {
          params: { path: { tenant, comment_id: commentId } },
          body: { body },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["moderation", tenant] }),
  });
}

/** Pin a visible top-level comment first on its post (one per post), or unpin it. */
export function usePin(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ postId, commentId, pin }: { postId: string; commentId: string; pin: boolean }) => {
      const path = { tenant, post_id: postId };
      if (pin) {
        await unwrap(api.PUT("/v1/tenants/{tenant}/posts/{post_id}/pinned-comment", { params: { path }, body: { comment_id: commentId } }));
      } else {
        await unwrap(api.DELETE("/v1/tenants/{tenant}/posts/{post_id}/pinned-comment", { params: { path } }));
      }
      return pin;
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["moderation", tenant] }),
  });
}
