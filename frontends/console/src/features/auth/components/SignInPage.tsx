/** Sign-in with the OAuth2 password form; says why when a session just ended. */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router";

import { ApiError, signIn } from "../../../shared/api";
import { useI18n } from "../../../shared/i18n";
import { problemMessage } from "../../../shared/problems";

export function SignInPage({ signedOut, expired }: { signedOut?: boolean; expired?: boolean }) {
  const f = useI18n();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = f.t("signin.title");
    heading.current?.focus();
  }, [f]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (cause) {
      setError(
        cause instanceof ApiError && (cause.status === 401 || cause.status === 400)
          ? f.t("signin.failed")
          : problemMessage(cause, f).message,
      );
      setBusy(false);
    }
  }

  return (
    <main id="main" className="signin">
      <h1 tabIndex={-1} ref={heading}>
        {f.t("signin.title")}
      </h1>
      {expired ? (
        <p className="notice notice--info" role="status" data-testid="session-expired">
          {f.t("signin.expired")}
        </p>
      ) : signedOut ? (
        <p className="notice notice--info" role="status">
          {f.t("signin.signedOut")}
        </p>
      ) : null}
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="signin-email">{f.t("signin.email")}</label>
          <input
            id="signin-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="signin-password">{f.t("signin.password")}</label>
          <input
            id="signin-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        {error ? (
          <p className="notice notice--error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button" disabled={busy}>
          {busy ? f.t("signin.busy") : f.t("signin.submit")}
        </button>
      </form>
      <p>
        <Link to="/forgot-password">{f.t("signin.forgot")}</Link> ·{" "}
        <Link to="/mail">{f.t("signin.caughtMail")}</Link>
      </p>
    </main>
  );
}
