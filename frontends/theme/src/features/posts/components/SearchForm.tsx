import { useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";

import { useI18n } from "../../../shared/i18n";

export function SearchForm() {
  const f = useI18n();
  const [params] = useSearchParams();
  const [q, setQ] = useState(params.get("q") ?? "");
  const navigate = useNavigate();

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = q.trim();
    if (text) void navigate(`/search?${new URLSearchParams({ q: text })}`);
  }

  return (
    <form role="search" className="search-form" onSubmit={submit}>
      <label htmlFor="search-q" className="visually-hidden">
        {f.t("search.label")}
      </label>
      <input
        id="search-q"
        type="search"
        name="q"
        value={q}
        maxLength={200}
        onChange={(e) => setQ(e.target.value)}
        placeholder={f.t("search.label")}
      />
      <button type="submit" className="button">
        {f.t("search.button")}
      </button>
    </form>
  );
}
