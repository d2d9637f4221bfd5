/**
 * Branding and settings, with a live preview painted like the theme (colours,
 * typography, logo, footer) and the contrast of each pair the theme will check.
 */
import { useState, type FormEvent } from "react";

import { brandStyle, contrastRatio, isHexColour, TYPOGRAPHIES } from "../../../shared/brand";
import { Page } from "../../../shared/components/Page";
import { ErrorNotice, Loading, StatusLine } from "../../../shared/components/states";
import { useI18n, type MessageKey } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { useTenantRecord, useUpdateTenant, type TenantRecord } from "../api/tenant";

const POLICIES = ["open", "trusted", "pre", "closed"] as const;
const LANGUAGES = ["fr", "en", "de", "es", "it", "nl", "pt"];
type Colour = "primary_color" | "accent_color" | "text_color" | "background_color";
const COLOURS: { key: Colour; label: MessageKey }[] = [
  { key: "primary_color", label: "branding.primary" },
  { key: "accent_color", label: "branding.accent" },
  { key: "text_color", label: "branding.text" },
  { key: "background_color", label: "branding.background" },
];

interface Form {
  name: string;
  default_language: string;
  logo_url: string;
  primary_color: string;
  accent_color: string;
  text_color: string;
  background_color: string;
  typography: string;
  footer_text: string;
  show_powered_by: boolean;
  comment_policy: string;
  anonymous_comments: boolean;
  anonymous_ratings: boolean;
  reader_signup: boolean;
  authors_moderate_own_posts: boolean;
  blocked_words: string;
}

function formOf(t: TenantRecord): Form {
  return {
    name: t.name,
    default_language: t.default_language,
    logo_url: t.branding.logo_url ?? "",
    primary_color: t.branding.primary_color,
    accent_color: t.branding.accent_color,
    text_color: t.branding.text_color,
    background_color: t.branding.background_color,
    typography: t.branding.typography,
    footer_text: t.branding.footer_text,
    show_powered_by: t.branding.show_powered_by,
    comment_policy: t.settings.comment_policy,
    anonymous_comments: t.settings.anonymous_comments,
    anonymous_ratings: t.settings.anonymous_ratings,
    reader_signup: t.settings.reader_signup,
    authors_moderate_own_posts: t.settings.authors_moderate_own_posts,
    blocked_words: t.settings.blocked_words.join("\n"),
  };
}

function Contrast({ a, b }: { a: string; b: string }) {
  const f = useI18n();
  const ratio = contrastRatio(a, b);
  if (ratio === null) return null;
  return (
    <span className={ratio >= 4.5 ? "contrast contrast--ok" : "contrast contrast--low"}>
      {f.t("branding.contrast", { ratio: f.number(ratio, 1), verdict: ratio >= 4.5 ? f.t("branding.contrastOk") : f.t("branding.contrastLow") })}
    </span>
  );
}

function BrandPreview({ form }: { form: Form }) {
  const f = useI18n();
  const colours = {
    primary_color: isHexColour(form.primary_color) ? form.primary_color : "#000000",
    accent_color: isHexColour(form.accent_color) ? form.accent_color : "#000000",
    text_color: isHexColour(form.text_color) ? form.text_color : "#000000",
    background_color: isHexColour(form.background_color) ? form.background_color : "#ffffff",
    typography: form.typography,
  };
  return (
    <section className="preview" aria-labelledby="brand-preview">
      <h2 id="brand-preview">{f.t("branding.preview")}</h2>
      <div className="theme-preview theme-preview--site" style={brandStyle(colours)} data-testid="brand-preview">
        <header className="theme-preview__header">
          {form.logo_url ? <img src={form.logo_url} alt="" width={40} height={40} /> : null}
          <strong>{form.name}</strong>
        </header>
        <h3 className="theme-preview__title">{f.t("branding.previewTitle", { name: form.name })}</h3>
        <p>{f.t("branding.previewBody")}</p>
        <p>
          <a href="#brand-preview" onClick={(e) => e.preventDefault()}>{f.t("branding.previewLink")}</a>{" "}
          <span className="theme-preview__button">{f.t("branding.previewButton")}</span>{" "}
          <mark>{f.t("branding.accent")}</mark>
        </p>
        <footer className="theme-preview__footer">
          {form.footer_text}
          {form.show_powered_by ? " · Causerie" : ""}
        </footer>
      </div>
      <ul className="plain-list">
        <li>{f.t("branding.text")}: <Contrast a={colours.text_color} b={colours.background_color} /></li>
        <li>{f.t("branding.primary")}: <Contrast a={colours.primary_color} b={colours.background_color} /></li>
      </ul>
    </section>
  );
}

function BrandingForm({ tenant }: { tenant: TenantRecord }) {
  const f = useI18n();
  const { slug } = useTenant();
  const update = useUpdateTenant(slug);
  const [form, setForm] = useState<Form>(() => formOf(tenant));
  const [done, setDone] = useState("");
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((old) => ({ ...old, [key]: value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    setDone("");
    update.mutate(
      {
        name: form.name,
        default_language: form.default_language as "fr",
        branding: {
          logo_url: form.logo_url.trim() || null,
          primary_color: form.primary_color,
          accent_color: form.accent_color,
          text_color: form.text_color,
          background_color: form.background_color,
          typography: form.typography as "system",
          footer_text: form.footer_text,
          show_powered_by: form.show_powered_by,
        },
        settings: {
          comment_policy: form.comment_policy as "open",
          anonymous_comments: form.anonymous_comments,
          anonymous_ratings: form.anonymous_ratings,
          reader_signup: form.reader_signup,
          authors_moderate_own_posts: form.authors_moderate_own_posts,
          blocked_words: form.blocked_words.split("\n").map((w) => w.trim()).filter(Boolean),
        },
      },
      { onSuccess: (t) => { setForm(formOf(t)); setDone(f.t("branding.saved")); } },
    );
  }

  const check = (key: keyof Form, label: MessageKey) => (
    <div className="field field--check">
      <input id={`set-${key}`} type="checkbox" checked={Boolean(form[key])} onChange={(e) => set(key, e.target.checked as never)} />
      <label htmlFor={`set-${key}`}>{f.t(label)}</label>
    </div>
  );

  return (
    <div className="editor">
      <form className="form editor__form" onSubmit={submit}>
        <fieldset>
          <legend>{f.t("branding.brand")}</legend>
          <div className="field">
            <label htmlFor="brand-name">{f.t("branding.name")}</label>
            <input id="brand-name" value={form.name} onChange={(e) => set("name", e.target.value)} required maxLength={200} />
          </div>
          <div className="field">
            <label htmlFor="brand-logo">{f.t("branding.logo")}</label>
            <input id="brand-logo" type="url" value={form.logo_url} onChange={(e) => set("logo_url", e.target.value)} />
          </div>
          {COLOURS.map(({ key, label }) => (
            <div className="field field--inline" key={key}>
              <label htmlFor={`brand-${key}`}>{f.t(label)}</label>
              <input id={`brand-${key}`} value={form[key]} onChange={(e) => set(key, e.target.value)} pattern="#[0-9a-fA-F]{6}" size={9} aria-invalid={!isHexColour(form[key])} />
              <input type="color" aria-label={`${f.t(label)} (picker)`} value={isHexColour(form[key]) ? form[key] : "#000000"} onChange={(e) => set(key, e.target.value)} />
            </div>
          ))}
          <div className="field field--inline">
            <label htmlFor="brand-typography">{f.t("branding.typography")}</label>
            <select id="brand-typography" value={form.typography} onChange={(e) => set("typography", e.target.value)}>
              {TYPOGRAPHIES.map((t) => (
                <option key={t} value={t}>
                  {f.t(`typography.${t}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="brand-footer">{f.t("branding.footer")}</label>
            <textarea id="brand-footer" value={form.footer_text} onChange={(e) => set("footer_text", e.target.value)} rows={2} maxLength={500} />
          </div>
          {check("show_powered_by", "branding.poweredBy")}
          <div className="field field--inline">
            <label htmlFor="brand-language">{f.t("branding.language")}</label>
            <select id="brand-language" value={form.default_language} onChange={(e) => set("default_language", e.target.value)}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {f.t(`language.${l}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
        </fieldset>
        <fieldset>
          <legend>{f.t("branding.settings")}</legend>
          <div className="field field--inline">
            <label htmlFor="set-policy">{f.t("branding.policy")}</label>
            <select id="set-policy" value={form.comment_policy} onChange={(e) => set("comment_policy", e.target.value)}>
              {POLICIES.map((p) => (
                <option key={p} value={p}>
                  {f.t(`policy.${p}`)}
                </option>
              ))}
            </select>
          </div>
          {check("anonymous_comments", "branding.anonComments")}
          {check("anonymous_ratings", "branding.anonRatings")}
          {check("reader_signup", "branding.signup")}
          {check("authors_moderate_own_posts", "branding.authorsModerate")}
          <div className="field">
            <label htmlFor="set-blocked">{f.t("branding.blocked")}</label>
            <textarea id="set-blocked" value={form.blocked_words} onChange={(e) => set("blocked_words", e.target.value)} rows={4} />
          </div>
        </fieldset>
        {update.error ? <ErrorNotice error={update.error} /> : null}
        <StatusLine testId="branding-saved">{done}</StatusLine>
        <button type="submit" className="button" disabled={update.isPending}>
          {update.isPending ? f.t("state.saving") : f.t("action.save")}
        </button>
      </form>
      <BrandPreview form={form} />
    </div>
  );
}

export function BrandingPage() {
  const f = useI18n();
  const { slug } = useTenant();
  const tenant = useTenantRecord(slug);
  return (
    <Page title={f.t("branding.title")} wide>
      {tenant.isPending ? (
        <Loading />
      ) : tenant.error || !tenant.data ? (
        <ErrorNotice error={tenant.error} onRetry={() => void tenant.refetch()} />
      ) : (
        <BrandingForm key={tenant.data.id} tenant={tenant.data} />
      )}
    </Page>
  );
}
