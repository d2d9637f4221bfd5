import { describe, expect, it } from "vitest";

import { layeringOffences } from "./layering";

describe("layeringOffences", () => {
  it("accepts the one-way flow", () => {
    const sources = {
      "./shared/api.ts": `import x from "@causerie/client";`,
      "./features/posts/api.ts": `import { y } from "../../shared/api";`,
      "./app/App.tsx": `import { z } from "../features/posts/api";`,
    };
    expect(layeringOffences(sources)).toEqual([]);
  });

  it("names a feature importing another, the app, and shared importing upward", () => {
    const sources = {
      "./features/posts/a.ts": `import { b } from "../ratings/b";\nexport { c } from "../../app/c";`,
      "./shared/util.ts": `import { d } from "../features/posts/a";`,
    };
    expect(layeringOffences(sources)).toEqual([
      "./features/posts/a.ts → ../ratings/b",
      "./features/posts/a.ts → ../../app/c",
      "./shared/util.ts → ../features/posts/a",
    ]);
  });
});
