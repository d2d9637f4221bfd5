import { describe, expect, it } from "vitest";

import { contrastRatio, parseHex, WHITE, type Rgb } from "../contrast";
import { avatarColour, initials } from "./Avatar";
import { coverSources } from "./Cover";

describe("initials", () => {
  it("takes the first and last names' first letters, in any script", () => {
    expect(initials("Alice Auteur")).toBe("AA");
    expect(initials("Zoé")).toBe("Z");
    expect(initials("jean-luc d'Arc")).toBe("JA");
    expect(initials("Élodie van der Berg")).toBe("ÉB");
    expect(initials("  ")).toBe("?");
  });
});

describe("avatarColour", () => {
  it("is the same for a name and always carries white text at AA", () => {
    for (const name of ["Alice", "Bruno", "Rita Reader", "Louis", "Yann", "Zoé Lectrice"]) {
      expect(avatarColour(name)).toBe(avatarColour(name));
      expect(contrastRatio(parseHex(avatarColour(name)) as Rgb, WHITE)).toBeGreaterThanOrEqual(4.5);
    }
  });
});

describe("coverSources", () => {
  it("offers the three widths of a sized file", () => {
    expect(coverSources("https://x.test/covers/naxos-960w.webp")).toEqual({
      src: "https://x.test/covers/naxos-960w.webp",
      srcSet:
        "https://x.test/covers/naxos-480w.webp 480w, https://x.test/covers/naxos-960w.webp 960w, " +
        "https://x.test/covers/naxos-1440w.webp 1440w",
    });
  });
  it("uses any other address as it is", () => {
    expect(coverSources("https://cdn.test/photo.jpg")).toEqual({ src: "https://cdn.test/photo.jpg" });
  });
});
