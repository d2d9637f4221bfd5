import { useState, type FormEvent } from "react";

import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { useI18n } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { useAddDomain, useDomains, useRemoveDomain } from "../api/domains";

/** The host names the theme answers on for this tenant. */
export function DomainsPage() {
  const f = useI18n();
  const { slug } = useTenant();
  const domains = useDomains(slug);
  const add = useAddDomain(slug);
  const remove = useRemoveDomain(slug);
  const [host, setHost] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate(host.trim().toLowerCase(), { onSuccess: () => setHost("") });
  }

  return (
    <Page title={f.t("domains.title")}>
      <p className="hint">{f.t("domains.help")}</p>
      {remove.error ? <ErrorNotice error={remove.error} /> : null}
      {domains.isPending ? (
        <Loading />
      ) : domains.error ? (
        <ErrorNotice error={domains.error} onRetry={() => void domains.refetch()} />
      ) : !domains.data?.length ? (
        <Empty>{f.t("domains.empty")}</Empty>
      ) : (
        <ul className="plain-list">
          {domains.data.map((d) => (
            <li key={d.id}>
              <code>{d.host}</code>{" "}
              <button type="button" className="button button--small button--danger" onClick={() => remove.mutate(d.id)} disabled={remove.isPending} aria-label={`${f.t("action.remove")} — ${d.host}`}>
                {f.t("action.remove")}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="form card" onSubmit={submit} aria-labelledby="domain-heading">
        <h2 id="domain-heading">{f.t("domains.add")}</h2>
        <div className="field">
          <label htmlFor="domain-host">{f.t("domains.host")}</label>
          <input id="domain-host" value={host} onChange={(e) => setHost(e.target.value)} required placeholder="blog.example.com" />
        </div>
        {add.error ? <ErrorNotice error={add.error} /> : null}
        <button type="submit" className="button" disabled={add.isPending || !host.trim()}>
          {f.t("domains.add")}
        </button>
      </form>
    </Page>
  );
}
