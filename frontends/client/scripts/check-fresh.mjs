// Fails when src/schema.gen.ts differs from what openapi/openapi.json generates now,
// so a change to the API contract cannot land without the regenerated client.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const spec = resolve(root, "..", "..", "openapi", "openapi.json");
const committed = join(root, "src", "schema.gen.ts");
const cli = join(
  dirname(createRequire(import.meta.url).resolve("openapi-typescript/package.json")),
  "bin",
  "cli.js",
);
const scratch = mkdtempSync(join(tmpdir(), "causerie-client-"));
try {
  const fresh = join(scratch, "schema.gen.ts");
  execFileSync(process.execPath, [cli, spec, "--output", fresh], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  let actual = "";
  try {
    actual = readFileSync(committed, "utf8");
  } catch {
    // A missing file is as stale as a wrong one.
  }
  if (readFileSync(fresh, "utf8") !== actual) {
    console.error(
      "frontends/client/src/schema.gen.ts is stale: run `npm run generate -w client` " +
        "(or `make client`) and commit the result.",
    );
    process.exitCode = 1;
  } else {
    console.log("The generated API client matches openapi/openapi.json.");
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
