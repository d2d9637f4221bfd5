/** The page a reset mail asked from the console opens: the site and the token are in the
 * address, the new password is typed here. */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { ApiError } from "../../../shared/api";
import { ErrorNotice } from "../../../shared/components/states";
import { useI18n } from "../../../shared/i18n";
import { useConfirmReset } from "../api/mail";

export function ResetPasswordPage() {
  const f = useI18n();
  const [params] = useSearchParams();
  const tenant = params.get("tenant") ?? "";
  const token = params.get("token") ?? "";
  const confirm = useConfirmReset();
  const [password, setPassword] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = f.t("reset.title");
    heading.current?.focus();
  }, [f]);

  function submit(event: FormEvent) {
    event.preventDefault();
    confirm.mutate({ tenant, token, new_password: password });
  }

  const invalid =
    !tenant || !token || (confirm.error instanceof ApiError && confirm.error.code === "not_found");
  return (
    <main id="main" className="signin">
      <h1 tabIndex={-1} ref={heading}>
        {f.t("reset.title")}
      </h1>
      {confirm.isSuccess ? (
        <p className="notice notice--info" role="status" data-testid="reset-done">
          {f.t("reset.done")}
        </p>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor="reset-password">{f.t("reset.password")}</label>
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
              {f.t("reset.hint")}
            </p>
          </div>
          {invalid ? (
            <p className="notice notice--error" role="alert">
              {f.t("reset.invalid")}
            </p>
          ) : confirm.isError ? (
            <ErrorNotice error={confirm.error} />
          ) : null}
          <button type="submit" className="button" disabled={confirm.isPending || !tenant || !token}>
            {f.t("reset.submit")}
          </button>
        </form>
      )}
      <p>
        <Link to="/">{f.t("signin.submit")}</Link> · <Link to="/forgot-password">{f.t("signin.forgot")}</Link>
      </p>
    </main>
  );
}
