import {
  Activity,
  Archive,
  FlaskConical,
  FolderTree,
  LayoutDashboard,
  Moon,
  RadioTower,
  Send,
  Server,
  Sun,
  Users,
} from 'lucide-react';
import type { ReactNode } from 'react';
import { useOverview } from '../features/overview/overview-queries.ts';
import { formatCount, formatDuration } from '../lib/format.ts';
import { Badge } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { modeHref } from './app-mode.ts';
import { useBrokerLink } from './broker-link-context.tsx';
import { formatHash, type ViewName } from './hash-route.ts';
import { useLiveState } from './live-status.ts';
import styles from './shell.module.css';
import { useTheme } from './use-theme.ts';

const sandboxItem = { view: 'sandbox', label: 'Sandbox', icon: <FlaskConical size={16} /> } as const;

const navigation: { view: ViewName; label: string; icon: ReactNode }[] = [
  { view: 'overview', label: 'Overview', icon: <LayoutDashboard size={16} /> },
  { view: 'sessions', label: 'Sessions', icon: <Users size={16} /> },
  { view: 'topics', label: 'Topics', icon: <FolderTree size={16} /> },
  { view: 'live', label: 'Live messages', icon: <Activity size={16} /> },
  { view: 'publish', label: 'Publish', icon: <Send size={16} /> },
  { view: 'retained', label: 'Retained', icon: <Archive size={16} /> },
];

export function Shell({ current, children }: { current: ViewName; children: ReactNode }) {
  const link = useBrokerLink();
  const { data: overview } = useOverview();
  const [theme, toggleTheme] = useTheme();
  const counts: Partial<Record<ViewName, number>> = overview
    ? { sessions: overview.sessions, retained: overview.retained }
    : {};
  return (
    <div className={styles.shell}>
      <aside className={styles.sidebar}>
        <div className={styles.brand}>
          <div className={styles.logo}>
            <RadioTower size={16} />
          </div>
          <div>
            <div className={styles.brandName}>IoTHub</div>
            <div className={styles.brandMode}>
              {link.mode === 'server' ? 'MQTT broker' : 'In-tab sandbox'}
            </div>
          </div>
        </div>
        <ModeSwitch mode={link.mode} />
        <nav className={styles.nav} aria-label="Views">
          {(link.mode === 'sandbox' ? [sandboxItem, ...navigation] : navigation).map((item) => (
            <a
              key={item.view}
              href={formatHash({ view: item.view })}
              className={styles.navItem}
              aria-current={item.view === current ? 'page' : undefined}
            >
              {item.icon}
              <span className={styles.navLabel}>{item.label}</span>
              {counts[item.view] !== undefined && (
                <span className={styles.navCount}>{formatCount(counts[item.view]!)}</span>
              )}
            </a>
          ))}
        </nav>
        <div className={styles.footer}>
          <div className={styles.status}>
            <LiveBadge />
            <Button
              variant="ghost"
              size="small"
              icon={theme === 'dark' ? <Sun size={14} /> : <Moon size={14} />}
              aria-label={theme === 'dark' ? 'Light theme' : 'Dark theme'}
              title={theme === 'dark' ? 'Light theme' : 'Dark theme'}
              onClick={toggleTheme}
            />
          </div>
          {overview && (
            <div className={styles.meta}>
              v{overview.version} · up {formatDuration(overview.uptimeSeconds)}
            </div>
          )}
        </div>
      </aside>
      <main className={styles.main}>{children}</main>
    </div>
  );
}

/** Server or in-tab sandbox; switching is a page load, each mode having its own broker. */
function ModeSwitch({ mode }: { mode: 'server' | 'sandbox' }) {
  const here = window.location.href;
  return (
    <nav className={styles.modes} aria-label="Mode">
      <a
        className={styles.mode}
        href={modeHref('server', here)}
        aria-current={mode === 'server' ? 'page' : undefined}
        title="The broker this dashboard is served by"
      >
        <Server size={13} />
        Server
      </a>
      <a
        className={styles.mode}
        href={modeHref('sandbox', here)}
        aria-current={mode === 'sandbox' ? 'page' : undefined}
        title="A broker running inside this tab, with virtual clients"
      >
        <FlaskConical size={13} />
        Sandbox
      </a>
    </nav>
  );
}

function LiveBadge() {
  const state = useLiveState();
  if (state === 'live') {
    return (
      <Badge tone="success" dot pulse title="Receiving live events">
        Live
      </Badge>
    );
  }
  if (state === 'stale') {
    return (
      <Badge tone="warning" dot title="The event stream dropped; polling until it is back">
        Reconnecting
      </Badge>
    );
  }
  return (
    <Badge dot title="Opening the event stream">
      Connecting
    </Badge>
  );
}
