import { describe, expect, it } from "vitest";

import { locateSite } from "./locate";

const at = (pathname: string, search = "", hostname = "127.0.0.1") => ({ pathname, search, hostname });

describe("locateSite", () => {
  it("reads the slug from the /s/ and /sites/ prefixes", () => {
    expect(locateSite(at("/s/demo/blogs/x/y"))).toEqual({ kind: "path", slug: "demo", basename: "/s/demo" });
    expect(locateSite(at("/sites/demo"))).toEqual({ kind: "path", slug: "demo", basename: "/sites/demo" });
  });

  it("rewrites ?site= into the path form and keeps the other parameters", () => {
    expect(locateSite(at("/", "?site=demo"))).toEqual({ kind: "query", slug: "demo", rewriteTo: "/s/demo/" });
    expect(locateSite(at("/search", "?q=chat&site=demo"))).toEqual({
      kind: "query",
      slug: "demo",
      rewriteTo: "/s/demo/search?q=chat",
    });
  });

  it("asks the API about a custom domain but never about a local host", () => {
    expect(locateSite(at("/", "", "blog.example.com"))).toEqual({ kind: "host", host: "blog.example.com" });
    expect(locateSite(at("/", "", "localhost"))).toEqual({ kind: "none" });
  });

  it("refuses malformed slugs", () => {
    expect(locateSite(at("/", "?site=../../v1"))).toEqual({ kind: "none" });
    expect(locateSite(at("/s/%3Cimg%3E/"))).toEqual({ kind: "none" });
  });
});
