import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// VITE_API_BASE_URL (read by the app at build time) points the theme at any API;
// in development the dev server proxies /v1 to a local API on port 8000.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: { outDir: "dist", sourcemap: true, emptyOutDir: true },
  server: {
    proxy: { "/v1": process.env.CAUSERIE_API ?? "http://127.0.0.1:8000" },
  },
  test: {
    name: "theme",
    environment: "happy-dom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
