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

/**
 * Where an address of the site's former platform leads now (an imported post's
 * `/2019/05/my-post/` or `/?p=123`): the post's blog and slug, or null.
 */
export function useOldAddress(slug: string, path: string | null) {
  return useQuery({
    queryKey: ["old-address", slug, path],
    queryFn: async () => {
      const { data, response } = await api.GET("/v1/sites/{tenant}/redirect", {
        params: { path: { tenant: slug }, query: { path: path as string, as: "json" } },
      });
      if (response.status === 404 || !data) return null;
      return data;
    },
    enabled: path !== null,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}
