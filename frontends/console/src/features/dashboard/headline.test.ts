import { describe, expect, it } from "vitest";

import { formatter } from "../../shared/i18n";
import { changeText, figureText, trendOf, type HeadlineFigure } from "./headline";

const en = formatter("en");
const fr = formatter("fr");
const figure = (over: Partial<HeadlineFigure>): HeadlineFigure => ({
  name: "comments",
  current: 10,
  previous: 8,
  change: 2,
  change_share: 0.25,
  ...over,
});

describe("headline tiles", () => {
  it("says a rise or a fall as a share of the previous period", () => {
    expect(changeText(en, figure({}), 30)).toBe("up 25 % on the previous 30 days");
    expect(changeText(fr, figure({ change: -2, change_share: -0.2 }), 7)).toBe("en baisse de 20 % sur les 7 jours précédents");
  });

  it("gives the difference itself when the previous figure was zero", () => {
    expect(changeText(en, figure({ previous: 0, change: 3, change_share: null }), 30)).toBe("up 3 on the previous 30 days");
    expect(changeText(en, figure({ name: "weighted_rating", change: 0.25, change_share: null }), 7)).toBe("up 0.3 on the previous 7 days");
  });

  it("says when there is nothing to compare, or no change", () => {
    expect(trendOf(figure({ change: null }))).toBe("none");
    expect(changeText(en, figure({ change: null, change_share: null }), 30)).toBe("nothing to compare in the previous 30 days");
    expect(changeText(en, figure({ change: 0, change_share: 0 }), 30)).toBe("as in the previous 30 days");
  });

  it("writes ratings with a decimal and decision times in minutes", () => {
    expect(figureText(en, "weighted_rating", 3.333)).toBe("3.3");
    expect(figureText(fr, "median_minutes_to_decision", 5055)).toBe("5\u202f055 min");
    expect(figureText(en, "median_minutes_to_decision", 1.5)).toBe("1.5 min");
    expect(figureText(en, "reads", null)).toBe("—");
  });
});
