// Lighthouse 12 audits of the public theme, on Debian's Chromium, against the demo site.
//
//   node bench/lighthouse.mjs            (from the repository root, after `make frontends`)
//
// Starts bench/theme_server.py (the built theme and the API on loopback, a database of
// its own seeded with the demo tenant), runs Lighthouse's mobile (default: Moto G
// class phone, simulated slow 4G, 4x CPU slowdown) and desktop configurations on the
// home page and on the featured post, and prints performance, accessibility, best
// practices, SEO and CLS for each (the median of RUNS runs, each run's performance
// beside it), plus the ids of the audits that did not pass fully. Writes the full
// reports as JSON to bench/results/lighthouse-*.json. Exits non-zero when a goal is
// missed (performance >= 90 on mobile, 100 for the three others, CLS < 0.05).
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(ROOT, "frontends", "package.json"));
const lighthouse = (await import(require.resolve("lighthouse"))).default;
const chromeLauncher = await import(require.resolve("chrome-launcher"));
const desktopConfig = (await import(require.resolve("lighthouse/core/config/desktop-config.js"))).default;

const CHROMIUM = process.env.CAUSERIE_CHROMIUM ?? "/usr/bin/chromium";
const PORT = Number(process.env.PORT ?? 8765);
// Each audit runs RUNS times (default 3) and the median run (by performance) is the
// figure; ONLY=mobile-home (form-page, comma-separated) narrows the set.
const RUNS = Number(process.env.RUNS ?? 3);
const ONLY = (process.env.ONLY ?? "").split(",").filter(Boolean);
const CHROME_FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

function startServer() {
  const python = join(ROOT, ".venv", "bin", "python");
  const child = spawn(python, ["-m", "bench.theme_server", "--port", String(PORT)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const ready = /ready (\S+)/.exec(out);
      if (ready) resolve({ child, base: ready[1] });
    });
    child.on("exit", (code) => reject(new Error(`theme server exited (${code})`)));
  });
}

const { child, base } = await startServer();
let failed = false;
try {
  const posts = await (await fetch(`${base}/v1/sites/demo/posts?limit=1`)).json();
  const post = posts.items[0];
  const pages = {
    home: `${base}/s/demo/`,
    post: `${base}/s/demo/blogs/${post.blog.slug}/${post.slug}`,
  };
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROME_FLAGS });
  mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
  const rows = [];
  try {
    for (const [form, config] of [["mobile", undefined], ["desktop", desktopConfig]]) {
      for (const [name, url] of Object.entries(pages)) {
        if (ONLY.length && !ONLY.includes(`${form}-${name}`)) continue;
        // Warm the server (first request of a worker) so it does not count against the page.
        await fetch(url);
        const scores = [];
        for (let run = 0; run < RUNS; run += 1) {
          const result = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error" }, config);
          const lhr = result.lhr;
          writeFileSync(join(ROOT, "bench", "results", `lighthouse-${form}-${name}.json`), result.report);
          const score = (id) => Math.round((lhr.categories[id].score ?? 0) * 100);
          const failing = Object.values(lhr.audits)
            .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "manual" && a.scoreDisplayMode !== "notApplicable")
            .map((a) => a.id);
          scores.push({
            form,
            page: name,
            performance: score("performance"),
            accessibility: score("accessibility"),
            "best-practices": score("best-practices"),
            seo: score("seo"),
            cls: Number(lhr.audits["cumulative-layout-shift"].numericValue.toFixed(3)),
            lcp_ms: Math.round(lhr.audits["largest-contentful-paint"].numericValue),
            fcp_ms: Math.round(lhr.audits["first-contentful-paint"].numericValue),
            tbt_ms: Math.round(lhr.audits["total-blocking-time"].numericValue),
            js_kb_gz: Math.round(
              (lhr.audits["network-requests"].details?.items ?? [])
                .filter((i) => i.resourceType === "Script")
                .reduce((sum, i) => sum + i.transferSize, 0) / 1024,
            ),
            bench_index: Math.round(lhr.environment.benchmarkIndex),
            failing: failing.join(" "),
          });
        }
        scores.sort((a, b) => a.performance - b.performance);
        const median = scores[Math.floor(scores.length / 2)];
        rows.push({ ...median, runs: scores.map((r) => r.performance).join("/") });
      }
    }
  } finally {
    await chrome.kill();
  }
  // Lighthouse simulates a slow phone from the CPU time it observes: on a busy machine
  // (load above its cores) the mobile scores drop; the load is printed with them.
  const load = loadavg().map((l) => l.toFixed(1)).join(" ");
  console.log(`Lighthouse 12.2.3 on ${CHROMIUM}, ${base}; ${cpus().length} cores, load average ${load}`);
  console.table(rows.map(({ failing, ...r }) => r));
  for (const r of rows) console.log(`${r.form} ${r.page} audits not fully passed: ${r.failing || "none"}`);
  for (const r of rows) {
    const perfGoal = r.form === "mobile" ? 90 : 90;
    if (r.performance < perfGoal || r.accessibility < 100 || r["best-practices"] < 100 || r.seo < 100 || r.cls >= 0.05) failed = true;
  }
} finally {
  child.kill("SIGTERM");
}
process.exit(failed ? 1 : 0);
