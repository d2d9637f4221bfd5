import { defineConfig } from "vitest/config";

// `npx vitest run` here runs the unit tests of every workspace.
export default defineConfig({
  test: { projects: ["client", "theme", "console"] },
});
