import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, unwrapWithStatus, type Schemas } from "../../../shared/api";
import { randomKey } from "../../../shared/random";
import { usePaged } from "../../../shared/usePaged";

export type PublicComment = Schemas["PublicCommentRead"];
export type CommentCreate = Schemas["CommentCreate"];
export type CommentWritten = Schemas["CommentWriteRead"];

export function commentsKey(tenant: string, postId: string) {
  return ["comments", tenant, postId] as const;
}

export function useComments(tenant: string, postId: string) {
  return usePaged<PublicComment>(commentsKey(tenant, postId), (cursor) =>
    unwrap(
      api.GET("/v1/sites/{tenant}/posts/{post_id}/comments", {
        params: {
          path: { tenant, post_id: postId },
          query: { limit: 20, ...(cursor ? { cursor } : {}) },
        },
        // Revalidate every time: a comment approved a moment ago must show on reload.
        cache: "no-cache",
      }),
    ),
  );
}

export interface Posted {
  comment: CommentWritten;
  /** True when the API answered 202: the comment waits for a moderator. */
  held: boolean;
}

export function useCreateComment(tenant: string, postId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: CommentCreate): Promise<Posted> => {
      // One key per submission: a retried request is taken once by the API.
      const key = randomKey();
      const { data, status } = await unwrapWithStatus(
        api.POST("/v1/sites/{tenant}/posts/{post_id}/comments", {
          params: { path: { tenant, post_id: postId }, header: { "Idempotency-Key": key } },
          body,
        }),
      );
      return { comment: data, held: status === 202 || data.held };
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: commentsKey(tenant, postId) }),
  });
}

export type ReportReason = Schemas["ReportCreate"]["reason"];
export const REPORT_REASONS: ReportReason[] = ["spam", "abuse", "off_topic", "other"];

/** True when the signed-in reader wrote this comment (the API says so). */
export function isMine(comment: PublicComment): boolean {
  return comment.mine;
}

/** Authors edit their comment within this long after writing it (the API's rule). */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;

export function stillEditable(comment: PublicComment, now = Date.now()): boolean {
  return now - new Date(comment.created_at).getTime() < EDIT_WINDOW_MS;
}

export function useEditComment(tenant: string, postId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: string }) =>
      unwrap(
        api.PATCH("/v1/sites/{tenant}/comments/{comment_id}", {
          params: { path: { tenant, comment_id: id } },
          body: { body },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: commentsKey(tenant, postId) }),
  });
}

export function useDeleteComment(tenant: string, postId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.DELETE("/v1/sites/{tenant}/comments/{comment_id}", {
          params: { path: { tenant, comment_id: id } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: commentsKey(tenant, postId) }),
  });
}

export function useReportComment(tenant: string) {
  return useMutation({
    mutationFn: ({ id, reason, note }: { id: string; reason: ReportReason; note: string }) =>
      unwrap(
        api.POST("/v1/sites/{tenant}/comments/{comment_id}/reports", {
          params: { path: { tenant, comment_id: id } },
          body: { reason, note },
        }),
      ),
  });
}
