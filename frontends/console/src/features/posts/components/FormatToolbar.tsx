/**
 * The Markdown toolbar above the body: one tab stop (the arrow keys, Home and End move
 * between its buttons, as in the WAI toolbar pattern), each button named by its visible
 * word, and Ctrl+B, Ctrl+I and Ctrl+K (⌘ on a Mac) in the text itself.
 *
 * An edit goes through the browser's own "insert text" command when it has one, so the
 * browser's undo (Ctrl+Z) takes it back; otherwise the new text is handed to `onChange`.
 */
import { useRef, useState, type KeyboardEvent, type RefObject } from "react";

import { useI18n, type MessageKey } from "../../../shared/i18n";
import { FORMATS, SHORTCUTS, applied, formatEdit, shortcutFormat, type Format } from "../markdown";

const PLACEHOLDER: Record<Format, MessageKey> = {
  bold: "toolbar.boldText",
  italic: "toolbar.italicText",
  link: "toolbar.linkText",
  heading: "toolbar.headingText",
  list: "toolbar.listText",
  quote: "toolbar.quoteText",
  code: "toolbar.codeText",
  image: "toolbar.imageText",
};

/** Apply a format to the textarea, keeping the browser's undo where it can. */
export function useFormatter(area: RefObject<HTMLTextAreaElement | null>, onChange: (text: string) => void) {
  const f = useI18n();
  return (format: Format) => {
    const el = area.current;
    if (!el || el.readOnly) return;
    const edit = formatEdit(el.value, el.selectionStart, el.selectionEnd, format, f.t(PLACEHOLDER[format]));
    const expected = applied(el.value, edit);
    el.focus();
    el.setSelectionRange(edit.from, edit.to);
    let done = false;
    try {
      done = typeof document.execCommand === "function" && document.execCommand("insertText", false, edit.insert);
    } catch {
      done = false;
    }
    if (!done || el.value !== expected) {
      onChange(expected);
      requestAnimationFrame(() => area.current?.setSelectionRange(edit.selectStart, edit.selectEnd));
    } else {
      el.setSelectionRange(edit.selectStart, edit.selectEnd);
    }
  };
}

/** Ctrl/⌘ + B, I, K in the body: the key handler for the textarea. */
export function shortcutHandler(apply: (format: Format) => void) {
  return (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    const format = shortcutFormat(event.key);
    if (!format) return;
    event.preventDefault();
    apply(format);
  };
}

export function FormatToolbar({ controls, onFormat }: { controls: string; onFormat: (format: Format) => void }) {
  const f = useI18n();
  const [current, setCurrent] = useState(0);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);

  function move(event: KeyboardEvent<HTMLDivElement>) {
    const last = FORMATS.length - 1;
    const next =
      event.key === "ArrowRight" ? (current === last ? 0 : current + 1)
      : event.key === "ArrowLeft" ? (current === 0 ? last : current - 1)
      : event.key === "Home" ? 0
      : event.key === "End" ? last
      : null;
    if (next === null) return;
    event.preventDefault();
    setCurrent(next);
    buttons.current[next]?.focus();
  }

  return (
    <div className="toolbar" role="toolbar" aria-label={f.t("toolbar.label")} aria-controls={controls} onKeyDown={move} data-testid="format-toolbar">
      {FORMATS.map((format, i) => {
        const key = SHORTCUTS[format];
        return (
          <button
            key={format}
            ref={(el) => {
              buttons.current[i] = el;
            }}
            type="button"
            className={`toolbar__button toolbar__button--${format}`}
            tabIndex={i === current ? 0 : -1}
            aria-keyshortcuts={key ? `Control+${key.toUpperCase()} Meta+${key.toUpperCase()}` : undefined}
            onFocus={() => setCurrent(i)}
            // Keep the selection in the text while the pointer presses the button.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => onFormat(format)}
          >
            {f.t(`toolbar.${format}`)}
          </button>
        );
      })}
    </div>
  );
}
