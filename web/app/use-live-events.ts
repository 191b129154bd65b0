import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useContext, useEffect } from 'react';
import type { LiveEvent, OverviewSnapshot } from '../../shared/admin/broker-link.ts';
import {
  appendHistory,
  emptyHistory,
  type MetricHistory,
  overviewKeys,
} from '../features/overview/overview-queries.ts';
import { retainedKeys } from '../features/retained/retained-queries.ts';
import { sessionKeys } from '../features/sessions/session-queries.ts';
import { topicKeys } from '../features/topics/topic-queries.ts';
import { createThrottle } from '../lib/throttle.ts';
import { useBrokerLink } from './broker-link-context.tsx';
import { type LiveStatus, LiveStatusContext, STALE_AFTER_MS } from './live-status.ts';

/** Minimum time between refetches of one area; 10,000 sessions connecting at once cost a few
 * refetches, not 10,000. Only queries on screen refetch; the rest are just marked stale. */
const SESSIONS_EVERY_MS = 500;
const TOPICS_EVERY_MS = 1500;
const RETAINED_EVERY_MS = 1500;

/** The one place pushed events enter the query cache: ticks are written in with `setQueryData`,
 * anything else marks the affected snapshots stale (throttled). Mount once, near the root. */
export function useLiveEvents(): void {
  const link = useBrokerLink();
  const queryClient = useQueryClient();
  const status = useContext(LiveStatusContext);
  useEffect(() => {
    const sync = createCacheSync(queryClient, status);
    const unwatch = link.watch({ publishes: 'none' }, sync.onEvent);
    return () => {
      unwatch();
      sync.dispose();
    };
  }, [link, queryClient, status]);
}

function createCacheSync(queryClient: QueryClient, status: LiveStatus) {
  const dirtyDetails = new Set<string>();
  const sessions = createThrottle(() => {
    void queryClient.invalidateQueries({ queryKey: sessionKeys.lists() });
    for (const clientId of dirtyDetails) {
      void queryClient.invalidateQueries({ queryKey: sessionKeys.detail(clientId) });
    }
    dirtyDetails.clear();
  }, SESSIONS_EVERY_MS);
  const allDetails = createThrottle(
    () => void queryClient.invalidateQueries({ queryKey: sessionKeys.details() }),
    SESSIONS_EVERY_MS,
  );
  const topics = createThrottle(
    () => void queryClient.invalidateQueries({ queryKey: topicKeys.all }),
    TOPICS_EVERY_MS,
  );
  const retained = createThrottle(
    () => void queryClient.invalidateQueries({ queryKey: retainedKeys.all }),
    RETAINED_EVERY_MS,
  );
  let previous: OverviewSnapshot | undefined;

  const onTick = (overview: OverviewSnapshot): void => {
    const now = Date.now();
    // First tick of this stream, or back after a gap (reconnect, sleeping laptop): whatever changed
    // between the snapshots and the stream went unseen, so refresh what is on screen.
    if (previous === undefined || now - status.lastTickAt > STALE_AFTER_MS) {
      void queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== overviewKeys.all[0] });
    }
    status.markTick(now);
    queryClient.setQueryData(overviewKeys.snapshot(), overview);
    queryClient.setQueryData<MetricHistory>(overviewKeys.history(), (history) =>
      appendHistory(history ?? emptyHistory, overview),
    );
    if (previous) {
      // Publishes are not streamed here (too many); the totals tell whether topics changed.
      if (overview.totals.messagesIn !== previous.totals.messagesIn) {
        topics.call();
        retained.call();
      } else if (overview.retained !== previous.retained) {
        retained.call();
      }
      if (
        overview.inflight !== previous.inflight ||
        overview.queued !== previous.queued ||
        overview.subscriptions !== previous.subscriptions ||
        overview.sessions !== previous.sessions
      ) {
        sessions.call();
        allDetails.call();
      }
    }
    previous = overview;
  };

  const onEvent = (event: LiveEvent): void => {
    switch (event.type) {
      case 'tick':
        onTick(event.overview);
        return;
      case 'connect':
      case 'disconnect':
      case 'subscribe':
      case 'unsubscribe':
        dirtyDetails.add(event.clientId);
        sessions.call();
        return;
      case 'publish':
        topics.call();
        if (event.retain) retained.call();
        return;
    }
  };

  return {
    onEvent,
    dispose() {
      for (const throttle of [sessions, allDetails, topics, retained]) throttle.cancel();
    },
  };
}
