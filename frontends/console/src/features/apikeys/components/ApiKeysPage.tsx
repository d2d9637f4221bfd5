/** Tenant API keys (scope content:read, for a brand's own front-end). The secret is shown once. */
import { useState, type FormEvent } from "react";

import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { isMessageKey, useI18n, type MessageKey } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { useCreateKey, useKeys, useRevokeKey, type CreatedKey } from "../api/keys";

export function ApiKeysPage() {
  const f = useI18n();
  const { slug } = useTenant();
  const keys = useKeys(slug);
  const create = useCreateKey(slug);
  const revoke = useRevokeKey(slug);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<CreatedKey | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(name.trim(), { onSuccess: (key) => { setCreated(key); setName(""); } });
  }

  return (
    <Page title={f.t("keys.title")}>
      {created ? (
        <div className="notice notice--success" role="status" data-testid="key-secret">
          <p>{f.t("keys.secret", { name: created.name })}</p>
          <p>
            <input className="copy-field" readOnly value={created.secret} aria-label={created.name} onFocus={(e) => e.target.select()} />{" "}
            <button type="button" className="button button--small button--secondary" onClick={() => void navigator.clipboard?.writeText(created.secret)}>
              {f.t("action.copy")}
            </button>{" "}
            <button type="button" className="button button--small button--link" onClick={() => setCreated(null)}>
              {f.t("action.close")}
            </button>
          </p>
        </div>
      ) : null}
      {revoke.error ? <ErrorNotice error={revoke.error} /> : null}
      {keys.isPending ? (
        <Loading />
      ) : keys.error ? (
        <ErrorNotice error={keys.error} onRetry={() => void keys.refetch()} />
      ) : !keys.data?.length ? (
        <Empty>{f.t("keys.empty")}</Empty>
      ) : (
        <table className="table table--cards">
          <thead>
            <tr>
              <th scope="col">{f.t("keys.name")}</th>
              <th scope="col">{f.t("keys.prefix")}</th>
              <th scope="col">{f.t("keys.scopes")}</th>
              <th scope="col">{f.t("keys.lastUsed")}</th>
              <th scope="col"><span className="visually-hidden">{f.t("action.revoke")}</span></th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.id}>
                <th scope="row">{k.name}</th>
                <td data-label={f.t("keys.prefix")}><code>{k.prefix}</code></td>
                <td data-label={f.t("keys.scopes")}>{k.scopes.map((s) => (isMessageKey(`scope.${s}`) ? f.t(`scope.${s}` as MessageKey) : s)).join(", ")}</td>
                <td data-label={f.t("keys.lastUsed")}>{k.last_used_at ? f.dateTime(k.last_used_at) : f.t("keys.never")}</td>
                <td>
                  {k.revoked_at ? (
                    f.t("keys.revoked", { when: f.date(k.revoked_at) })
                  ) : (
                    <button type="button" className="button button--small button--danger" disabled={revoke.isPending} onClick={() => revoke.mutate(k.id)} aria-label={`${f.t("action.revoke")} — ${k.name}`}>
                      {f.t("action.revoke")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="form card" onSubmit={submit} aria-labelledby="key-heading">
        <h2 id="key-heading">{f.t("keys.create")}</h2>
        <div className="field">
          <label htmlFor="key-name">{f.t("keys.name")}</label>
          <input id="key-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </div>
        {create.error ? <ErrorNotice error={create.error} /> : null}
        <button type="submit" className="button" disabled={create.isPending || !name.trim()}>
          {f.t("keys.create")}
        </button>
      </form>
    </Page>
  );
}
