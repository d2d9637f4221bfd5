import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../../shared/api";

export function fetchSite(slug: string) {
  return unwrap(api.GET("/v1/sites/{tenant}", { params: { path: { tenant: slug } } }));
}

export async function resolveHost(host: string): Promise<string> {
  const found = await unwrap(api.GET("/v1/sites/resolve", { params: { query: { host } } }));
  return found.tenant;
}

export function useSiteConfig(slug: string | null) {
  return useQuery({
    queryKey: ["site", slug],
    queryFn: () => fetchSite(slug as string),
    enabled: slug !== null,
    staleTime: 60_000,
  });
}

export function useResolvedHost(host: string | null) {
  return useQuery({
    queryKey: ["resolve", host],
    queryFn: () => resolveHost(host as string),
    enabled: host !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}
