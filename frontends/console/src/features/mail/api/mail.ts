import { useMutation, useQuery } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody } from "../../../shared/api";

export type CaughtMail = ResponseBody<"/v1/mail-catcher/messages", "get">[number];

/** What the built-in catcher received (operators; anyone in development). */
export function useCaughtMail() {
  return useQuery({
    queryKey: ["mail-catcher"],
    queryFn: () => unwrap(api.GET("/v1/mail-catcher/messages")),
    refetchInterval: 5_000,
  });
}

/** Ask a site for a reset link (leading to the console's reset page): the same answer
 * whether or not the address is known. */
export function useRequestReset() {
  return useMutation({
    mutationFn: ({ tenant, email }: { tenant: string; email: string }) =>
      unwrap(
        api.POST("/v1/sites/{tenant}/password-reset", {
          params: { path: { tenant } },
          body: { email, page: "console" },
        }),
      ),
  });
}

/** Set a new password with the token of a reset mail (once). */
export function useConfirmReset() {
  return useMutation({
    mutationFn: ({ tenant, token, new_password }: { tenant: string; token: string; new_password: string }) =>
      unwrap(
        api.POST("/v1/sites/{tenant}/password-reset/confirm", {
          params: { path: { tenant } },
          body: { token, new_password },
        }),
      ),
  });
}
