import { Link } from "react-router";

import { useI18n } from "../../../shared/i18n";
import { useMe, useSignedIn } from "../../../shared/session";
import { useSite } from "../../../shared/site";
import { useSignOut } from "../api/auth";

/** Sign-in and sign-up links, or who is signed in and a way out. */
export function AccountMenu() {
  const { config } = useSite();
  const f = useI18n();
  const signedIn = useSignedIn();
  const me = useMe();
  const signOut = useSignOut();
  if (signedIn) {
    return (
      <div className="account">
        {me.data ? (
          <span className="account__who" data-testid="signed-in-as">
            {f.t("auth.signedInAs", { name: me.data.display_name })}
          </span>
        ) : null}{" "}
        <Link to="/my-data">{f.t("myData.link")}</Link>{" "}
        <Link to="/notifications">{f.t("prefs.title")}</Link>{" "}
        <Link to="/change-email">{f.t("email.link")}</Link>{" "}
        <button type="button" className="button button--link" onClick={() => signOut.mutate()}>
          {f.t("auth.signOut")}
        </button>
      </div>
    );
  }
  return (
    <div className="account">
      <Link to="/signin">{f.t("auth.signIn")}</Link>
      {config.features.reader_signup ? (
        <>
          {" · "}
          <Link to="/signup">{f.t("auth.signUp")}</Link>
        </>
      ) : null}
    </div>
  );
}
