import { useState, type FormEvent } from "react";
import { Link } from "react-router";

import { ErrorNotice } from "../../../shared/components/ErrorNotice";
import { useI18n } from "../../../shared/i18n";
import { useSite } from "../../../shared/site";
import { useSignUp } from "../api/auth";

export function SignUpForm({ onDone }: { onDone: () => void }) {
  const { slug } = useSite();
  const f = useI18n();
  const signUp = useSignUp(slug);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [name, setName] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    signUp.mutate(
      { email: email.trim(), password, display_name: name.trim() },
      { onSuccess: onDone },
    );
  }

  return (
    <form className="auth-form" onSubmit={submit} aria-labelledby="signup-title">
      <h1 id="signup-title">{f.t("auth.signUp")}</h1>
      <div className="field">
        <label htmlFor="signup-name">{f.t("auth.displayName")}</label>
        <input
          id="signup-name"
          name="display_name"
          autoComplete="nickname"
          required
          maxLength={80}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="signup-email">{f.t("auth.email")}</label>
        <input
          id="signup-email"
          type="email"
          name="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="signup-password">{f.t("auth.password")}</label>
        <input
          id="signup-password"
          type="password"
          name="password"
          autoComplete="new-password"
          required
          minLength={10}
          maxLength={256}
          aria-describedby="signup-password-hint"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <p id="signup-password-hint" className="muted">
          {f.t("auth.passwordHint")}
        </p>
      </div>
      <button type="submit" className="button" disabled={signUp.isPending}>
        {f.t("auth.signUp")}
      </button>
      {signUp.isError ? <ErrorNotice error={signUp.error} /> : null}
      <p>
        {f.t("auth.haveAccount")} <Link to="/signin">{f.t("auth.signIn")}</Link>
      </p>
    </form>
  );
}
