/**
 * The one-way flow, as a test: shared → features → app. A feature never imports
 * another feature, and shared code imports neither features nor the app.
 */
import { describe, expect, it } from "vitest";

const sources = import.meta.glob(["./**/*.{ts,tsx}", "!./**/*.test.{ts,tsx}"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

function importsOf(code: string): string[] {
  return [...code.matchAll(/(?:import|export)[^'"]*?from\s+["']([^"']+)["']/g)].map((m) => m[1] as string);
}

function resolve(from: string, spec: string): string {
  if (!spec.startsWith(".")) return spec;
  const parts = from.split("/").slice(0, -1);
  for (const piece of spec.split("/")) {
    if (piece === "..") parts.pop();
    else if (piece !== ".") parts.push(piece);
  }
  return parts.join("/");
}

describe("architecture", () => {
  const files = Object.keys(sources);

  it("finds the sources", () => {
    expect(files.some((f) => f.startsWith("./features/"))).toBe(true);
    expect(files.some((f) => f.startsWith("./shared/"))).toBe(true);
  });

  it("keeps each feature to itself and shared below everything", () => {
    const offences: string[] = [];
    for (const file of files) {
      const feature = /^\.\/features\/([^/]+)\//.exec(file)?.[1];
      for (const spec of importsOf(sources[file] ?? "")) {
        const target = resolve(file, spec);
        const other = /^\.\/features\/([^/]+)\//.exec(target)?.[1];
        if (feature && other && other !== feature) offences.push(`${file} → ${spec}`);
        if (feature && target.startsWith("./app/")) offences.push(`${file} → ${spec}`);
        if (file.startsWith("./shared/") && /^\.\/(features|app)\//.test(target)) {
          offences.push(`${file} → ${spec}`);
        }
      }
    }
    expect(offences).toEqual([]);
  });
});
