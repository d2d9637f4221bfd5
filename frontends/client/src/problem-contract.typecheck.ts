/**
 * A type-level test, compiled by `tsc --noEmit -p client` (never run): the generated
 * client types a failed answer's `error` as the API's Problem, not `never`, so callers
 * can read `error.code` and each code's extension members without a cast.
 */
import type { Client } from "openapi-fetch";

import type { Problem } from "./index";
import type { paths } from "./schema.gen";

type IsNever<T> = [T] extends [never] ? true : false;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

declare const client: Client<paths>;

export async function errorIsProblem(): Promise<void> {
  const { error } = await client.GET("/v1/plans");
  if (error) {
    const notNever: IsNever<typeof error> = false;
    const exactlyProblem: Equal<typeof error, Problem> = true;
    const code: Problem["code"] = error.code;
    const status: number = error.status;
    void [notNever, exactlyProblem, code, status];
  }
  const created = await client.POST("/v1/tenants/{tenant}/blogs", {
    params: { path: { tenant: "demo" } },
    body: { title: "A blog", slug: "a-blog" } as never,
  });
  if (created.error) {
    // A 402's extension members are typed too.
    const quota: string | undefined = created.error.quota;
    const limit: number | undefined = created.error.limit;
    const issues = created.error.errors?.map((issue) => issue.loc.join("."));
    void [quota, limit, issues];
  }
}
