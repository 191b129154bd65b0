import { queryOptions, useQuery } from '@tanstack/react-query';
import type { BrokerLink, OverviewSnapshot } from '../../../shared/admin/broker-link.ts';
import { useBrokerLink } from '../../app/broker-link-context.tsx';
import { useFallbackInterval } from '../../app/live-status.ts';

export const overviewKeys = {
  all: ['overview'] as const,
  snapshot: () => [...overviewKeys.all, 'snapshot'] as const,
  history: () => [...overviewKeys.all, 'history'] as const,
};

/** The last minutes of ticks, column-wise as the chart wants them (seconds since epoch on x). */
export interface MetricHistory {
  at: number[];
  messagesIn: number[];
  messagesOut: number[];
  connections: number[];
}

/** Ten minutes of one-second ticks. */
export const HISTORY_POINTS = 600;

export const emptyHistory: MetricHistory = { at: [], messagesIn: [], messagesOut: [], connections: [] };

export function appendHistory(history: MetricHistory, overview: OverviewSnapshot): MetricHistory {
  const keep = (values: number[], value: number): number[] => {
    const next =
      values.length >= HISTORY_POINTS ? values.slice(values.length - HISTORY_POINTS + 1) : [...values];
    next.push(value);
    return next;
  };
  return {
    at: keep(history.at, overview.now / 1000),
    messagesIn: keep(history.messagesIn, overview.rates.messagesIn),
    messagesOut: keep(history.messagesOut, overview.rates.messagesOut),
    connections: keep(history.connections, overview.connections),
  };
}

export const overviewQuery = (link: BrokerLink) =>
  queryOptions({ queryKey: overviewKeys.snapshot(), queryFn: () => link.overview() });

export function useOverview(options: { notifyOnChangeProps?: ['error'] } = {}) {
  const link = useBrokerLink();
  return useQuery({ ...overviewQuery(link), ...options, refetchInterval: useFallbackInterval() });
}

/** Filled only by pushed ticks (see useLiveEvents); never fetched. */
export function useMetricHistory(): MetricHistory {
  const { data } = useQuery({
    queryKey: overviewKeys.history(),
    queryFn: () => emptyHistory,
    initialData: emptyHistory,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
  });
  return data;
}
