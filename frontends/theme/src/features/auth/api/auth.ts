import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, tokens, unwrap } from "../../../shared/api";

export interface Credentials {
  email: string;
  password: string;
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ email, password }: Credentials) => {
      tokens.set(null);
      const pair = await unwrap(
        api.POST("/v1/auth/token", {
          body: { username: email, password },
          bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        }),
      );
      tokens.set(pair);
      return pair;
    },
    // Whatever was read anonymously may now look different (own held comments).
    onSuccess: () => queryClient.invalidateQueries(),
  });
}

export function useSignUp(tenant: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: { email: string; password: string; display_name: string }) => {
      const pair = await unwrap(
        api.POST("/v1/sites/{tenant}/signup", { params: { path: { tenant } }, body }),
      );
      tokens.set(pair);
      return pair;
    },
    onSuccess: () => queryClient.invalidateQueries(),
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const pair = tokens.get();
      tokens.set(null);
      if (pair) {
        // Spending the refresh token is best effort: the session is gone locally anyway.
        await api
          .POST("/v1/auth/revoke", { body: { refresh_token: pair.refresh_token } })
          .catch(() => undefined);
      }
    },
    onSettled: () => {
      queryClient.removeQueries({ queryKey: ["me"] });
      void queryClient.invalidateQueries();
    },
  });
}

export function useRequestReset(tenant: string) {
  return useMutation({
    mutationFn: async (email: string) => {
      await unwrap(
        api.POST("/v1/sites/{tenant}/password-reset", { params: { path: { tenant } }, body: { email, page: "site" } }),
      );
    },
  });
}

export function useConfirmReset(tenant: string) {
  return useMutation({
    mutationFn: async (body: { token: string; new_password: string }) => {
      await unwrap(
        api.POST("/v1/sites/{tenant}/password-reset/confirm", { params: { path: { tenant } }, body }),
      );
      tokens.set(null);
    },
  });
}

export function useVerifyEmail(tenant: string) {
  return useMutation({
    mutationFn: async (token: string) => {
      await unwrap(api.POST("/v1/sites/{tenant}/verify-email", { params: { path: { tenant } }, body: { token } }));
    },
  });
}

export function useUnsubscribe(tenant: string) {
  return useMutation({
    mutationFn: (token: string) =>
      unwrap(api.POST("/v1/sites/{tenant}/unsubscribe", { params: { path: { tenant }, query: { token } } })),
  });
}

export function useNotifications(tenant: string, enabled: boolean) {
  return useQuery({
    queryKey: ["notifications", tenant],
    enabled,
    queryFn: () => unwrap(api.GET("/v1/sites/{tenant}/me/notifications", { params: { path: { tenant } } })),
  });
}

export function useSetNotifications(tenant: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { reply?: boolean }) =>
      unwrap(api.PATCH("/v1/sites/{tenant}/me/notifications", { params: { path: { tenant } }, body })),
    onSuccess: (data) => queryClient.setQueryData(["notifications", tenant], data),
  });
}

export function useRequestEmailChange(tenant: string) {
  return useMutation({
    mutationFn: async (body: { new_email: string; current_password: string }) => {
      await unwrap(api.POST("/v1/sites/{tenant}/me/email", { params: { path: { tenant } }, body }));
    },
  });
}

export function useConfirmEmailChange(tenant: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (token: string) => {
      await unwrap(
        api.POST("/v1/sites/{tenant}/email-change/confirm", { params: { path: { tenant } }, body: { token } }),
      );
      // Every session of the account ended with the change, this one included.
      tokens.set(null);
    },
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: ["me"] });
      void queryClient.invalidateQueries();
    },
  });
}
