/** Ask for a reset link: the site the account belongs to, and its e-mail. */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router";

import { ErrorNotice } from "../../../shared/components/states";
import { useI18n } from "../../../shared/i18n";
import { useRequestReset } from "../api/mail";

export function ForgotPasswordPage() {
  const f = useI18n();
  const request = useRequestReset();
  const [tenant, setTenant] = useState("");
  const [email, setEmail] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = f.t("forgot.title");
    heading.current?.focus();
  }, [f]);

  function submit(event: FormEvent) {
    event.preventDefault();
    request.mutate({ tenant: tenant.trim().toLowerCase(), email: email.trim() });
  }

  return (
    <main id="main" className="signin">
      <h1 tabIndex={-1} ref={heading}>
        {f.t("forgot.title")}
      </h1>
      <p>{f.t("forgot.intro")}</p>
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="forgot-tenant">{f.t("forgot.tenant")}</label>
          <input id="forgot-tenant" required value={tenant} onChange={(e) => setTenant(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="forgot-email">{f.t("signin.email")}</label>
          <input
            id="forgot-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        {request.isSuccess ? (
          <p className="notice notice--info" role="status" data-testid="reset-sent">
            {f.t("forgot.sent")}
          </p>
        ) : request.isError ? (
          <ErrorNotice error={request.error} />
        ) : null}
        <button type="submit" className="button" disabled={request.isPending}>
          {f.t("forgot.submit")}
        </button>
      </form>
      <p>
        <Link to="/">{f.t("signin.submit")}</Link> · <Link to="/mail">{f.t("mail.title")}</Link>
      </p>
    </main>
  );
}
