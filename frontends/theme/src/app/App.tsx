/**
 * Start-up: find the tenant (path, ?site= or custom domain), load its public config,
 * then brand the page and hand over to the router under the right base path.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, useMemo, type ComponentType } from "react";
import { BrowserRouter, Route, Routes } from "react-router";

import { useResolvedHost, useSiteConfig } from "../features/site/api/site";
import { OldAddress } from "../features/site/components/OldAddress";
import { SiteNotFound } from "../features/site/components/SiteNotFound";
import { useBrandStyle } from "../features/site/hooks/useBrandStyle";
import { isNotFound } from "../shared/api";
import { ErrorNotice } from "../shared/components/ErrorNotice";
import { Loading } from "../shared/components/Loading";
import { I18nProvider } from "../shared/i18n";
import type { Located } from "../shared/locate";
import { SiteContext, type SiteInfo } from "../shared/site";
import { NotFound } from "../shared/components/NotFound";
import { Layout } from "./Layout";

/**
 * Each page is its own chunk, loaded when first shown, so a reader opening a post
 * downloads neither the search nor the sign-up code. `preloadPage` starts the chunk of
 * the address being opened while the site's config is still on its way.
 */
const PAGES = {
  home: () => import("./pages/HomePage").then((m) => ({ default: m.HomePage })),
  blog: () => import("./pages/BlogPage").then((m) => ({ default: m.BlogPage })),
  post: () => import("./pages/PostPage").then((m) => ({ default: m.PostPage })),
  author: () => import("./pages/AuthorPage").then((m) => ({ default: m.AuthorPage })),
  tags: () => import("./pages/TagPages").then((m) => ({ default: m.TagsPage })),
  tag: () => import("./pages/TagPages").then((m) => ({ default: m.TagPage })),
  search: () => import("./pages/SearchPage").then((m) => ({ default: m.SearchPage })),
  signin: () => import("./pages/AccountPages").then((m) => ({ default: m.SignInPage })),
  signup: () => import("./pages/AccountPages").then((m) => ({ default: m.SignUpPage })),
  mydata: () => import("./pages/AccountPages").then((m) => ({ default: m.MyDataPage })),
  forgot: () => import("./pages/AccountPages").then((m) => ({ default: m.ForgotPasswordPage })),
  reset: () => import("./pages/AccountPages").then((m) => ({ default: m.ResetPasswordPage })),
  verify: () => import("./pages/AccountPages").then((m) => ({ default: m.VerifyEmailPage })),
  unsubscribe: () => import("./pages/AccountPages").then((m) => ({ default: m.UnsubscribePage })),
  notifications: () => import("./pages/AccountPages").then((m) => ({ default: m.NotificationsPage })),
  changeEmail: () => import("./pages/AccountPages").then((m) => ({ default: m.ChangeEmailPage })),
  confirmEmail: () => import("./pages/AccountPages").then((m) => ({ default: m.ConfirmEmailPage })),
} satisfies Record<string, () => Promise<{ default: ComponentType }>>;

type PageName = keyof typeof PAGES;

function page(name: PageName) {
  const Page = lazy(PAGES[name]);
  return <Page />;
}

/** The page an address (below the site's base path) shows, if any. */
export function pageFor(path: string): PageName | null {
  const parts = path.split("/").filter(Boolean);
  const [first, second, third] = parts;
  if (!first) return "home";
  if (first === "blogs" && second) return third ? (parts.length === 3 ? "post" : null) : "blog";
  if (first === "authors" && second && parts.length === 2) return "author";
  if (first === "tags") return second ? "tag" : "tags";
  if (parts.length === 1 && (first === "search" || first === "signin" || first === "signup")) return first;
  if (parts.length === 1 && first === "my-data") return "mydata";
  if (parts.length === 1 && first === "forgot-password") return "forgot";
  if (parts.length === 1 && first === "reset-password") return "reset";
  if (parts.length === 1 && first === "verify-email") return "verify";
  if (parts.length === 1 && first === "unsubscribe") return "unsubscribe";
  if (parts.length === 1 && first === "notifications") return "notifications";
  if (parts.length === 1 && first === "change-email") return "changeEmail";
  if (parts.length === 1 && first === "confirm-email") return "confirmEmail";
  return null;
}

export function preloadPage(path: string): void {
  const name = pageFor(path);
  if (name) void PAGES[name]();
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}

// The declarative router: the theme loads its data with TanStack Query, so the data
// router's loaders and actions (most of react-router's code) are left out of the build.
function SiteRoutes({ basename }: { basename: string }) {
  const pages = useMemo(
    () => ({
      home: page("home"),
      blog: page("blog"),
      post: page("post"),
      author: page("author"),
      tags: page("tags"),
      tag: page("tag"),
      search: page("search"),
      signin: page("signin"),
      signup: page("signup"),
      mydata: page("mydata"),
      forgot: page("forgot"),
      reset: page("reset"),
      verify: page("verify"),
      unsubscribe: page("unsubscribe"),
      notifications: page("notifications"),
      changeEmail: page("changeEmail"),
      confirmEmail: page("confirmEmail"),
    }),
    [],
  );
  return (
    <BrowserRouter basename={basename || undefined}>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<OldAddress otherwise={pages.home} only={["p", "page_id"]} />} />
          <Route path="blogs/:blog" element={pages.blog} />
          <Route path="blogs/:blog/:post" element={pages.post} />
          <Route path="authors/:handle" element={pages.author} />
          <Route path="tags" element={pages.tags} />
          <Route path="tags/:tag" element={pages.tag} />
          <Route path="search" element={pages.search} />
          <Route path="signin" element={pages.signin} />
          <Route path="signup" element={pages.signup} />
          <Route path="my-data" element={pages.mydata} />
          <Route path="forgot-password" element={pages.forgot} />
          <Route path="reset-password" element={pages.reset} />
          <Route path="verify-email" element={pages.verify} />
          <Route path="unsubscribe" element={pages.unsubscribe} />
          <Route path="notifications" element={pages.notifications} />
          <Route path="change-email" element={pages.changeEmail} />
          <Route path="confirm-email" element={pages.confirmEmail} />
          <Route path="*" element={<OldAddress otherwise={<NotFound />} />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}

function Site({ slug, basename }: { slug: string; basename: string }) {
  const site = useSiteConfig(slug);
  useBrandStyle(site.data);
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
        <SiteRoutes basename={basename} />
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
