/**
 * The console's routes. Signed out, every address shows the sign-in form and keeps
 * the address, so a link into the console lands where it pointed once signed in.
 * Under /t/{tenant}/ each screen sits behind the roles table.
 */
import { MutationCache, QueryCache, QueryClient, QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useMemo } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation, useParams } from "react-router";

import { ApiError } from "../shared/api";
import { Page } from "../shared/components/Page";
import { ErrorNotice, Loading } from "../shared/components/states";
import { I18nProvider, useI18n } from "../shared/i18n";
import { homeScreen, SCREEN_PATHS } from "../shared/roles";
import { useMe, useSession, type Me } from "../shared/session";
import { roleIn, TenantProvider } from "../shared/tenant";
import { SignInPage } from "../features/auth/components/SignInPage";
import { CaughtMailPage } from "../features/mail/components/CaughtMailPage";
import { ForgotPasswordPage } from "../features/mail/components/ForgotPasswordPage";
import { ResetPasswordPage } from "../features/mail/components/ResetPasswordPage";
import { ApiKeysPage } from "../features/apikeys/components/ApiKeysPage";
import { AuditPage } from "../features/audit/components/AuditPage";
import { ImportsPage } from "../features/imports/components/ImportsPage";
import { BlogsPage } from "../features/blogs/components/BlogsPage";
import { ConversationPage } from "../features/conversation/components/ConversationPage";
import { PeoplePage } from "../features/people/components/PeoplePage";
import { BriefsPage } from "../features/briefs/components/BriefsPage";
import { BrandingPage } from "../features/branding/components/BrandingPage";
import { DomainsPage } from "../features/domains/components/DomainsPage";
import { FederationBlocksPage } from "../features/federation/components/FederationBlocksPage";
import { ExportsPage } from "../features/exports/components/ExportsPage";
import { WebhooksPage } from "../features/webhooks/components/WebhooksPage";
import { MembersPage } from "../features/members/components/MembersPage";
import { ModerationPage } from "../features/moderation/components/ModerationPage";
import { PostEditorPage } from "../features/posts/components/PostEditorPage";
import { PostListPage } from "../features/posts/components/PostListPage";
import { NotificationsPage } from "../features/notifications/components/NotificationsPage";
import { SubscriptionPage } from "../features/subscription/components/SubscriptionPage";
import { Guard, Refused } from "./Guard";
import { Shell, TenantNav } from "./Layout";

// The charts library is the heaviest piece: the dashboard loads it on first visit.
const DashboardPage = lazy(() =>
  import("../features/dashboard/components/DashboardPage").then((m) => ({ default: m.DashboardPage })),
);

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache(),
    mutationCache: new MutationCache(),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // A 4xx will not change by asking again; network failures and 5xx might.
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
}

function NotFoundPage() {
  const f = useI18n();
  return (
    <Page title={f.t("notFound.title")}>
      <p>{f.t("notFound.body")}</p>
    </Page>
  );
}

function Home({ me }: { me: Me }) {
  const f = useI18n();
  const first = me.memberships.find((m) => homeScreen(roleIn(me, m.tenant)) !== null) ?? me.memberships[0];
  if (first) {
    const screen = homeScreen(roleIn(me, first.tenant));
    if (screen) return <Navigate to={`/t/${encodeURIComponent(first.tenant)}/${SCREEN_PATHS[screen]}`} replace />;
  }
  return (
    <Shell me={me} tenant={null}>
      <Page title={f.t("app.name")}>
        <p>{first ? f.t("refused.none", { role: f.t("role.reader") }) : f.t("tenant.none")}</p>
      </Page>
    </Shell>
  );
}

function TenantScreens({ me }: { me: Me }) {
  const { tenant = "" } = useParams();
  const role = roleIn(me, tenant);
  const membership = me.memberships.find((m) => m.tenant === tenant);
  const value = useMemo(
    () => ({
      slug: tenant,
      name: membership?.tenant_name ?? tenant,
      role,
      moderates: membership?.moderates ?? false,
      me,
      path: (rest: string) => `/t/${encodeURIComponent(tenant)}/${rest}`,
    }),
    [tenant, membership, role, me],
  );
  const home = homeScreen(role);
  return (
    <TenantProvider value={value}>
      <Shell me={me} tenant={tenant} nav={<TenantNav />}>
        <Routes>
          <Route index element={home ? <Navigate to={SCREEN_PATHS[home]} replace /> : <Refused screen={null} />} />
          <Route
            path="dashboard"
            element={
              <Guard screen="dashboard">
                <Suspense fallback={<Loading />}>
                  <DashboardPage />
                </Suspense>
              </Guard>
            }
          />
          <Route path="moderation" element={<Guard screen="moderation"><ModerationPage /></Guard>} />
          <Route path="posts" element={<Guard screen="posts"><PostListPage /></Guard>} />
          <Route path="posts/:postId" element={<Guard screen="posts"><PostEditorPage /></Guard>} />
          <Route path="blogs" element={<Guard screen="blogs"><BlogsPage /></Guard>} />
          <Route path="members" element={<Guard screen="members"><MembersPage /></Guard>} />
          <Route path="api-keys" element={<Guard screen="apiKeys"><ApiKeysPage /></Guard>} />
          <Route path="branding" element={<Guard screen="branding"><BrandingPage /></Guard>} />
          <Route path="domains" element={<Guard screen="domains"><DomainsPage /></Guard>} />
          <Route path="federation" element={<Guard screen="federation"><FederationBlocksPage /></Guard>} />
          <Route path="webhooks" element={<Guard screen="webhooks"><WebhooksPage /></Guard>} />
          <Route path="subscription" element={<Guard screen="subscription"><SubscriptionPage /></Guard>} />
          <Route path="audit" element={<Guard screen="audit"><AuditPage /></Guard>} />
          <Route path="exports" element={<Guard screen="exports"><ExportsPage /></Guard>} />
          <Route path="imports" element={<Guard screen="imports"><ImportsPage /></Guard>} />
          <Route path="conversation" element={<Guard screen="conversation"><ConversationPage /></Guard>} />
          <Route path="people" element={<Guard screen="people"><PeoplePage /></Guard>} />
          <Route path="briefs" element={<Guard screen="briefs"><BriefsPage /></Guard>} />
          <Route path="notifications" element={<Guard screen="notifications"><NotificationsPage /></Guard>} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Shell>
    </TenantProvider>
  );
}

function SignedIn() {
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.error || !me.data) {
    return (
      <main id="main" className="signin">
        <ErrorNotice error={me.error} onRetry={() => void me.refetch()} />
      </main>
    );
  }
  return (
    <Routes>
      <Route path="/" element={<Home me={me.data} />} />
      <Route path="/t/:tenant/*" element={<TenantScreens me={me.data} />} />
      <Route
        path="*"
        element={
          <Shell me={me.data} tenant={null}>
            <NotFoundPage />
          </Shell>
        }
      />
    </Routes>
  );
}

function Gate() {
  const session = useSession();
  const signedIn = session === "in";
  const client = useQueryClient();
  const location = useLocation();
  useEffect(() => {
    // Nothing read under one session is shown under the next.
    if (!signedIn) client.clear();
  }, [signedIn, client]);
  // The catcher's mailbox opens with or without a session (the API decides who may
  // read it); the reset request is for whoever cannot sign in, and a reset link works
  // whoever is signed in here (it names its own account).
  if (location.pathname === "/mail") return <CaughtMailPage />;
  if (location.pathname === "/reset-password") return <ResetPasswordPage />;
  if (!signedIn && location.pathname === "/forgot-password") return <ForgotPasswordPage />;
  if (!signedIn) {
    const state = location.state as { signedOut?: boolean } | null;
    return <SignInPage signedOut={Boolean(state?.signedOut)} expired={session === "expired"} />;
  }
  return <SignedIn />;
}

export function App({ queryClient }: { queryClient: QueryClient }) {
  const basename = import.meta.env.BASE_URL.replace(/\/+$/, "");
  return (
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter basename={basename}>
          <Gate />
        </BrowserRouter>
      </QueryClientProvider>
    </I18nProvider>
  );
}
