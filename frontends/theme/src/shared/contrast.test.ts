import { describe, expect, it } from "vitest";

import { contrastRatio, parseHex, readableOn, themeColours, type Rgb } from "./contrast";

function ratio(a: string, b: string): number {
  return contrastRatio(parseHex(a) as Rgb, parseHex(b) as Rgb);
}

describe("contrastRatio", () => {
  it("matches the WCAG reference values", () => {
    expect(ratio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(ratio("#ffffff", "#ffffff")).toBeCloseTo(1, 5);
    // #767676 on white is the classic lightest grey that passes AA.
    expect(ratio("#767676", "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(ratio("#777777", "#ffffff")).toBeLessThan(4.5);
  });
});

describe("themeColours", () => {
  it("keeps a readable tenant pair as it is", () => {
    const colours = themeColours({ text_color: "#1a1a1a", background_color: "#fdf6e3" });
    expect(colours.text).toBe("#1a1a1a");
    expect(colours.background).toBe("#fdf6e3");
    expect(colours.textReplaced).toBe(false);
  });

  it("turns white text on white into a readable pair", () => {
    const colours = themeColours({
      text_color: "#ffffff",
      background_color: "#ffffff",
      primary_color: "#ffffff",
      accent_color: "#fefefe",
    });
    expect(colours.textReplaced).toBe(true);
    expect(ratio(colours.text, colours.background)).toBeGreaterThanOrEqual(4.5);
    expect(ratio(colours.link, colours.background)).toBeGreaterThanOrEqual(4.5);
    expect(ratio(colours.buttonText, colours.buttonBackground)).toBeGreaterThanOrEqual(4.5);
    expect(ratio(colours.muted, colours.background)).toBeGreaterThanOrEqual(4.5);
  });

  it("holds for any pair a tenant may pick", () => {
    const samples = ["#000000", "#ffffff", "#777777", "#ff0000", "#00ff00", "#0000ff", "#ffff00",
      "#7a2e8e", "#e07a1f", "#123456", "#808080", "#f0f0f0"];
    for (const text of samples) {
      for (const background of samples) {
        for (const primary of samples) {
          const c = themeColours({ text_color: text, background_color: background, primary_color: primary });
          expect(ratio(c.text, c.background)).toBeGreaterThanOrEqual(4.5);
          expect(ratio(c.link, c.background)).toBeGreaterThanOrEqual(4.5);
          expect(ratio(c.muted, c.background)).toBeGreaterThanOrEqual(4.5);
          expect(ratio(c.buttonText, c.buttonBackground)).toBeGreaterThanOrEqual(4.5);
        }
      }
    }
  });

  it("falls back to defaults on malformed colours", () => {
    const colours = themeColours({ text_color: "red", background_color: "url(x)" });
    expect(colours.background).toBe("#ffffff");
    expect(colours.text).toBe("#1a1a1a");
  });
});

describe("readableOn", () => {
  it("darkens a pale brand colour on white", () => {
    const pale = parseHex("#ffd27f") as Rgb;
    const white = parseHex("#ffffff") as Rgb;
    const fixed = readableOn(pale, white);
    expect(contrastRatio(fixed, white)).toBeGreaterThanOrEqual(4.5);
  });
});
