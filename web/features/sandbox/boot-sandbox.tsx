import { RadioTower } from 'lucide-react';
import { StrictMode } from 'react';
import type { Root } from 'react-dom/client';
import { App } from '../../app/app.tsx';
import { modeHref } from '../../app/app-mode.ts';
import { IndexedDbStore, startSandboxBroker } from '../../sandbox/index.ts';
import { Button } from '../../ui/button.tsx';
import { ErrorState, LoadingState } from '../../ui/states.tsx';
import styles from './boot-sandbox.module.css';
import { pacedFrames } from './paced-frames.ts';
import { SandboxProvider } from './sandbox-context.tsx';
import { SandboxSession } from './sandbox-session.ts';

/** How often, at most, virtual clients' news reaches React. */
const frames = pacedFrames(60);

/** Sandbox mode: starts the in-tab broker (restoring what IndexedDB kept), then mounts the same
 * dashboard on its BrokerLink. Started once per tab, outside React, so StrictMode's double effects
 * never start two brokers on one database. */
export function renderSandbox(root: Root): void {
  root.render(<BootScreen />);
  startSandboxBroker().then(
    (engine) => {
      const session = new SandboxSession(engine, {
        scheduler: frames,
        storage: localStorage,
        persistent: engine.store instanceof IndexedDbStore,
      });
      if (!window.location.hash) window.history.replaceState(null, '', '#/sandbox');
      root.render(
        <StrictMode>
          <SandboxProvider session={session}>
            <App link={engine.link} />
          </SandboxProvider>
        </StrictMode>,
      );
    },
    (error: unknown) => root.render(<BootFailed error={error} />),
  );
}

function BootScreen() {
  return (
    <div className={styles.screen}>
      <div className={styles.logo}>
        <RadioTower size={20} />
      </div>
      <LoadingState label="Starting the in-tab broker…" />
    </div>
  );
}

function BootFailed({ error }: { error: unknown }) {
  return (
    <div className={styles.screen}>
      <ErrorState error={error} onRetry={() => window.location.reload()} />
      <Button
        variant="ghost"
        onClick={() => window.location.assign(modeHref('server', window.location.href))}
      >
        Open the server dashboard instead
      </Button>
    </div>
  );
}
