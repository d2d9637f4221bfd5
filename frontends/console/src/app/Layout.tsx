/**
 * The console's frame: a skip link, the header (tenant switcher, language, account),
 * the navigation of the screens the role opens, and the main landmark.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { NavLink, useLocation, useNavigate } from "react-router";

import { signOut } from "../shared/api";
import { useI18n, type Language, type MessageKey } from "../shared/i18n";
import { allowedScreens, homeScreen, SCREEN_PATHS } from "../shared/roles";
import type { Me } from "../shared/session";
import { roleIn, useTenant } from "../shared/tenant";

export function LanguageSwitcher() {
  const f = useI18n();
  return (
    <div className="lang-switch">
      <label htmlFor="console-language">{f.t("lang.label")}</label>
      <select id="console-language" value={f.language} onChange={(e) => f.setLanguage(e.target.value as Language)}>
        <option value="en" lang="en">English</option>
        <option value="fr" lang="fr">Français</option>
      </select>
    </div>
  );
}

export function TenantSwitcher({ me, current }: { me: Me; current: string | null }) {
  const f = useI18n();
  const navigate = useNavigate();
  const [typed, setTyped] = useState("");
  const go = (slug: string) => {
    const screen = homeScreen(roleIn(me, slug)) ?? "dashboard";
    navigate(`/t/${encodeURIComponent(slug)}/${SCREEN_PATHS[screen]}`);
  };
  const open = (event: FormEvent) => {
    event.preventDefault();
    if (typed.trim()) go(typed.trim().toLowerCase());
  };
  return (
    <div className="tenant-switch">
      {me.memberships.length > 1 || (current && !me.memberships.some((m) => m.tenant === current)) ? (
        <>
          <label htmlFor="tenant-switch">{f.t("tenant.label")}</label>
          <select id="tenant-switch" value={current ?? ""} onChange={(e) => e.target.value && go(e.target.value)}>
            {current && !me.memberships.some((m) => m.tenant === current) ? <option value={current}>{current}</option> : null}
            {!current ? <option value="">{f.t("tenant.choose")}</option> : null}
            {me.memberships.map((m) => (
              <option key={m.tenant} value={m.tenant}>
                {m.tenant_name} ({f.t(`role.${m.role}` as MessageKey)})
              </option>
            ))}
          </select>
        </>
      ) : me.memberships[0] ? (
        <span className="tenant-switch__one">{me.memberships[0].tenant_name}</span>
      ) : null}
      {me.is_operator ? (
        <form onSubmit={open} className="tenant-switch__open">
          <label htmlFor="tenant-slug" className="visually-hidden">{f.t("tenant.slug")}</label>
          <input id="tenant-slug" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder={f.t("tenant.slug")} size={12} />
          <button type="submit" className="button button--small button--secondary">{f.t("tenant.open")}</button>
        </form>
      ) : null}
    </div>
  );
}

function AccountMenu({ me }: { me: Me }) {
  const f = useI18n();
  const navigate = useNavigate();
  return (
    <div className="account">
      <span data-testid="signed-in-as">{f.t("account.signedInAs", { name: me.display_name })}</span>
      <button
        type="button"
        className="button button--small button--secondary"
        onClick={() => {
          void signOut().then(() => navigate("/", { state: { signedOut: true } }));
        }}
      >
        {f.t("account.signOut")}
      </button>
    </div>
  );
}

export function Shell({ me, tenant, nav, children }: { me: Me; tenant: string | null; nav?: ReactNode; children: ReactNode }) {
  const f = useI18n();
  // On a phone the navigation folds behind a button (CSS hides the button on wider
  // screens, where the navigation always shows); choosing a screen folds it again.
  const [navOpen, setNavOpen] = useState(false);
  const { pathname } = useLocation();
  useEffect(() => setNavOpen(false), [pathname]);
  return (
    <div className={navOpen ? "shell shell--nav-open" : "shell"}>
      <a className="skip-link" href="#main">
        {f.t("skip.content")}
      </a>
      <header className="topbar">
        {nav ? (
          <button
            type="button"
            className="topbar__menu button button--small button--secondary"
            aria-expanded={navOpen}
            aria-controls="console-nav"
            onClick={() => setNavOpen((open) => !open)}
          >
            {f.t("nav.menu")}
          </button>
        ) : null}
        <span className="topbar__name">{f.t("app.name")}</span>
        <TenantSwitcher me={me} current={tenant} />
        <LanguageSwitcher />
        <AccountMenu me={me} />
      </header>
      <div className="shell__body">
        {nav}
        <main id="main" className="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}

export function TenantNav() {
  const f = useI18n();
  const { role, moderates, path, name } = useTenant();
  return (
    <nav className="sidenav" id="console-nav" aria-label={f.t("nav.main")}>
      <p className="sidenav__tenant">
        <strong>{name}</strong>
        <br />
        <span className="hint">{f.t("tenant.role", { role: role ? f.t(`role.${role}` as MessageKey) : "—" })}</span>
      </p>
      <ul>
        {allowedScreens(role, moderates).map((screen) => (
          <li key={screen}>
            <NavLink to={path(SCREEN_PATHS[screen])}>{f.t(`nav.${screen}` as MessageKey)}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
