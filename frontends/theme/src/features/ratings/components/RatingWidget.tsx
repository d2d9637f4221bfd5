/**
 * The star rating of a post: the average and the 1-5 histogram for everyone, and a
 * radio group to vote for those allowed to. Native radio inputs give the keyboard
 * behaviour for free (Tab into the group, arrow keys to move and choose).
 */
import { useState } from "react";
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
  const [thanked, setThanked] = useState(false);
  const rate = useRate(slug, postId, !signedIn);

  if (!config.features.ratings) return null;

  function vote(stars: number | null) {
    rate.mutate(stars, {
      onSuccess: (answer) => {
        setOverride({
          count: answer.summary.count,
          average: answer.summary.average,
          histogram: answer.summary.histogram,
        });
        setThanked(answer.stars != null);
        onChanged?.();
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 404) onGone?.();
      },
    });
  }

  const most = Math.max(1, ...shown.histogram);
  return (
    <section className="rating" aria-labelledby="rating-title">
      <h2 id="rating-title">{f.t("rating.legend")}</h2>
      <p className="rating__summary" data-testid="rating-summary">
        {shown.count > 0 && shown.average != null
          ? f.t("rating.summary", {
              average: f.number(shown.average, 1),
              count: f.number(shown.count),
            })
          : f.t("rating.none")}
      </p>
      <table className="rating__histogram">
        <caption className="visually-hidden">{f.t("rating.histogram")}</caption>
        <tbody>
          {[...STARS].reverse().map((n) => {
            const votes = shown.histogram[n - 1] ?? 0;
            return (
              <tr key={n}>
                <th scope="row">{n === 1 ? f.t("rating.star1") : f.t("rating.star", { n })}</th>
                <td>
                  <span className="rating__bar" style={{ width: `${(votes / most) * 100}%` }} />
                </td>
                <td className="rating__count">{f.number(votes)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {canVote ? (
        <form className="rating__vote" onSubmit={(e) => e.preventDefault()}>
          <fieldset disabled={rate.isPending}>
            <div className="stars" role="radiogroup" aria-label={f.t("rating.legend")}>
              {STARS.map((n) => (
                <label key={n} className={`stars__star${mine !== null && n <= mine ? " is-on" : ""}`}>
                  <input
                    type="radio"
                    name={`rating-${postId}`}
                    value={n}
                    checked={mine === n}
                    onChange={() => vote(n)}
                  />
                  <span aria-hidden="true">★</span>
                  <span className="visually-hidden">
                    {n === 1 ? f.t("rating.star1") : f.t("rating.star", { n })}
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          {mine !== null ? (
            <p>
              {f.t("rating.yours", { n: mine })}{" "}
              <button type="button" className="button button--link" onClick={() => vote(null)}>
                {f.t("rating.withdraw")}
              </button>
            </p>
          ) : null}
          <div aria-live="polite">
            {thanked && !rate.isError ? <p className="notice">{f.t("rating.thanks")}</p> : null}
          </div>
          {rate.isError ? <ErrorNotice error={rate.error} /> : null}
        </form>
      ) : (
        <p>
          <Link to="/signin">{f.t("rating.signIn")}</Link>
        </p>
      )}
    </section>
  );
}
