import { keepPreviousData, type QueryKey, useQueries, useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { Page } from '../../shared/admin/broker-link.ts';

export const PAGE_SIZE = 100;

export interface PagedRowsOptions<T> {
  pageKey: (page: number) => QueryKey;
  fetchPage: (offset: number, limit: number) => Promise<Page<T>>;
  refetchInterval: number | false;
}

/** Rows of a server-paged list for a virtual table: page 0 gives the total, and only the pages in
 * view are fetched, each under its own query key, so a refresh refetches only what is on screen. */
export function usePagedRows<T>({ pageKey, fetchPage, refetchInterval }: PagedRowsOptions<T>) {
  const [range, setRange] = useState<readonly [number, number]>([0, 0]);
  const onRangeChange = useCallback((first: number, last: number) => {
    const from = Math.floor(first / PAGE_SIZE);
    const to = Math.floor(last / PAGE_SIZE);
    setRange((current) => (current[0] === from && current[1] === to ? current : [from, to]));
  }, []);

  // Page 0 keeps showing the previous answer while a new filter loads, so the table does not flash.
  const head = useQuery({
    queryKey: pageKey(0),
    queryFn: () => fetchPage(0, PAGE_SIZE),
    placeholderData: keepPreviousData,
    refetchInterval,
  });
  const total = head.data?.total;
  const pageCount = total === undefined ? 1 : Math.ceil(total / PAGE_SIZE);
  const more: number[] = [];
  for (let page = Math.max(1, range[0]); page <= Math.min(range[1], pageCount - 1); page++) more.push(page);
  const rest = useQueries({
    queries: more.map((page) => ({
      queryKey: pageKey(page),
      queryFn: () => fetchPage(page * PAGE_SIZE, PAGE_SIZE),
      refetchInterval,
    })),
  });

  const getRow = (index: number): T | undefined => {
    const page = Math.floor(index / PAGE_SIZE);
    const data = page === 0 ? head.data : rest[more.indexOf(page)]?.data;
    return data?.items[index - page * PAGE_SIZE];
  };

  return {
    total,
    rowCount: total ?? 0,
    getRow,
    onRangeChange,
    isPending: head.isPending,
    isPlaceholderData: head.isPlaceholderData,
    error: head.error,
    refetch: head.refetch,
  };
}
