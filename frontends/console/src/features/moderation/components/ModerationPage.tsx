/**
 * The moderation queue: filters (kept in the address), counts per status as badges,
 * a keyboard-driven list with selection and bulk decisions, and the chosen comment in
 * its post and thread with its reports.
 *
 * Every piece of user content (bodies, names, titles, report notes) is rendered as
 * text: the moderator sees exactly what was typed, markup included.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { Badge } from "../../../shared/components/Badge";
import { FilterSelect, useAddressFilters } from "../../../shared/components/FilterSelect";
import { MoreButton } from "../../../shared/components/MoreButton";
import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading, StatusLine } from "../../../shared/components/states";
import { useI18n, type MessageKey } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import {
  SOURCES,
  STATUSES,
  useBlogsForFilter,
  useCounts,
  useDecide,
  usePin,
  usePostsForFilter,
  useQueue,
  type CommentSource,
  type CommentStatus,
  type QueueComment,
  type QueueFilters,
} from "../api/moderation";
import {
  actionsFor,
  actionsForAll,
  cursorAfterChange,
  moveCursor,
  shortcutFor,
  toggled,
  type Decision,
} from "../shortcuts";
import { holdReasonKey } from "../holdReasons";
import { undoable, useUndoOffer } from "../undo";
import { CommentContext } from "./CommentContext";
import { CommenterPanel } from "./CommenterPanel";
import { ReplyBox } from "./ReplyBox";
import { ShortcutHelp } from "./ShortcutHelp";

const TONES_FIRST_NEGATIVE = ["negative", "neutral", "positive"] as const;
const TONE_BADGES: Record<string, string> = { negative: "danger", neutral: "neutral", positive: "success" };
const TONES: Record<string, string> = {
  pending: "warning",
  approved: "success",
  rejected: "danger",
  spam: "danger",
  deleted: "neutral",
  reported: "warning",
};

function isStatus(value: string | null): value is CommentStatus {
  return value !== null && (STATUSES as string[]).includes(value);
}

function isSource(value: string | null): value is CommentSource {
  return value !== null && (SOURCES as string[]).includes(value);
}

function isTone(value: string | null): value is NonNullable<QueueFilters["tone"]> {
  return value !== null && (TONES_FIRST_NEGATIVE as readonly string[]).includes(value);
}


/** Keys that a focused control answers itself (a button's Enter) are not shortcuts there. */
function controlOwnsKey(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  const tag = target?.tagName?.toLowerCase();
  return (event.key === "Enter" || event.key === " ") && (tag === "button" || tag === "a" || tag === "summary");
}

export function ModerationPage() {
  const f = useI18n();
  const { slug, role } = useTenant();
  const judgesPeople = role !== "author";
  // Another blog makes the chosen post meaningless.
  const { params, setFilter } = useAddressFilters({ blog: ["post"] });
  const rawStatus = params.get("status");
  // "reported" is a tab of its own: pending comments held by readers' reports.
  const reportedTab = rawStatus === "reported";
  const filters: QueueFilters = {
    status:
      rawStatus === "all" || reportedTab ? undefined : isStatus(rawStatus) ? rawStatus : "pending",
    ...(reportedTab ? { reported: true } : {}),
    blog: params.get("blog") || undefined,
    post: params.get("post") || undefined,
    author: params.get("author") || undefined,
    tone: isTone(params.get("tone")) ? (params.get("tone") as QueueFilters["tone"]) : undefined,
    source: isSource(params.get("source")) ? (params.get("source") as CommentSource) : undefined,
    q: params.get("q") || undefined,
  };
  const [search, setSearch] = useState(filters.q ?? "");
  const queue = useQueue(slug, filters);
  const counts = useCounts(slug);
  const blogs = useBlogsForFilter(slug);
  const posts = usePostsForFilter(slug, filters.blog);
  const decide = useDecide(slug);
  const items = queue.items;

  const [cursor, setCursor] = useState(0);
  const [selection, setSelection] = useState<Set<string>>(new Set());
  const [openId, setOpenId] = useState<string | null>(null);
  const [personId, setPersonId] = useState<string | null>(null);
  // The comment whose inline staff reply box is open (staff only, visible comments).
  const [replyingId, setReplyingId] = useState<string | null>(null);
  const pin = usePin(slug);
  const [done, setDone] = useState("");
  const undo = useUndoOffer();
  const rows = useRef<(HTMLLIElement | null)[]>([]);
  const listHasFocus = useRef(false);
  const decisionName = useCallback((action: Decision) => f.t(`moderation.decided.${action}` as MessageKey), [f]);

  const filterKey = JSON.stringify(filters);
  useEffect(() => {
    setCursor(0);
    setSelection(new Set());
    setOpenId(null);
  }, [filterKey]);

  useEffect(() => {
    setCursor((c) => cursorAfterChange(c, items.length));
    setSelection((s) => {
      const ids = new Set(items.map((i) => i.id));
      const kept = [...s].filter((id) => ids.has(id));
      return kept.length === s.size ? s : new Set(kept);
    });
  }, [items]);

  useEffect(() => {
    // Focus stays where it is inside the current comment (its reply box, a button).
    const row = rows.current[cursor];
    if (listHasFocus.current && row && !row.contains(document.activeElement)) row.focus();
  }, [cursor, items]);

  const act = useCallback(
    (chosen: QueueComment[], action: Decision) => {
      if (!chosen.length) return;
      const ids = chosen.map((c) => c.id);
      const message =
        chosen.length === 1
          ? f.t("moderation.doneOne", { decision: decisionName(action), name: (chosen[0] as QueueComment).author.name })
          : f.t("moderation.done", { decision: decisionName(action), count: chosen.length });
      decide.mutate(
        { ids, action },
        {
          onSuccess: () => {
            setDone(message);
            setSelection(new Set());
            if (undoable(action)) undo.make({ ids, action, message });
            else undo.clear();
          },
        },
      );
    },
    [decide, f, decisionName, undo],
  );

  const takeBack = useCallback(() => {
    const offer = undo.offer;
    if (!offer) return;
    undo.clear();
    decide.mutate({ ids: offer.ids, action: "restore" }, { onSuccess: () => setDone(f.t("moderation.undone")) });
  }, [undo, decide, f]);

  // The shortcuts answer anywhere on the page (never while typing in a field); the
  // handler reads the latest state through a ref so the listener is added once.
  const onKey = useRef<(event: KeyboardEvent) => void>(() => undefined);
  onKey.current = (event: KeyboardEvent) => {
    const shortcut = shortcutFor(event);
    if (!shortcut || controlOwnsKey(event)) return;
    if (shortcut.type === "decide" && shortcut.action === "restore" && undo.offer) {
      event.preventDefault();
      takeBack();
      return;
    }
    if (!items.length) return;
    event.preventDefault();
    const current = items[cursor];
    switch (shortcut.type) {
      case "move":
        listHasFocus.current = true;
        setCursor((c) => moveCursor(c, shortcut.delta, items.length));
        rows.current[moveCursor(cursor, shortcut.delta, items.length)]?.focus();
        break;
      case "toggle":
        if (current) setSelection((s) => toggled(s, current.id));
        break;
      case "open":
        if (current) {
          setPersonId(null);
          setOpenId(current.id);
        }
        break;
      case "decide": {
        const chosen = selection.size ? items.filter((i) => selection.has(i.id)) : current ? [current] : [];
        if (!actionsForAll(chosen.map((c) => c.status)).includes(shortcut.action)) {
          setDone(f.t("moderation.notApplicable", { action: f.t(`moderation.${shortcut.action}` as MessageKey) }));
          break;
        }
        act(chosen, shortcut.action);
        break;
      }
    }
  };
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey.current(event);
    document.addEventListener("keydown", listener);
    return () => document.removeEventListener("keydown", listener);
  }, []);

  function submitSearch(event: FormEvent) {
    event.preventDefault();
    setFilter("q", search.trim());
  }

  const postTitles = useMemo(() => {
    const map = new Map<string, string>();
    for (const p of posts.data?.items ?? []) map.set(p.id, p.title);
    return map;
  }, [posts.data]);
  const blogTitles = useMemo(() => {
    const map = new Map<string, string>();
    for (const b of blogs.data?.items ?? []) map.set(b.id, b.title);
    return map;
  }, [blogs.data]);

  const statusTab =
    rawStatus === "all" || reportedTab ? rawStatus : (filters.status ?? "pending");
  const allSelected = items.length > 0 && items.every((i) => selection.has(i.id));
  const selectedActions = actionsForAll(items.filter((i) => selection.has(i.id)).map((i) => i.status));

  return (
    <Page title={f.t("moderation.title")} wide>
      <nav className="status-tabs" aria-label={f.t("moderation.status")}>
        <ul>
          {[...STATUSES, "all" as const].map((status) => {
            const count = status === "all" ? null : counts.data?.[status];
            return (
              <li key={status}>
                <button
                  type="button"
                  className="status-tab"
                  aria-pressed={statusTab === status}
                  onClick={() => setFilter("status", status === "pending" ? "" : status)}
                >
                  {status === "all" ? f.t("moderation.any") : f.t(`status.${status}` as MessageKey)}
                  {count != null ? (
                    <Badge tone={TONES[status]} label={`${count}`}>
                      {f.number(count)}
                    </Badge>
                  ) : null}
                </button>
              </li>
            );
          })}
          <li className="status-tabs__reported" data-testid="reported-count">
            <button
              type="button"
              className="status-tab"
              aria-pressed={reportedTab}
              onClick={() => setFilter("status", "reported")}
            >
              {f.t("status.reported")}
              {counts.data ? (
                <Badge tone="warning" label={`${counts.data.reported}`}>
                  {f.number(counts.data.reported)}
                </Badge>
              ) : null}
            </button>
          </li>
        </ul>
      </nav>

      <form className="filters" role="search" aria-label={f.t("moderation.search")} onSubmit={submitSearch}>
        <div className="field field--inline">
          <label htmlFor="mod-q">{f.t("moderation.searchLabel")}</label>
          <input id="mod-q" type="search" value={search} maxLength={200} onChange={(e) => setSearch(e.target.value)} />
          <button type="submit" className="button button--small">{f.t("moderation.searchGo")}</button>
        </div>
      </form>
      <form className="filters filters--row" aria-label={f.t("moderation.filters")} onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          id="mod-tone"
          label={f.t("moderation.tone")}
          anyLabel={f.t("moderation.any")}
          value={filters.tone}
          options={TONES_FIRST_NEGATIVE.map((tone) => ({ value: tone, label: f.t(`tone.${tone}` as MessageKey) }))}
          onChange={(value) => setFilter("tone", value)}
        />
        <FilterSelect
          id="mod-source"
          label={f.t("moderation.channel")}
          anyLabel={f.t("moderation.any")}
          value={filters.source}
          options={SOURCES.map((source) => ({ value: source, label: f.t(`source.${source}` as MessageKey) }))}
          onChange={(value) => setFilter("source", value)}
        />
        <FilterSelect
          id="mod-blog"
          label={f.t("moderation.blog")}
          anyLabel={f.t("moderation.any")}
          value={filters.blog}
          options={(blogs.data?.items ?? []).map((b) => ({ value: b.id, label: b.title }))}
          onChange={(value) => setFilter("blog", value)}
        />
        <FilterSelect
          id="mod-post"
          label={f.t("moderation.post")}
          anyLabel={f.t("moderation.any")}
          value={filters.post}
          options={(posts.data?.items ?? []).map((p) => ({ value: p.id, label: p.title }))}
          onChange={(value) => setFilter("post", value)}
        />
        {filters.author ? (
          // Set from a comment's "Their comments" button; named after that commenter.
          <p className="field field--inline" data-testid="author-filter">
            {f.t("moderation.byCommenter", {
              name: items.find((c) => c.author.user_id === filters.author)?.author.name ?? "…",
            })}{" "}
            <button type="button" className="button button--small" onClick={() => setFilter("author", "")}>
              {f.t("moderation.clearCommenter")}
            </button>
          </p>
        ) : null}
      </form>

      <ShortcutHelp />

      <div className="bulk-bar" role="toolbar" aria-label={f.t("moderation.bulk")}>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={allSelected}
            onChange={() => setSelection(allSelected ? new Set() : new Set(items.map((i) => i.id)))}
            disabled={!items.length}
          />
          {f.t("moderation.selectAll")}
        </label>
        <span aria-live="polite">{f.t("moderation.selected", { count: selection.size })}</span>
        {(selection.size ? selectedActions : actionsFor("pending")).map((action) => (
          <button
            key={action}
            type="button"
            className="button button--small"
            disabled={!selection.size || decide.isPending}
            onClick={() => act(items.filter((i) => selection.has(i.id)), action)}
          >
            {f.t(`moderation.${action}` as MessageKey)}
          </button>
        ))}
      </div>
      <div className="decision-line">
        <StatusLine testId="moderation-done">{done}</StatusLine>
        {undo.offer ? (
          <button type="button" className="button button--small button--secondary" onClick={takeBack} disabled={decide.isPending}>
            {f.t("moderation.undo")}
          </button>
        ) : null}
      </div>
      {decide.error ? <ErrorNotice error={decide.error} /> : null}
      {pin.error ? <ErrorNotice error={pin.error} /> : null}

      <div className="split">
        <section className="split__list" aria-labelledby="queue-heading">
          <h2 id="queue-heading">{f.t("moderation.queue")}</h2>
          {queue.isPending ? (
            <Loading />
          ) : queue.error ? (
            <ErrorNotice error={queue.error} onRetry={() => void queue.refetch()} />
          ) : !items.length ? (
            <Empty>{f.t("moderation.empty")}</Empty>
          ) : (
            <ul
              className="queue"
              aria-label={f.t("moderation.queue")}
              onFocus={() => (listHasFocus.current = true)}
              onBlur={() => (listHasFocus.current = false)}
              data-testid="queue"
            >
              {items.map((comment, index) => {
                const selected = selection.has(comment.id);
                return (
                  <li
                    key={comment.id}
                    ref={(el) => {
                      rows.current[index] = el;
                    }}
                    tabIndex={index === cursor ? 0 : -1}
                    className={`queue__item${index === cursor ? " queue__item--current" : ""}${
                      openId === comment.id ? " queue__item--open" : ""
                    }`}
                    aria-current={index === cursor ? "true" : undefined}
                    data-testid="queue-item"
                    onClick={() => setCursor(index)}
                    onFocus={() => setCursor(index)}
                  >
                    <div className="queue__head">
                      <label className="checkbox">
                        <input
                          type="checkbox"
                          checked={selected}
                          onChange={() => setSelection((s) => toggled(s, comment.id))}
                        />
                        <span className="visually-hidden">{`${f.t("moderation.select")} — ${comment.author.name}`}</span>
                      </label>
                      <strong className="queue__author">
                        {comment.author.name}
                        {comment.author.user_id ? null : ` (${f.t("moderation.anonymous")})`}
                      </strong>
                      <Badge tone={TONES[comment.status]}>{f.t(`status.${comment.status}` as MessageKey)}</Badge>
                      {comment.staff ? <Badge tone="neutral">{f.t("moderation.staff")}</Badge> : null}
                      <Badge tone="neutral" label={f.t("moderation.channelOf", { channel: f.t(`source.${comment.source ?? "web"}` as MessageKey) })}>
                        {f.t(`source.${comment.source ?? "web"}` as MessageKey)}
                      </Badge>
                      {comment.author.handle ? (
                        <span className="queue__origin" translate="no">
                          {comment.author.url ? (
                            <a href={comment.author.url} rel="nofollow ugc noopener noreferrer" target="_blank">{comment.author.handle}</a>
                          ) : comment.author.handle}
                        </span>
                      ) : null}
                      {comment.pinned ? <Badge tone="success">{f.t("moderation.pinned")}</Badge> : null}
                      {comment.tone ? (
                        <Badge tone={TONE_BADGES[comment.tone]} label={f.t("moderation.toneOf", { tone: f.t(`tone.${comment.tone}` as MessageKey) })}>
                          {f.t(`tone.${comment.tone}` as MessageKey)}
                        </Badge>
                      ) : null}
                      {comment.open_reports ? (
                        <Badge tone="warning">{f.t("moderation.openReports", { count: comment.open_reports })}</Badge>
                      ) : null}
                      <time dateTime={comment.created_at}>{f.dateTime(comment.created_at)}</time>
                    </div>
                    <p className="queue__body">{comment.body_markdown}</p>
                    <p className="queue__where">
                      {postTitles.get(comment.post_id) ?? ""}
                      {comment.blog_id && blogTitles.get(comment.blog_id) ? ` · ${blogTitles.get(comment.blog_id)}` : ""}
                      {comment.held_reason && comment.status !== "approved" && holdReasonKey(comment.held_reason)
                        ? ` · ${f.t(holdReasonKey(comment.held_reason) as MessageKey)}`
                        : ""}
                    </p>
                    <div className="queue__actions">
                      {actionsFor(comment.status).map((action) => (
                        <button
                          key={action}
                          type="button"
                          className="button button--small button--secondary"
                          onClick={(e) => {
                            e.stopPropagation();
                            act([comment], action);
                          }}
                          disabled={decide.isPending}
                          aria-label={`${f.t(`moderation.${action}` as MessageKey)} — ${comment.author.name}`}
                        >
                          {f.t(`moderation.${action}` as MessageKey)}
                        </button>
                      ))}
                      <button
                        type="button"
                        className="button button--small button--link"
                        onClick={(e) => {
                          e.stopPropagation();
                          setPersonId(null);
                          setOpenId(comment.id);
                        }}
                      >
                        {f.t("moderation.context")}
                      </button>
                      {comment.author.user_id ? (
                        <button
                          type="button"
                          className="button button--small button--link"
                          aria-label={`${f.t("moderation.author")} — ${comment.author.name}`}
                          onClick={(e) => {
                            e.stopPropagation();
                            setFilter("author", comment.author.user_id as string);
                          }}
                        >
                          {f.t("moderation.author")}
                        </button>
                      ) : null}
                      {judgesPeople && comment.status === "approved" && comment.depth < 2 ? (
                        <button
                          type="button"
                          className="button button--small button--secondary"
                          aria-label={`${f.t("moderation.reply")} — ${comment.author.name}`}
                          aria-expanded={replyingId === comment.id}
                          data-testid="reply-open"
                          onClick={(e) => {
                            e.stopPropagation();
                            setReplyingId(replyingId === comment.id ? null : comment.id);
                          }}
                        >
                          {f.t("moderation.reply")}
                        </button>
                      ) : null}
                      {judgesPeople && comment.status === "approved" && comment.depth === 0 ? (
                        <button
                          type="button"
                          className="button button--small button--secondary"
                          aria-label={`${f.t(comment.pinned ? "moderation.unpin" : "moderation.pin")} — ${comment.author.name}`}
                          aria-pressed={comment.pinned}
                          disabled={pin.isPending}
                          data-testid="pin-toggle"
                          onClick={(e) => {
                            e.stopPropagation();
                            pin.mutate(
                              { postId: comment.post_id, commentId: comment.id, pin: !comment.pinned },
                              {
                                onSuccess: (pinned) =>
                                  setDone(f.t(pinned ? "moderation.pinnedDone" : "moderation.unpinnedDone")),
                              },
                            );
                          }}
                        >
                          {f.t(comment.pinned ? "moderation.unpin" : "moderation.pin")}
                        </button>
                      ) : null}
                      {comment.author.user_id && judgesPeople ? (
                        <button
                          type="button"
                          className="button button--small button--link"
                          aria-label={`${f.t("commenter.open")} — ${comment.author.name}`}
                          onClick={(e) => {
                            e.stopPropagation();
                            setOpenId(null);
                            setPersonId(comment.author.user_id as string);
                          }}
                        >
                          {f.t("commenter.open")}
                        </button>
                      ) : null}
                    </div>
                    {replyingId === comment.id ? (
                      <ReplyBox
                        comment={comment}
                        onClose={() => setReplyingId(null)}
                        onSent={(message) => {
                          setReplyingId(null);
                          setDone(message);
                        }}
                      />
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
          {queue.hasNextPage ? (
            <MoreButton onClick={() => void queue.fetchNextPage()} busy={queue.isFetchingNextPage} />
          ) : null}
        </section>
        <section className="split__detail" aria-labelledby="detail-heading">
          <h2 id="detail-heading">{f.t("moderation.context")}</h2>
          {personId ? (
            <CommenterPanel userId={personId} onClose={() => setPersonId(null)} />
          ) : openId ? (
            <CommentContext id={openId} onClose={() => setOpenId(null)} />
          ) : (
            <Empty>{f.t("moderation.placeholder")}</Empty>
          )}
        </section>
      </div>
    </Page>
  );
}
