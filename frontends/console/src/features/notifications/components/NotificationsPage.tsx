/**
 * The signed-in member's mail notifications in this tenant: one switch per notification
 * their role receives, saved as it is flipped (the mails' one-click unsubscribe turns the
 * same switches off).
 */
import { useState } from "react";

import { Page } from "../../../shared/components/Page";
import { ErrorNotice, Loading } from "../../../shared/components/states";
import { useI18n, type MessageKey } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { KINDS, usePreferences, useSetPreference, type Kind } from "../api/notifications";

export function NotificationsPage() {
  const f = useI18n();
  const { slug, role } = useTenant();
  const prefs = usePreferences(slug);
  const save = useSetPreference(slug);
  const shown = KINDS.filter((k) => role !== null && k.roles.includes(role));
  // A switch moves as it is flipped; a refusal puts it back.
  const [flipped, setFlipped] = useState<Partial<Record<Kind, boolean>>>({});
  const flip = (kind: Kind, on: boolean) => {
    setFlipped((was) => ({ ...was, [kind]: on }));
    save.mutate(
      { [kind]: on },
      { onError: () => setFlipped((was) => ({ ...was, [kind]: !on })) },
    );
  };
  return (
    <Page title={f.t("notifications.title")}>
      <p className="hint">{f.t("notifications.help")}</p>
      {prefs.isPending ? (
        <Loading />
      ) : prefs.isError ? (
        <ErrorNotice error={prefs.error} />
      ) : (
        <form data-testid="notifications-form" onSubmit={(e) => e.preventDefault()}>
          <fieldset>
            <legend>{f.t("notifications.legend")}</legend>
            {shown.map(({ kind }) => (
              <div className="field" key={kind}>
                <div className="field--check" style={{ display: "flex" }}>
                  <input
                    id={`notification-${kind}`}
                    type="checkbox"
                    checked={flipped[kind] ?? prefs.data[kind]}
                    aria-describedby={`notification-${kind}-help`}
                    onChange={(e) => flip(kind, e.target.checked)}
                  />
                  <label htmlFor={`notification-${kind}`}>{f.t(`notifications.kind.${kind}` as MessageKey)}</label>
                </div>
                <p className="hint" id={`notification-${kind}-help`}>
                  {f.t(`notifications.help.${kind}` as MessageKey)}
                </p>
              </div>
            ))}
          </fieldset>
          {save.isSuccess ? (
            <p role="status" data-testid="notifications-saved">
              {f.t("notifications.saved")}
            </p>
          ) : null}
          {save.isError ? <ErrorNotice error={save.error} /> : null}
        </form>
      )}
    </Page>
  );
}
