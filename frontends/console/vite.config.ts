import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The console lives under /console/ wherever it is served. VITE_API_BASE_URL (read by
// the app at build time) points it at any API; the dev server proxies /v1 to a local
// API on port 8000, and the theme's /s/ addresses too, for the "view on site" links.
export default defineConfig({
  plugins: [react()],
  base: "/console/",
  build: { outDir: "dist", sourcemap: true, emptyOutDir: true, chunkSizeWarningLimit: 700 },
  server: {
    port: 5174,
    proxy: { "/v1": process.env.CAUSERIE_API ?? "http://127.0.0.1:8000" },
  },
  test: {
    name: "console",
    environment: "happy-dom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
