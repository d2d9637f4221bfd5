/**
 * A screen behind the roles table: someone whose role does not open it (say a
 * moderator following a link to the members screen) gets a plain refusal with a way
 * back, not a failing screen.
 */
import type { ReactNode } from "react";
import { Link } from "react-router";

import { Page } from "../shared/components/Page";
import { useI18n, type MessageKey } from "../shared/i18n";
import { canOpen, homeScreen, SCREEN_PATHS, type Screen } from "../shared/roles";
import { useTenant } from "../shared/tenant";

export function Refused({ screen }: { screen: Screen | null }) {
  const f = useI18n();
  const { role, path } = useTenant();
  const home = homeScreen(role);
  const roleName = role ? f.t(`role.${role}` as MessageKey) : "—";
  return (
    <Page title={f.t("refused.title")}>
      <div className="notice notice--warning" data-testid="refused">
        <p>
          {screen
            ? f.t("refused.body", { role: roleName, screen: f.t(`nav.${screen}` as MessageKey) })
            : f.t("refused.none", { role: roleName })}
        </p>
        {home ? (
          <p>
            <Link to={path(SCREEN_PATHS[home])}>{f.t("refused.back")}</Link>
          </p>
        ) : null}
      </div>
    </Page>
  );
}

export function Guard({ screen, children }: { screen: Screen; children: ReactNode }) {
  const { role, moderates } = useTenant();
  return canOpen(role, screen, moderates) ? <>{children}</> : <Refused screen={screen} />;
}
