/** Who is signed in: the token pair's presence, and the user behind it once asked. */
import { useQuery } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";

import { api, onTokensChange, tokens, unwrap } from "./api";

export function useSignedIn(): boolean {
  return useSyncExternalStore(
    onTokensChange,
    () => tokens.get() !== null,
    () => false,
  );
}

export function useMe() {
  const signedIn = useSignedIn();
  return useQuery({
    queryKey: ["me", signedIn],
    queryFn: () => unwrap(api.GET("/v1/me")),
    enabled: signedIn,
    staleTime: 5 * 60_000,
  });
}
