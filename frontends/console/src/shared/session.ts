/** Who is signed in: the token pair's presence, and the user behind it once asked. */
import { useQuery } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";

import { api, onTokensChange, sessionState, unwrap, type ResponseBody, type SessionState } from "./api";

export type Me = ResponseBody<"/v1/me", "get">;

export function useSession(): SessionState {
  return useSyncExternalStore(onTokensChange, sessionState, () => "out");
}

export function useSignedIn(): boolean {
  return useSession() === "in";
}

export function useMe() {
  const signedIn = useSignedIn();
  return useQuery({
    queryKey: ["me", signedIn],
    queryFn: () => unwrap(api.GET("/v1/me")),
    enabled: signedIn,
    staleTime: 60_000,
  });
}
