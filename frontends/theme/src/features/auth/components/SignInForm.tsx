import { useState, type FormEvent } from "react";
import { Link } from "react-router";

import { ErrorNotice } from "../../../shared/components/ErrorNotice";
import { ApiError } from "../../../shared/api";
import { useI18n } from "../../../shared/i18n";
import { useSite } from "../../../shared/site";
import { useSignIn } from "../api/auth";

export function SignInForm({ onDone }: { onDone: () => void }) {
  const { config } = useSite();
  const f = useI18n();
  const signIn = useSignIn();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    signIn.mutate({ email: email.trim(), password }, { onSuccess: onDone });
  }

  const failed = signIn.error instanceof ApiError && signIn.error.status === 401;
  return (
    <form className="auth-form" onSubmit={submit} aria-labelledby="signin-title">
      <h1 id="signin-title">{f.t("auth.signIn")}</h1>
      <div className="field">
        <label htmlFor="signin-email">{f.t("auth.email")}</label>
        <input
          id="signin-email"
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="signin-password">{f.t("auth.password")}</label>
        <input
          id="signin-password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          maxLength={256}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <button type="submit" className="button" disabled={signIn.isPending}>
        {f.t("auth.signIn")}
      </button>
      {failed ? (
        <p className="notice notice--error" role="alert">
          {f.t("auth.failed")}
        </p>
      ) : signIn.isError ? (
        <ErrorNotice error={signIn.error} />
      ) : null}
      <p>
        <Link to="/forgot-password">{f.t("auth.forgot")}</Link>
      </p>
      {config.features.reader_signup ? (
        <p>
          {f.t("auth.noAccount")} <Link to="/signup">{f.t("auth.signUp")}</Link>
        </p>
      ) : null}
    </form>
  );
}
