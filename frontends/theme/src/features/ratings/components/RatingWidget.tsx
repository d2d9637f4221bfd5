/**
 * The star rating of a post: the average and the 1-5 histogram for everyone, and a
 * radio group to vote for those allowed to.
 *
 * A native radio group gives the keyboard behaviour (Tab into the group, arrow keys to
 * move), but the browser checks a radio on every arrow key: voting there would send
 * one vote per key press. So the keyboard only *chooses*; Enter (or the "Send" button)
 * sends the chosen stars once. A pointer click sends at once (the browser's synthetic
 * click of an arrow key has `detail === 0`, a real click does not). The group is never
 * disabled while the vote travels (that would drop the focus to <body>), and the
 * outcome is announced in a live region.
 */
import { useState, type FormEvent, type MouseEvent } from "react";
import { Link } from "react-router";

import { ErrorNotice } from "../../../shared/components/ErrorNotice";
import { ApiError } from "../../../shared/api";
import { useI18n } from "../../../shared/i18n";
import { useSignedIn } from "../../../shared/session";
import { useSite } from "../../../shared/site";
import { useMyVote, useRate, type RatingSummary } from "../api/ratings";

const STARS = [1, 2, 3, 4, 5] as const;

export function RatingWidget({
  postId,
  summary,
  onChanged,
  onGone,
}: {
  postId: string;
  summary: RatingSummary;
  /** The post's summary changed (refetch what shows it). */
  onChanged?: () => void;
  /** The post no longer exists (the vote answered 404). */
  onGone?: () => void;
}) {
  const { slug, config } = useSite();
  const f = useI18n();
  const signedIn = useSignedIn();
  const canVote = signedIn || config.features.anonymous_ratings;
  const myVote = useMyVote(slug, postId, !signedIn, canVote && config.features.ratings);
  const mine = myVote.data ?? null;
  const [override, setOverride] = useState<RatingSummary | null>(null);
  const shown = override ?? summary;
  // The stars chosen with the keyboard and not sent yet.
  const [chosen, setChosen] = useState<number | null>(null);
  const [announce, setAnnounce] = useState("");
  const rate = useRate(slug, postId, !signedIn);

  if (!config.features.ratings) return null;
  const checked = chosen ?? mine;

  function vote(stars: number | null) {
    if (rate.isPending) return;
    setAnnounce("");
    rate.mutate(stars, {
      onSuccess: (answer) => {
        setOverride({
          count: answer.summary.count,
          average: answer.summary.average,
          histogram: answer.summary.histogram,
        });
        setChosen(null);
        setAnnounce(
          answer.stars != null
            ? f.t("rating.sent", { stars: f.plural("rating.star", answer.stars) })
            : f.t("rating.withdrawn"),
        );
        onChanged?.();
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 404) onGone?.();
      },
    });
  }

  function onStarClick(event: MouseEvent<HTMLInputElement>, n: number) {
    // detail 0: the click the browser makes for an arrow key or Space, only a choice.
    if (event.detail === 0) return;
    vote(n);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (chosen !== null && chosen !== mine) vote(chosen);
  }

  const most = Math.max(1, ...shown.histogram);
  const pending = chosen !== null && chosen !== mine;
  return (
    <section className="rating" aria-labelledby="rating-title">
      <h2 id="rating-title">{f.t("rating.legend")}</h2>
      <div className="rating__grid">
        <div>
          <p className="rating__summary" data-testid="rating-summary">
            {shown.count > 0 && shown.average != null
              ? f.plural("rating.summary", shown.count, { average: f.number(shown.average, 1) })
              : f.t("rating.none")}
          </p>
          <table className="rating__histogram">
            <caption className="visually-hidden">{f.t("rating.histogram")}</caption>
            <tbody>
              {[...STARS].reverse().map((n) => {
                const votes = shown.histogram[n - 1] ?? 0;
                return (
                  <tr key={n}>
                    <th scope="row">{f.plural("rating.star", n)}</th>
                    <td>
                      <span className="rating__track">
                        <span className="rating__bar" style={{ width: `${(votes / most) * 100}%` }} />
                      </span>
                    </td>
                    <td className="rating__count">{f.number(votes)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {canVote ? (
          <form className="rating__vote" onSubmit={submit} aria-busy={rate.isPending}>
            <div className="stars" role="radiogroup" aria-label={f.t("rating.legend")}>
              {STARS.map((n) => (
                <label key={n} className={`stars__star${checked !== null && n <= checked ? " is-on" : ""}`}>
                  <input
                    type="radio"
                    name={`rating-${postId}`}
                    value={n}
                    checked={checked === n}
                    onChange={() => setChosen(n)}
                    onClick={(event) => onStarClick(event, n)}
                  />
                  <span aria-hidden="true">★</span>
                  <span className="visually-hidden">{f.plural("rating.star", n)}</span>
                </label>
              ))}
            </div>
            <p className="rating__actions">
              {pending ? (
                <button type="submit" className="button">
                  {f.t("rating.send")}
                </button>
              ) : null}
              {mine !== null && !pending ? (
                <>
                  <span>{f.t("rating.yours", { n: mine })}</span>{" "}
                  <button type="button" className="button button--link" onClick={() => vote(null)}>
                    {f.t("rating.withdraw")}
                  </button>
                </>
              ) : null}
            </p>
            <p className="visually-hidden" aria-live="polite">
              {pending ? f.t("rating.chosen", { stars: f.plural("rating.star", chosen) }) : ""}
            </p>
            <div aria-live="polite" role="status" data-testid="rating-status">
              {announce && !rate.isError ? <p className="notice">{announce}</p> : null}
            </div>
            {rate.isError ? <ErrorNotice error={rate.error} /> : null}
          </form>
        ) : (
          <p>
            <Link to="/signin">{f.t("rating.signIn")}</Link>
          </p>
        )}
      </div>
    </section>
  );
}
