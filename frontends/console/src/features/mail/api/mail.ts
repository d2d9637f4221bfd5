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

/** Ask a site for a reset link: the same answer whether or not the address is known. */
export function useRequestReset() {
  return useMutation({
    mutationFn: ({ tenant, email }: { tenant: string; email: string }) =>
      unwrap(api.POST("/v1/sites/{tenant}/password-reset", { params: { path: { tenant } }, body: { email } })),
  });
}
