import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it } from "vitest";

import { usePaged, type Page } from "./usePaged";

function wrapper() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
}

const PAGES: Record<string, Page<number>> = {
  start: { items: [1, 2], next_cursor: "c2" },
  c2: { items: [3, 4], next_cursor: "c3" },
  c3: { items: [5], next_cursor: null },
};

describe("usePaged", () => {
  it("follows the cursors page by page and stops at the last", async () => {
    const asked: (string | null)[] = [];
    const fetchPage = async (cursor: string | null) => {
      asked.push(cursor);
      return PAGES[cursor ?? "start"] as Page<number>;
    };
    const { result } = renderHook(() => usePaged(["numbers"], fetchPage), { wrapper: wrapper() });
    await waitFor(() => expect(result.current.items).toEqual([1, 2]));
    expect(result.current.hasMore).toBe(true);

    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.items).toEqual([1, 2, 3, 4]));
    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.items).toEqual([1, 2, 3, 4, 5]));
    expect(result.current.hasMore).toBe(false);

    act(() => result.current.loadMore()); // nothing further to ask for
    expect(asked).toEqual([null, "c2", "c3"]);
  });

  it("keeps the loaded items when a further page fails", async () => {
    const fetchPage = async (cursor: string | null) => {
      if (cursor) throw new Error("boom");
      return PAGES.start as Page<number>;
    };
    const { result } = renderHook(() => usePaged(["failing"], fetchPage), { wrapper: wrapper() });
    await waitFor(() => expect(result.current.items).toEqual([1, 2]));
    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.moreError).toBeInstanceOf(Error));
    expect(result.current.items).toEqual([1, 2]);
    expect(result.current.error).toBeNull();
  });

  it("reports a first-page failure as the list's error", async () => {
    const fetchPage = async (): Promise<Page<number>> => {
      throw new Error("down");
    };
    const { result } = renderHook(() => usePaged(["down"], fetchPage), { wrapper: wrapper() });
    await waitFor(() => expect(result.current.error).toBeInstanceOf(Error));
    expect(result.current.items).toEqual([]);
  });
});
