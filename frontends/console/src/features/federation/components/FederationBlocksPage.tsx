import { useState, type FormEvent } from "react";

import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { useI18n } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { useBlock, useBlocks, useUnblock } from "../api/blocks";

/** The fediverse instances and sites this tenant blocks: the list, a block, an unblock. */
export function FederationBlocksPage() {
  const f = useI18n();
  const { slug } = useTenant();
  const blocks = useBlocks(slug);
  const block = useBlock(slug);
  const unblock = useUnblock(slug);
  const [domain, setDomain] = useState("");
  const [done, setDone] = useState<{ domain: string; dropped: number } | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    block.mutate(domain.trim().toLowerCase(), {
      onSuccess: (answer) => {
        setDomain("");
        setDone({ domain: answer.domain, dropped: answer.dropped });
      },
    });
  }

  return (
    <Page title={f.t("federation.title")}>
      <p className="hint">{f.t("federation.help")}</p>
      {done ? (
        <p className="notice notice--success" role="status" data-testid="block-done">
          {f.t("federation.blocked", { domain: done.domain, count: done.dropped })}
        </p>
      ) : null}
      {unblock.error ? <ErrorNotice error={unblock.error} /> : null}
      {blocks.isPending ? (
        <Loading />
      ) : blocks.error ? (
        <ErrorNotice error={blocks.error} onRetry={() => void blocks.refetch()} />
      ) : !blocks.data?.domains.length ? (
        <Empty>{f.t("federation.empty")}</Empty>
      ) : (
        <ul className="plain-list" data-testid="blocks-list" aria-label={f.t("federation.list")}>
          {blocks.data.domains.map((d) => (
            <li key={d}>
              <code>{d}</code>{" "}
              <button
                type="button"
                className="button button--small button--danger"
                onClick={() => {
                  setDone(null);
                  unblock.mutate(d);
                }}
                disabled={unblock.isPending}
                aria-label={`${f.t("federation.unblock")} — ${d}`}
              >
                {f.t("federation.unblock")}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="form card" onSubmit={submit} aria-labelledby="block-heading">
        <h2 id="block-heading">{f.t("federation.add")}</h2>
        <div className="field">
          <label htmlFor="block-domain">{f.t("federation.domain")}</label>
          <input
            id="block-domain"
            value={domain}
            onChange={(e) => setDomain(e.target.value)}
            required
            placeholder="spam.example"
            autoCapitalize="none"
            spellCheck={false}
          />
        </div>
        {block.error ? <ErrorNotice error={block.error} /> : null}
        <button type="submit" className="button" disabled={block.isPending || !domain.trim()}>
          {f.t("federation.add")}
        </button>
      </form>
    </Page>
  );
}
