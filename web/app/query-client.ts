import { QueryClient } from '@tanstack/react-query';
import { AdminApiError } from '../link/remote-broker-link.ts';

/** Snapshots stay fresh until a pushed event says otherwise (see useLiveEvents), so nothing is
 * refetched on focus or mount; polling happens only while the event stream is down. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: Number.POSITIVE_INFINITY,
        refetchOnWindowFocus: false,
        retry: (failures, error) => !(error instanceof AdminApiError && error.status < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}
