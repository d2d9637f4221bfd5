import { useState, type FormEvent } from "react";
import { Link } from "react-router";

import { ApiError } from "../../../shared/api";
import { ErrorNotice } from "../../../shared/components/ErrorNotice";
import { useI18n } from "../../../shared/i18n";
import { useSignedIn } from "../../../shared/session";
import { useSite } from "../../../shared/site";
import { useConfirmEmailChange, useRequestEmailChange } from "../api/auth";

/** Ask to move the signed-in account to another address (the current password is needed). */
export function EmailChangeForm() {
  const { slug } = useSite();
  const f = useI18n();
  const signedIn = useSignedIn();
  const request = useRequestEmailChange(slug);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  if (!signedIn) {
    return (
      <section className="auth-form" aria-labelledby="email-title">
        <h1 id="email-title">{f.t("email.title")}</h1>
        <p>
          <Link to="/signin">{f.t("email.signIn")}</Link>
        </p>
      </section>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    request.mutate({ new_email: email.trim(), current_password: password });
  }

  return (
    <form className="auth-form" onSubmit={submit} aria-labelledby="email-title">
      <h1 id="email-title">{f.t("email.title")}</h1>
      <p>{f.t("email.intro")}</p>
      <div className="field">
        <label htmlFor="email-new">{f.t("email.new")}</label>
        <input
          id="email-new"
          type="email"
          name="email"
          autoComplete="email"
          required
          maxLength={254}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="email-password">{f.t("email.current")}</label>
        <input
          id="email-password"
          type="password"
          name="current-password"
          autoComplete="current-password"
          required
          maxLength={256}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <button type="submit" className="button" disabled={request.isPending}>
        {f.t("email.send")}
      </button>
      {request.isSuccess ? (
        <p className="notice notice--info" role="status" data-testid="email-change-sent">
          {f.t("email.sent")}
        </p>
      ) : request.isError ? (
        <ErrorNotice error={request.error} />
      ) : null}
    </form>
  );
}

/** The page the link mailed to the new address opens: one button applies the change. */
export function EmailChangeConfirm({ token }: { token: string }) {
  const { slug } = useSite();
  const f = useI18n();
  const confirm = useConfirmEmailChange(slug);

  function submit(event: FormEvent) {
    event.preventDefault();
    confirm.mutate(token);
  }

  if (confirm.isSuccess) {
    return (
      <section className="auth-form" aria-labelledby="confirm-email-title">
        <h1 id="confirm-email-title">{f.t("email.confirmTitle")}</h1>
        <p className="notice notice--info" role="status" data-testid="email-change-done">
          {f.t("email.confirmed")}
        </p>
        <p>
          <Link to="/signin">{f.t("auth.signIn")}</Link>
        </p>
      </section>
    );
  }
  const code = confirm.error instanceof ApiError ? confirm.error.code : null;
  return (
    <form className="auth-form" onSubmit={submit} aria-labelledby="confirm-email-title">
      <h1 id="confirm-email-title">{f.t("email.confirmTitle")}</h1>
      <p>{f.t("email.confirmIntro")}</p>
      <button type="submit" className="button" disabled={confirm.isPending || !token}>
        {f.t("email.confirm")}
      </button>
      {!token || code === "not_found" ? (
        <p className="notice notice--error" role="alert">
          {f.t("email.invalid")}
        </p>
      ) : code === "conflict" ? (
        <p className="notice notice--error" role="alert">
          {f.t("email.taken")}
        </p>
      ) : confirm.isError ? (
        <ErrorNotice error={confirm.error} />
      ) : null}
    </form>
  );
}
