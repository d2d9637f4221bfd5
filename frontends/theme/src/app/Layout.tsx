import { Suspense, useEffect, useRef } from "react";
import { NavLink, Outlet, useLocation } from "react-router";

import { AccountMenu } from "../features/auth/components/AccountMenu";
import { SearchForm } from "../features/posts/components/SearchForm";
import { Brand } from "../features/site/components/Brand";
import { SiteFooter } from "../features/site/components/SiteFooter";
import { Loading } from "../shared/components/Loading";
import { forgetServerHead } from "../shared/head";
import { useI18n } from "../shared/i18n";

export function Layout() {
  const f = useI18n();
  const { pathname } = useLocation();
  const first = useRef(pathname);
  useEffect(() => {
    window.scrollTo(0, 0);
    if (pathname !== first.current) forgetServerHead();
  }, [pathname]);
  return (
    <>
      <a className="skip-link" href="#main">
        {f.t("skip.content")}
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Brand />
          <nav aria-label={f.t("nav.main")} className="site-nav">
            <NavLink to="/" end>
              {f.t("nav.home")}
            </NavLink>
            <NavLink to="/tags">{f.t("nav.tags")}</NavLink>
          </nav>
          <SearchForm />
          <AccountMenu />
        </div>
      </header>
      <main id="main" className="site-main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <SiteFooter />
    </>
  );
}
