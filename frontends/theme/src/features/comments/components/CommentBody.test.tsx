import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { CommentBody } from "./CommentBody";

describe("CommentBody", () => {
  it("keeps paragraphs and http links, drops everything active", () => {
    const { container } = render(
      <CommentBody
        html={
          '<p>Hi <strong>there</strong> <a href="https://example.com" onclick="x()">site</a></p>' +
          '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>' +
          '<a href="javascript:alert(1)">bad</a>'
        }
      />,
    );
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    const links = container.querySelectorAll("a");
    expect(links).toHaveLength(1);
    expect(links[0]?.getAttribute("href")).toBe("https://example.com");
    expect(links[0]?.getAttribute("onclick")).toBeNull();
    expect(links[0]?.getAttribute("rel")).toContain("nofollow");
    expect(container.querySelector("strong")?.textContent).toBe("there");
    expect(container.textContent).toContain("bad");
  });

  it("shows markup typed as text as text", () => {
    const { container } = render(<CommentBody html={"<p>&lt;img src=x onerror=alert(1)&gt;</p>"} />);
    expect(container.textContent).toBe("<img src=x onerror=alert(1)>");
    expect(container.querySelector("img")).toBeNull();
  });
});
