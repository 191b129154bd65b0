import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import type { DemoStatuses } from './demos/demo-runner.ts';
import type { SandboxSession } from './sandbox-session.ts';
import type { ClientState } from './virtual-client.ts';

const SandboxContext = createContext<SandboxSession | undefined>(undefined);

export function SandboxProvider({ session, children }: { session: SandboxSession; children: ReactNode }) {
  return <SandboxContext.Provider value={session}>{children}</SandboxContext.Provider>;
}

/** The in-tab broker's session; undefined when the dashboard is attached to a server. */
export function useSandboxSession(): SandboxSession | undefined {
  return useContext(SandboxContext);
}

export function useClientStates(session: SandboxSession): readonly ClientState[] {
  return useSyncExternalStore(session.clients.subscribe, session.clients.getSnapshot);
}

export function useDemoStatuses(session: SandboxSession): DemoStatuses {
  return useSyncExternalStore(session.demos.subscribe, session.demos.getSnapshot);
}
