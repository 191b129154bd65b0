import { useBrokerLink } from '../../app/broker-link-context.tsx';
import { useFallbackInterval } from '../../app/live-status.ts';
import { usePagedRows } from '../../lib/use-paged-rows.ts';

export const retainedKeys = {
  all: ['retained'] as const,
  lists: () => [...retainedKeys.all, 'list'] as const,
  list: (filter: string) => [...retainedKeys.lists(), filter] as const,
  page: (filter: string, page: number) => [...retainedKeys.list(filter), page] as const,
};

export function useRetainedRows(filter: string) {
  const link = useBrokerLink();
  return usePagedRows({
    pageKey: (page) => retainedKeys.page(filter, page),
    fetchPage: (offset, limit) => link.retained({ filter, offset, limit }),
    refetchInterval: useFallbackInterval(),
  });
}
