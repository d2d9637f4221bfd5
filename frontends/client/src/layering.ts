/**
 * The one-way flow of both apps, as a check their tests run: shared → features → app.
 * A feature never imports another feature nor the app; shared code imports neither.
 * Each app globs its own sources (bundler globs are relative to the calling file) and
 * hands them here as path → text, paths starting with "./".
 */

function importsOf(code: string): string[] {
  return [...code.matchAll(/(?:import|export)[^'"]*?from\s+["']([^"']+)["']/g)].map(
    (m) => m[1] as string,
  );
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

/** Every import that breaks the flow, as "file → specifier". */
export function layeringOffences(sources: Record<string, string>): string[] {
  const offences: string[] = [];
  for (const [file, code] of Object.entries(sources)) {
    const feature = /^\.\/features\/([^/]+)\//.exec(file)?.[1];
    for (const spec of importsOf(code)) {
      const target = resolve(file, spec);
      const other = /^\.\/features\/([^/]+)\//.exec(target)?.[1];
      if (feature && other && other !== feature) offences.push(`${file} → ${spec}`);
      if (feature && target.startsWith("./app/")) offences.push(`${file} → ${spec}`);
      if (file.startsWith("./shared/") && /^\.\/(features|app)\//.test(target)) {
        offences.push(`${file} → ${spec}`);
      }
    }
  }
  return offences;
}
