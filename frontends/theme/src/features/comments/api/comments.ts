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
