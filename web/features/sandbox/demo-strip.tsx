import { ArrowLeftRight, Play, Square, Thermometer, Users } from 'lucide-react';
import { type ReactNode, useState } from 'react';
import { formatCount } from '../../lib/format.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { Segmented } from '../../ui/inputs.tsx';
import { errorText, useToast } from '../../ui/toast.tsx';
import type { DemoName } from './client-definition.ts';
import styles from './demo-strip.module.css';
import type { DemoStatus } from './demos/demo-runner.ts';
import { REPLY_TOPIC } from './demos/request-response.ts';
import { sensorFleetDefaults } from './demos/sensor-fleet.ts';
import { SHARED_FILTER, WORKERS } from './demos/worker-pool.ts';
import { useDemoStatuses } from './sandbox-context.tsx';
import type { SandboxSession } from './sandbox-session.ts';
import type { ClientState } from './virtual-client.ts';

const fleetSizes = [
  { value: 3, label: '3' },
  { value: 6, label: '6' },
  { value: 12, label: '12' },
] as const;

/** One card per demo scenario: what it shows, start and stop, and live figures while it runs. */
export function DemoStrip({
  session,
  clients,
}: {
  session: SandboxSession;
  clients: readonly ClientState[];
}) {
  const statuses = useDemoStatuses(session);
  const toast = useToast();
  const [fleetSize, setFleetSize] = useState<number>(sensorFleetDefaults.sensors);
  const byId = new Map(clients.map((client) => [client.definition.clientId, client]));
  const count = (id: string, field: 'received' | 'sent'): number => byId.get(id)?.[field] ?? 0;
  const start = (name: DemoName, title: string) =>
    session
      .startDemo(name, { sensors: fleetSize })
      .catch((error: unknown) =>
        toast({ tone: 'error', title: `Could not start ${title}`, message: errorText(error) }),
      );
  const stop = (name: DemoName) => void session.demos.stop(name);
  const sensors = statuses.sensors.clientIds.filter((id) => id.startsWith('sensor-')).length;

  return (
    <section className={styles.strip} aria-label="Demo scenarios">
      <DemoCard
        name="Sensor fleet"
        icon={<Thermometer size={16} />}
        status={statuses.sensors}
        onStart={() => void start('sensors', 'the sensor fleet')}
        onStop={() => stop('sensors')}
        idle={
          <span className={styles.option}>
            Sensors
            <Segmented label="Fleet size" value={fleetSize} options={fleetSizes} onChange={setFleetSize} />
          </span>
        }
        running={
          <>
            <Figure value={sensors} label="sensors" />
            <Figure value={count('dashboard', 'received')} label="received by dashboard" />
          </>
        }
      >
        MQTT 3.1.1 sensors publish JSON readings on <code>sensors/&#123;id&#125;/temperature</code> twice a
        second; a <code>dashboard</code> client subscribes to <code>sensors/#</code>.
      </DemoCard>
      <DemoCard
        name="Request / response"
        icon={<ArrowLeftRight size={16} />}
        status={statuses.rpc}
        onStart={() => void start('rpc', 'request / response')}
        onStop={() => stop('rpc')}
        running={
          <>
            <Figure value={count('requester', 'sent')} label="requests" />
            <Figure value={count('requester', 'received')} label="replies" />
          </>
        }
      >
        A <code>service</code> answers <code>rpc/+/request</code> on each request's MQTT 5 Response Topic (
        <code>{REPLY_TOPIC}</code>), echoing its Correlation Data.
      </DemoCard>
      <DemoCard
        name="Worker pool"
        icon={<Users size={16} />}
        status={statuses.workers}
        onStart={() => void start('workers', 'the worker pool')}
        onStop={() => stop('workers')}
        running={
          <>
            <Figure value={count('producer', 'sent')} label="jobs" />
            {WORKERS.map((id) => (
              <Figure key={id} value={count(id, 'received')} label={id.replace('worker-', 'w')} />
            ))}
          </>
        }
      >
        Three workers share <code>{SHARED_FILTER}</code>: each job a <code>producer</code> publishes goes to
        one of them.
      </DemoCard>
    </section>
  );
}

function DemoCard({
  name,
  icon,
  status,
  onStart,
  onStop,
  idle,
  running,
  children,
}: {
  name: string;
  icon: ReactNode;
  status: DemoStatus;
  onStart: () => void;
  onStop: () => void;
  idle?: ReactNode;
  running: ReactNode;
  children: ReactNode;
}) {
  const active = status.phase !== 'idle';
  return (
    <article className={`${styles.card} ${active ? styles.active : ''}`} aria-label={name}>
      <header className={styles.header}>
        <span className={styles.icon}>{icon}</span>
        <h2 className={styles.title}>{name}</h2>
        {status.phase === 'running' && (
          <Badge tone="success" dot pulse>
            Running
          </Badge>
        )}
        {status.phase === 'starting' && <Badge tone="accent">Starting…</Badge>}
        {status.phase === 'stopping' && <Badge>Stopping…</Badge>}
      </header>
      <p className={styles.description}>{children}</p>
      <footer className={styles.footer}>
        <div className={styles.figures}>{active ? running : idle}</div>
        {active ? (
          <Button
            size="small"
            icon={<Square size={12} />}
            disabled={status.phase !== 'running'}
            onClick={onStop}
          >
            Stop
          </Button>
        ) : (
          <Button size="small" variant="primary" icon={<Play size={12} />} onClick={onStart}>
            Start
          </Button>
        )}
      </footer>
    </article>
  );
}

function Figure({ value, label }: { value: number; label: string }) {
  return (
    <span className={styles.figure}>
      <strong>{formatCount(value)}</strong> {label}
    </span>
  );
}
