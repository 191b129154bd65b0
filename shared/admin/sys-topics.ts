import type { Broker } from '../broker/broker.ts';
import type { Clock, TimerHandle } from '../env/environment.ts';
import type { OverviewSnapshot, RateSet } from './broker-link.ts';
import type { LoadAverages } from './rate-meter.ts';

export interface SysMessage {
  topic: string;
  payload: string;
}

const loadNames: Array<[keyof RateSet, string]> = [
  ['messagesIn', 'messages/received'],
  ['messagesOut', 'messages/sent'],
  ['bytesIn', 'bytes/received'],
  ['bytesOut', 'bytes/sent'],
];

/**
 * The `$SYS/broker/...` messages in Mosquitto's layout and formats (`"N seconds"`, loads per minute
 * with two decimals). `messages/*` count PUBLISH packets (Mosquitto's `publish/messages/*`, which
 * IoTHub does not count apart from other packets); dropped messages go to Mosquitto's
 * `publish/messages/dropped`, summed over every drop cause.
 */
export function sysMessages(overview: OverviewSnapshot, loads: LoadAverages): SysMessage[] {
  const prefix = '$SYS/broker/';
  const messages: SysMessage[] = [
    { topic: 'version', payload: `iothub version ${overview.version}` },
    { topic: 'uptime', payload: `${overview.uptimeSeconds} seconds` },
    { topic: 'clients/connected', payload: String(overview.connections) },
    { topic: 'clients/disconnected', payload: String(overview.sessions - overview.connections) },
    { topic: 'clients/total', payload: String(overview.sessions) },
    { topic: 'clients/maximum', payload: String(overview.maxConnections) },
    { topic: 'messages/received', payload: String(overview.totals.messagesIn) },
    { topic: 'messages/sent', payload: String(overview.totals.messagesOut) },
    { topic: 'publish/messages/dropped', payload: String(overview.droppedTotal) },
    { topic: 'bytes/received', payload: String(overview.totals.bytesIn) },
    { topic: 'bytes/sent', payload: String(overview.totals.bytesOut) },
    { topic: 'subscriptions/count', payload: String(overview.subscriptions) },
    { topic: 'retained messages/count', payload: String(overview.retained) },
  ];
  for (const [key, name] of loadNames) {
    for (const window of ['1min', '5min', '15min'] as const) {
      messages.push({ topic: `load/${name}/${window}`, payload: loads[window][key].toFixed(2) });
    }
  }
  for (const message of messages) message.topic = prefix + message.topic;
  return messages;
}

export interface SysTopicsOptions {
  /** Seconds between publications; 0 publishes nothing. */
  intervalSeconds: number;
  figures(): { overview: OverviewSnapshot; loads: LoadAverages };
}

/**
 * Publishes the `$SYS` messages as retained QoS 0 messages from the broker: all of them now, then
 * every interval the ones whose value changed (as Mosquitto does). Returns a stop function.
 */
export function startSysTopics(broker: Broker, clock: Clock, options: SysTopicsOptions): () => void {
  if (options.intervalSeconds <= 0) return () => {};
  const published = new Map<string, string>();
  const encoder = new TextEncoder();
  let timer: TimerHandle | undefined;
  const publishChanged = (): void => {
    const { overview, loads } = options.figures();
    for (const { topic, payload } of sysMessages(overview, loads)) {
      if (published.get(topic) === payload) continue;
      published.set(topic, payload);
      broker.publish({ topic, payload: encoder.encode(payload), qos: 0, retain: true });
    }
  };
  const run = (): void => {
    try {
      publishChanged();
    } catch (error) {
      broker.env.logger.error('$SYS publication failed', { error: String(error) });
    }
    timer = clock.setTimer(run, options.intervalSeconds * 1000);
  };
  run();
  return () => {
    if (timer !== undefined) clock.clearTimer(timer);
    timer = undefined;
  };
}
