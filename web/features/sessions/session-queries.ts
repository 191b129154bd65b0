import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { BrokerLink, SessionQuery } from '../../../shared/admin/broker-link.ts';
import { useBrokerLink } from '../../app/broker-link-context.tsx';
import { useFallbackInterval } from '../../app/live-status.ts';
import { usePagedRows } from '../../lib/use-paged-rows.ts';

export type SessionListFilter = Required<Pick<SessionQuery, 'search' | 'state'>>;

export const sessionKeys = {
  all: ['sessions'] as const,
  lists: () => [...sessionKeys.all, 'list'] as const,
  list: (filter: SessionListFilter) => [...sessionKeys.lists(), filter] as const,
  page: (filter: SessionListFilter, page: number) => [...sessionKeys.list(filter), page] as const,
  details: () => [...sessionKeys.all, 'detail'] as const,
  detail: (clientId: string) => [...sessionKeys.details(), clientId] as const,
};

export const sessionDetailQuery = (link: BrokerLink, clientId: string) =>
  queryOptions({
    queryKey: sessionKeys.detail(clientId),
    // null, not undefined, for a session that is gone: the query cache rejects undefined.
    queryFn: async () => (await link.session(clientId)) ?? null,
  });

export function useSessionRows(filter: SessionListFilter) {
  const link = useBrokerLink();
  return usePagedRows({
    pageKey: (page) => sessionKeys.page(filter, page),
    fetchPage: (offset, limit) => link.sessions({ ...filter, offset, limit }),
    refetchInterval: useFallbackInterval(),
  });
}

export function useSessionDetail(clientId: string | undefined) {
  const link = useBrokerLink();
  return useQuery({
    ...sessionDetailQuery(link, clientId ?? ''),
    enabled: clientId !== undefined,
    placeholderData: keepPreviousData,
    refetchInterval: useFallbackInterval(),
  });
}
