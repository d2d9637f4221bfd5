import { useState } from "react";
import { Link } from "react-router";

import { ErrorNotice } from "../../../shared/components/ErrorNotice";
import { useI18n } from "../../../shared/i18n";
import { useSignedIn } from "../../../shared/session";
import { useSite } from "../../../shared/site";
import { saveJson, useDownloadMyData, useEraseMe } from "../api/mydata";

/** "My data": download everything this site holds about me, or delete my account here. */
export function MyDataPanel() {
  const f = useI18n();
  const { slug } = useSite();
  const signedIn = useSignedIn();
  const download = useDownloadMyData(slug);
  const erase = useEraseMe(slug);
  const [sure, setSure] = useState(false);

  if (!signedIn) {
    return (
      <section className="my-data" aria-labelledby="my-data-title">
        <h1 id="my-data-title">{f.t("myData.title")}</h1>
        <p>
          <Link to="/signin">{f.t("myData.signIn")}</Link>
        </p>
      </section>
    );
  }
  if (erase.isSuccess) {
    return (
      <section className="my-data" aria-labelledby="my-data-title">
        <h1 id="my-data-title">{f.t("myData.title")}</h1>
        <p role="status">{f.t("myData.erased")}</p>
      </section>
    );
  }
  return (
    <section className="my-data" aria-labelledby="my-data-title">
      <h1 id="my-data-title">{f.t("myData.title")}</h1>
      <p>{f.t("myData.help")}</p>
      <button
        type="button"
        className="button"
        disabled={download.isPending}
        onClick={() => download.mutate(undefined, { onSuccess: (doc) => saveJson(`${slug}-my-data.json`, doc) })}
      >
        {f.t("myData.download")}
      </button>
      {download.error ? <ErrorNotice error={download.error} /> : null}
      <h2>{f.t("myData.deleteTitle")}</h2>
      <p>{f.t("myData.deleteHelp")}</p>
      <p>
        <input id="my-data-sure" type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} />{" "}
        <label htmlFor="my-data-sure">{f.t("myData.sure")}</label>
      </p>
      <button type="button" className="button button--danger" disabled={!sure || erase.isPending} onClick={() => erase.mutate()}>
        {f.t("myData.delete")}
      </button>
      {erase.error ? <ErrorNotice error={erase.error} /> : null}
    </section>
  );
}
