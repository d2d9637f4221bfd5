/**
 * The mail the built-in catcher kept, newest first. A message's HTML is shown in a
 * sandboxed frame with no permission at all: no script runs, no form posts, and links
 * cannot reach the console; its links are also listed as plain text to copy.
 */
import { useEffect, useRef, useState } from "react";

import { ErrorNotice, Loading } from "../../../shared/components/states";
import { useI18n } from "../../../shared/i18n";
import { useCaughtMail, type CaughtMail } from "../api/mail";

const LINK = /https?:\/\/[^\s<>"]+/g;

function Message({ mail }: { mail: CaughtMail }) {
  const f = useI18n();
  const links = Array.from(new Set(mail.text.match(LINK) ?? []));
  return (
    <article className="card" aria-labelledby={`mail-${mail.id}`}>
      <h2 id={`mail-${mail.id}`}>{mail.subject}</h2>
      <dl className="meta">
        <dt>{f.t("mail.from")}</dt>
        <dd>{mail.sender}</dd>
        <dt>{f.t("mail.to")}</dt>
        <dd>{mail.to}</dd>
        <dt>{f.t("mail.received")}</dt>
        <dd>{f.dateTime(mail.received_at)}</dd>
      </dl>
      {links.length ? (
        <ul aria-label={f.t("mail.links")}>
          {links.map((link) => (
            <li key={link}>
              <a href={link} rel="noopener noreferrer">
                {link}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {mail.html ? (
        <iframe
          title={f.t("mail.html", { subject: mail.subject })}
          sandbox=""
          referrerPolicy="no-referrer"
          srcDoc={mail.html}
          className="mail-frame"
          style={{ width: "100%", minHeight: "24rem", border: "1px solid #ccc" }}
        />
      ) : null}
      <details>
        <summary>{f.t("mail.text")}</summary>
        <pre style={{ whiteSpace: "pre-wrap" }}>{mail.text}</pre>
      </details>
    </article>
  );
}

export function CaughtMailPage() {
  const f = useI18n();
  const mail = useCaughtMail();
  const heading = useRef<HTMLHeadingElement>(null);
  const [shown] = useState(20);
  useEffect(() => {
    document.title = f.t("mail.title");
    heading.current?.focus();
  }, [f]);
  return (
    <main id="main" className="page">
      <h1 tabIndex={-1} ref={heading}>
        {f.t("mail.title")}
      </h1>
      <p>{f.t("mail.intro")}</p>
      {mail.isPending ? (
        <Loading />
      ) : mail.error ? (
        <ErrorNotice error={mail.error} onRetry={() => void mail.refetch()} />
      ) : mail.data.length === 0 ? (
        <p>{f.t("mail.none")}</p>
      ) : (
        mail.data.slice(0, shown).map((m) => <Message key={m.id} mail={m} />)
      )}
    </main>
  );
}
