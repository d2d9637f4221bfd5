import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router";

import { ApiError } from "../../../shared/api";
import { ErrorNotice } from "../../../shared/components/ErrorNotice";
import { useI18n } from "../../../shared/i18n";
import { useSignedIn } from "../../../shared/session";
import { useSite } from "../../../shared/site";
import {
  useConfirmReset,
  useNotifications,
  useRequestReset,
  useSetNotifications,
  useUnsubscribe,
  useVerifyEmail,
} from "../api/auth";

/** Ask for a reset link: the same answer whether or not the address has an account. */
export function ForgotPasswordForm() {
  const { slug } = useSite();
  const f = useI18n();
  const request = useRequestReset(slug);
  const [email, setEmail] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    request.mutate(email.trim());
  }

  return (
    <form className="auth-form" onSubmit={submit} aria-labelledby="forgot-title">
      <h1 id="forgot-title">{f.t("auth.forgotTitle")}</h1>
      <p>{f.t("auth.forgotIntro")}</p>
      <div className="field">
        <label htmlFor="forgot-email">{f.t("auth.email")}</label>
        <input
          id="forgot-email"
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <button type="submit" className="button" disabled={request.isPending}>
        {f.t("auth.forgotSend")}
      </button>
      {request.isSuccess ? (
        <p className="notice notice--info" role="status" data-testid="reset-sent">
          {f.t("auth.forgotSent")}
        </p>
      ) : request.isError ? (
        <ErrorNotice error={request.error} />
      ) : null}
    </form>
  );
}

/** The page the mail's link opens: the token is in the address, the password is typed. */
export function ResetPasswordForm({ token }: { token: string }) {
  const { slug } = useSite();
  const f = useI18n();
  const confirm = useConfirmReset(slug);
  const [password, setPassword] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    confirm.mutate({ token, new_password: password });
  }

  if (confirm.isSuccess) {
    return (
      <section className="auth-form" aria-labelledby="reset-title">
        <h1 id="reset-title">{f.t("auth.resetTitle")}</h1>
        <p className="notice notice--info" role="status" data-testid="reset-done">
          {f.t("auth.resetDone")}
        </p>
        <p>
          <Link to="/signin">{f.t("auth.signIn")}</Link>
        </p>
      </section>
    );
  }
  const invalid =
    !token || (confirm.error instanceof ApiError && confirm.error.code === "not_found");
  return (
    <form className="auth-form" onSubmit={submit} aria-labelledby="reset-title">
      <h1 id="reset-title">{f.t("auth.resetTitle")}</h1>
      <div className="field">
        <label htmlFor="reset-password">{f.t("auth.newPassword")}</label>
        <input
          id="reset-password"
          type="password"
          name="new-password"
          autoComplete="new-password"
          required
          minLength={10}
          maxLength={256}
          aria-describedby="reset-hint"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <p id="reset-hint" className="hint">
          {f.t("auth.passwordHint")}
        </p>
      </div>
      <button type="submit" className="button" disabled={confirm.isPending || !token}>
        {f.t("auth.resetSubmit")}
      </button>
      {invalid ? (
        <p className="notice notice--error" role="alert">
          {f.t("auth.resetInvalid")} <Link to="/forgot-password">{f.t("auth.forgot")}</Link>
        </p>
      ) : confirm.isError ? (
        <ErrorNotice error={confirm.error} />
      ) : null}
    </form>
  );
}

/** The page the sign-up mail's link opens: the address is confirmed on arrival, once. */
export function VerifyEmailNotice({ token }: { token: string }) {
  const { slug } = useSite();
  const f = useI18n();
  const verify = useVerifyEmail(slug);
  const sent = useRef(false);
  useEffect(() => {
    if (token && !sent.current) {
      sent.current = true;
      verify.mutate(token);
    }
  }, [token, verify]);
  return (
    <section className="auth-form" aria-labelledby="verify-title">
      <h1 id="verify-title">{f.t("auth.verifyTitle")}</h1>
      {verify.isSuccess ? (
        <p className="notice notice--info" role="status" data-testid="verify-done">
          {f.t("auth.verifyDone")} <Link to="/">{f.t("nav.home")}</Link>
        </p>
      ) : !token || verify.isError ? (
        <p className="notice notice--error" role="alert">
          {f.t("auth.verifyInvalid")}
        </p>
      ) : (
        <p role="status">{f.t("auth.verifyBusy")}</p>
      )}
    </section>
  );
}

/** The unsubscribe link of a notification: one button, no sign-in (the token says who). */
export function UnsubscribeForm({ token }: { token: string }) {
  const { slug } = useSite();
  const f = useI18n();
  const stop = useUnsubscribe(slug);
  function submit(event: FormEvent) {
    event.preventDefault();
    stop.mutate(token);
  }
  return (
    <form className="auth-form" onSubmit={submit} aria-labelledby="unsubscribe-title">
      <h1 id="unsubscribe-title">{f.t("unsubscribe.title")}</h1>
      {stop.isSuccess ? (
        <p className="notice notice--info" role="status" data-testid="unsubscribed">
          {f.t("unsubscribe.done")}
        </p>
      ) : (
        <>
          <p>{f.t("unsubscribe.intro")}</p>
          <button type="submit" className="button" disabled={stop.isPending || !token}>
            {f.t("unsubscribe.confirm")}
          </button>
        </>
      )}
      {!token || stop.isError ? (
        <p className="notice notice--error" role="alert">
          {f.t("unsubscribe.invalid")}
        </p>
      ) : null}
    </form>
  );
}

/** The signed-in reader's mail notifications on this site. */
export function NotificationPreferences() {
  const { slug } = useSite();
  const f = useI18n();
  const signedIn = useSignedIn();
  const prefs = useNotifications(slug, signedIn);
  const save = useSetNotifications(slug);
  if (!signedIn) {
    return (
      <section className="auth-form" aria-labelledby="prefs-title">
        <h1 id="prefs-title">{f.t("prefs.title")}</h1>
        <p>
          <Link to="/signin">{f.t("prefs.signIn")}</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="auth-form" aria-labelledby="prefs-title">
      <h1 id="prefs-title">{f.t("prefs.title")}</h1>
      {prefs.data ? (
        <div className="field">
          <label>
            <input
              type="checkbox"
              checked={prefs.data.reply}
              disabled={save.isPending}
              onChange={(e) => save.mutate({ reply: e.target.checked })}
            />{" "}
            {f.t("prefs.reply")}
          </label>
        </div>
      ) : prefs.isError ? (
        <ErrorNotice error={prefs.error} />
      ) : null}
      {save.isSuccess ? <p role="status">{f.t("prefs.saved")}</p> : null}
      {save.isError ? <ErrorNotice error={save.error} /> : null}
    </section>
  );
}
