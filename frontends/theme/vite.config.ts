import { fileURLToPath } from "node:url";

import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The theme is written against React's API and ships on Preact's compatibility layer
// (preact/compat): the same components, about 50 KB (gzip) less JavaScript before a
// reader sees the first post. The console keeps React. The unit tests render with
// React (@testing-library/react brings its own react-dom); the browser journeys
// (tests/e2e) run the Preact build a reader gets.
const PREACT = {
  "react-dom/test-utils": "preact/test-utils",
  "react-dom/client": "preact/compat/client",
  "react-dom": "preact/compat",
  "react/jsx-runtime": "preact/jsx-runtime",
  "react/jsx-dev-runtime": "preact/jsx-dev-runtime",
  react: "preact/compat",
};

// react-router's package exports name its development build only; a reader gets the
// production one (no dev-time checks and warnings at run time).
const ROUTER_PRODUCTION = fileURLToPath(
  new URL("../node_modules/react-router/dist/production/index.mjs", import.meta.url),
);

// VITE_API_BASE_URL (read by the app at build time) points the theme at any API;
// in development the dev server proxies /v1 to a local API on port 8000.
export default defineConfig(({ mode }) => ({
  plugins: [react()],
  base: "/",
  resolve:
    mode === "test"
      ? {}
      : {
          alias: [
            ...Object.entries(PREACT).map(([find, replacement]) => ({
              find: new RegExp(`^${find}$`),
              replacement,
            })),
            { find: /^react-router$/, replacement: ROUTER_PRODUCTION },
          ],
        },
  build: { outDir: "dist", sourcemap: true, emptyOutDir: true },
  server: {
    proxy: { "/v1": process.env.CAUSERIE_API ?? "http://127.0.0.1:8000" },
  },
  test: {
    name: "theme",
    environment: "happy-dom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
}));
