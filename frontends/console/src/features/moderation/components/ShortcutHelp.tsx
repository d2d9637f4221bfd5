import { useI18n, type MessageKey } from "../../../shared/i18n";
import { SHORTCUT_HELP } from "../shortcuts";

/** The keyboard shortcuts, always listed on screen (not hidden behind a "?" key). */
export function ShortcutHelp() {
  const f = useI18n();
  return (
    <details className="shortcuts" open>
      <summary>{f.t("moderation.shortcuts")}</summary>
      <p>{f.t("moderation.shortcut.help")}</p>
      <dl>
        {SHORTCUT_HELP.map((s) => (
          <div key={s.what}>
            <dt>
              {s.keys.map((k, i) => (
                <span key={k}>
                  {i ? " / " : ""}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{f.t(s.what as MessageKey)}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
