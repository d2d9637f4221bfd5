/**
 * Start-up: find the tenant (path, ?site= or custom domain), load its public config,
 * then brand the page and hand over to the router under the right base path.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useMemo } from "react";
import { createBrowserRouter, RouterProvider } from "react-router";

import { useResolvedHost, useSiteConfig } from "../features/site/api/site";
import { SiteNotFound } from "../features/site/components/SiteNotFound";
import { useBrandStyle } from "../features/site/hooks/useBrandStyle";
import { isNotFound } from "../shared/api";
import { ErrorNotice } from "../shared/components/ErrorNotice";
import { Loading } from "../shared/components/Loading";
import { I18nProvider } from "../shared/i18n";
import type { Located } from "../shared/locate";
import { SiteContext, type SiteInfo } from "../shared/site";
import { Layout } from "./Layout";
import {
  AuthorPage,
  BlogPage,
  HomePage,
  NotFoundPage,
  PostPage,
  SearchPage,
  SignInPage,
  SignUpPage,
  TagPage,
  TagsPage,
} from "./pages";

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}

function createRouter(basename: string) {
  return createBrowserRouter(
    [
      {
        element: <Layout />,
        children: [
          { index: true, element: <HomePage /> },
          { path: "blogs/:blog", element: <BlogPage /> },
          { path: "blogs/:blog/:post", element: <PostPage /> },
          { path: "authors/:handle", element: <AuthorPage /> },
          { path: "tags", element: <TagsPage /> },
          { path: "tags/:tag", element: <TagPage /> },
          { path: "search", element: <SearchPage /> },
          { path: "signin", element: <SignInPage /> },
          { path: "signup", element: <SignUpPage /> },
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
    basename ? { basename } : {},
  );
}

function Site({ slug, basename }: { slug: string; basename: string }) {
  const site = useSiteConfig(slug);
  useBrandStyle(site.data);
  const router = useMemo(() => createRouter(basename), [basename]);
  const info = useMemo<SiteInfo | null>(
    () => (site.data ? { slug, config: site.data } : null),
    [slug, site.data],
  );
  if (site.isPending) return <Loading />;
  if (isNotFound(site.error)) return <SiteNotFound />;
  if (!info) return <ErrorNotice error={site.error} onRetry={() => void site.refetch()} />;
  return (
    <SiteContext.Provider value={info}>
      <I18nProvider locale={info.config.default_language}>
        <RouterProvider router={router} />
      </I18nProvider>
    </SiteContext.Provider>
  );
}

function HostSite({ host }: { host: string }) {
  const resolved = useResolvedHost(host);
  if (resolved.isPending) return <Loading />;
  if (isNotFound(resolved.error)) return <SiteNotFound />;
  if (!resolved.data) return <ErrorNotice error={resolved.error} onRetry={() => void resolved.refetch()} />;
  return <Site slug={resolved.data} basename="" />;
}

export function App({ located, queryClient }: { located: Located; queryClient: QueryClient }) {
  const browserLanguage = typeof navigator !== "undefined" ? navigator.language : "en";
  let content;
  switch (located.kind) {
    case "path":
      content = <Site slug={located.slug} basename={located.basename} />;
      break;
    case "query":
      content = <Site slug={located.slug} basename={`/s/${located.slug}`} />;
      break;
    case "host":
      content = <HostSite host={located.host} />;
      break;
    default:
      content = <SiteNotFound />;
  }
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider locale={browserLanguage}>{content}</I18nProvider>
    </QueryClientProvider>
  );
}
