/**
 * Cursor pagination for any list of the API ({items, next_cursor}): the pages so far,
 * flattened, and a `loadMore` for the "More" button. The cursor is opaque: it is only
 * ever handed back to the API.
 */
import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Paged<T> {
  items: T[];
  hasMore: boolean;
  loadMore: () => void;
  isLoading: boolean;
  isLoadingMore: boolean;
  error: unknown;
  /** An error while loading a further page; the items so far stay on screen. */
  moreError: unknown;
  refetch: () => void;
}

export function usePaged<T>(
  key: QueryKey,
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  options: { enabled?: boolean } = {},
): Paged<T> {
  const query = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last: Page<T>) => last.next_cursor ?? undefined,
    enabled: options.enabled ?? true,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return {
    items,
    hasMore: query.hasNextPage,
    loadMore: () => {
      if (query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
    },
    isLoading: query.isPending && query.fetchStatus !== "idle",
    isLoadingMore: query.isFetchingNextPage,
    error: query.data ? null : query.error,
    moreError: query.data ? query.error : null,
    refetch: () => void query.refetch(),
  };
}
