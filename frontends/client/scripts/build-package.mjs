// Builds the installable npm package in package/: the client compiled to ES modules with
// type declarations, a package.json whose `exports` map points at them, the README.
// Its version is the API's own (pyproject.toml), so a client names the API it was made for.
// `npm pack ./package` (or `npm run package -w client`, which builds first) makes the tarball.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "package");
const workspace = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

function apiVersion() {
  const pyproject = readFileSync(resolve(root, "..", "..", "pyproject.toml"), "utf8");
  const project = pyproject.split(/^\[project\]$/m)[1]?.split(/^\[/m)[0] ?? "";
  const found = project.match(/^version\s*=\s*"([^"]+)"/m);
  if (!found) throw new Error("pyproject.toml has no [project] version");
  return found[1];
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });

const entry = { types: "./dist/index.d.ts", import: "./dist/index.js", default: "./dist/index.js" };
const manifest = {
  name: workspace.name,
  version: apiVersion(),
  description: "Typed client for the Causerie API (ES modules, TypeScript declarations).",
  type: "module",
  exports: { ".": entry, "./package.json": "./package.json" },
  main: "./dist/index.js",
  types: "./dist/index.d.ts",
  files: ["dist", "README.md"],
  sideEffects: false,
  engines: { node: ">=20.19" },
  dependencies: workspace.dependencies,
};
writeFileSync(join(out, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
copyFileSync(join(root, "README.md"), join(out, "README.md"));
console.log(`Built ${manifest.name}@${manifest.version} in ${out}`);
