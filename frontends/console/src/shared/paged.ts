/** Cursor pages as one list with a "more" button (the API's `{items, next_cursor}`). */
import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";

export interface Paged<T> {
  items: T[];
  next_cursor?: string | null;
}

export function usePaged<T>(queryKey: QueryKey, fetchPage: (cursor: string | undefined) => Promise<Paged<T>>, enabled = true) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return { ...query, items };
}
