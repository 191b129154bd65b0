import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { BrokerLink } from '../../shared/admin/broker-link.ts';
import { LiveView } from '../features/live/live-view.tsx';
import { useOverview } from '../features/overview/overview-queries.ts';
import { OverviewView } from '../features/overview/overview-view.tsx';
import { PublishView } from '../features/publish/publish-view.tsx';
import { RetainedView } from '../features/retained/retained-view.tsx';
import { SandboxView } from '../features/sandbox/sandbox-view.tsx';
import { SessionsView } from '../features/sessions/sessions-view.tsx';
import { TopicsView } from '../features/topics/topics-view.tsx';
import { AdminApiError } from '../link/remote-broker-link.ts';
import { ToastProvider } from '../ui/toast.tsx';
import { BrokerLinkProvider } from './broker-link-context.tsx';
import { useRoute, type ViewName } from './hash-route.ts';
import { LiveStatus, LiveStatusContext } from './live-status.ts';
import { createQueryClient } from './query-client.ts';
import { Shell } from './shell.tsx';
import { TokenPrompt } from './token-prompt.tsx';
import { useLiveEvents } from './use-live-events.ts';

const screens: Record<ViewName, () => React.JSX.Element> = {
  overview: OverviewView,
  sessions: SessionsView,
  topics: TopicsView,
  live: LiveView,
  publish: PublishView,
  retained: RetainedView,
  sandbox: SandboxView,
};

/** The dashboard for one broker, whichever BrokerLink reaches it. */
export function App({ link }: { link: BrokerLink }) {
  const [queryClient] = useState(createQueryClient);
  const [liveStatus] = useState(() => new LiveStatus());
  useEffect(() => () => liveStatus.dispose(), [liveStatus]);
  return (
    <QueryClientProvider client={queryClient}>
      <BrokerLinkProvider link={link}>
        <LiveStatusContext.Provider value={liveStatus}>
          <ToastProvider>
            <Dashboard />
          </ToastProvider>
        </LiveStatusContext.Provider>
      </BrokerLinkProvider>
    </QueryClientProvider>
  );
}

function Dashboard() {
  useLiveEvents();
  const [route] = useRoute();
  // Only the error matters here; without this the whole view would re-render on every tick.
  const { error } = useOverview({ notifyOnChangeProps: ['error'] });
  if (error instanceof AdminApiError && error.status === 401) return <TokenPrompt error={error.message} />;
  const Screen = screens[route.view];
  return (
    <Shell current={route.view}>
      <Screen />
    </Shell>
  );
}
