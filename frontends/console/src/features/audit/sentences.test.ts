import { describe, expect, it } from "vitest";

import { translate, type Language, type MessageKey, type Params } from "../../shared/i18n";
import { KNOWN_ACTIONS, sentence } from "./sentences";

const t = (language: Language) => (key: MessageKey, params?: Params) => translate(language, key, params);
const entry = { actor_name: "Alice Auteur", target_label: "Naxos hors saison", target_type: "post", details: {} };

describe("audit sentences", () => {
  it("read as who did what to what, in both languages", () => {
    expect(sentence({ ...entry, action: "post.published" }, t("en"))).toBe("Alice Auteur published “Naxos hors saison”");
    expect(sentence({ ...entry, action: "post.published" }, t("fr"))).toBe("Alice Auteur a publié « Naxos hors saison »");
  });
  it("every known action has its own sentence naming the actor, in each language", () => {
    for (const action of KNOWN_ACTIONS) {
      for (const language of ["en", "fr"] as const) {
        const text = sentence({ ...entry, action }, t(language));
        expect(text, `${language} ${action}`).toContain("Alice Auteur");
        expect(text, `${language} ${action}`).not.toContain(action);
      }
    }
  });
  it("reads a webhook entry as a sentence", () => {
    expect(sentence({ ...entry, action: "webhook.endpoint_disabled", actor_name: null, target_label: null, target_type: "webhook" }, t("en"))).toBe(
      "someone disabled a webhook endpoint that kept failing",
    );
  });

  it("falls back to a named resource, a detail, or the code of an unknown action", () => {
    expect(sentence({ ...entry, action: "domain.added", target_label: null, target_type: "domain", details: { host: "blog.example.com" } }, t("en"))).toBe(
      "Alice Auteur added the domain blog.example.com",
    );
    expect(sentence({ ...entry, action: "newsletter.sent", actor_name: null, target_label: null, target_type: "newsletter" }, t("fr"))).toBe(
      "quelqu’un : newsletter.sent (newsletter)",
    );
  });
});
