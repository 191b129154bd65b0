import { createLocalBrokerLink, type LocalBrokerLink } from '../shared/admin/local-broker-link.ts';
import {
  type AuthHooks,
  type Broker,
  createBroker,
  type EnhancedAuthenticator,
  type Logger,
} from '../shared/index.ts';
import {
  createDashboardHttp,
  type DashboardHttp,
  dashboardUrl,
  listenDashboard,
} from './admin/dashboard-http.ts';
import { defaultStaticDir } from './admin/static-files.ts';
import type { ListenerSpec, ServerConfig } from './config/config-schema.ts';
import { isLoopbackHost } from './config/listen-url.ts';
import { unprotectedDashboardReason } from './config/load-config.ts';
import type { BoundListener } from './listeners/bound-listener.ts';
import { listenTcp } from './listeners/tcp-listener.ts';
import { listenWebSocket } from './listeners/ws-listener.ts';
import { createNodeEnvironment } from './node-environment.ts';
import { version } from './version.ts';

export interface RunningServer {
  readonly broker: Broker;
  /** The BrokerLink the admin API serves; also usable in-process. */
  readonly link: LocalBrokerLink;
  readonly listeners: readonly BoundListener[];
  /** Where the dashboard, its API and `/metrics` are served; undefined when disabled. */
  readonly dashboard: { readonly url: string; readonly port: number } | undefined;
  /** Graceful shutdown: stop accepting, tell clients, flush, close; sockets still open after
   * `deadlineMs` are destroyed. */
  stop(deadlineMs?: number): Promise<void>;
}

export interface StartServerOptions {
  /** The built dashboard; dist/web by default. */
  staticDir?: string;
  /** Authentication and authorisation hooks (username/password, ACLs). */
  auth?: AuthHooks;
  /** MQTT 5 enhanced authentication methods, e.g. createScramAuthenticator(...). */
  enhancedAuth?: EnhancedAuthenticator[];
}

/** Starts the broker, every configured listener and the dashboard; on a listen failure the ones
 * already bound are closed again before the error is thrown. */
export async function startServer(
  config: ServerConfig,
  logger: Logger,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const { dashboard } = config;
  // Also checked when the config is parsed; this covers configs built in code.
  if (dashboard.enabled && dashboard.adminToken === undefined && !isLoopbackHost(dashboard.listen.host)) {
    throw new Error(`dashboard.listen: ${unprotectedDashboardReason(dashboard.listen.url)}`);
  }
  const { mqtt } = config;
  const broker = createBroker({
    env: createNodeEnvironment(logger),
    limits: {
      ...config.limits,
      sharedDispatch: mqtt.sharedDispatch,
      responseTopicPrefix: mqtt.responseTopicPrefix,
      serverReference: mqtt.serverReference
        ? { reference: mqtt.serverReference, permanent: mqtt.serverMoved }
        : undefined,
    },
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.enhancedAuth ? { enhancedAuth: options.enhancedAuth } : {}),
  });
  const link = createLocalBrokerLink(broker, {
    mode: 'server',
    version,
    sysIntervalSeconds: dashboard.sysInterval,
  });
  const http: DashboardHttp | undefined = dashboard.enabled
    ? createDashboardHttp({
        link,
        counters: broker.counters,
        adminToken: dashboard.adminToken,
        staticDir: options.staticDir ?? defaultStaticDir,
        logger,
      })
    : undefined;
  const listeners: BoundListener[] = [];
  const closeAll = async (deadlineMs?: number): Promise<void> => {
    const closed = Promise.all(listeners.map((listener) => listener.close(deadlineMs)));
    broker.shutdown();
    http?.close();
    link.dispose();
    await closed;
  };
  let dashboardAt: RunningServer['dashboard'];
  try {
    for (const spec of config.listen) {
      if (spec.protocol === 'tcp') {
        listeners.push(await listenTcp(broker, spec.host, spec.port));
        continue;
      }
      // The dashboard shares the HTTP server of a ws listener on its own address.
      const shared = http && !dashboardAt && sameAddress(spec, dashboard.listen) ? http : undefined;
      const listener = await listenWebSocket(
        broker,
        spec.host,
        spec.port,
        spec.path,
        shared?.onRequest,
        shared?.onUpgrade,
      );
      listeners.push(listener);
      if (shared) dashboardAt = { url: dashboardUrl(spec.host, listener.port), port: listener.port };
    }
    if (http && !dashboardAt) {
      checkPortCollision(config.listen, dashboard.listen);
      const own = await listenDashboard(http, dashboard.listen.host, dashboard.listen.port);
      listeners.push(own);
      dashboardAt = { url: own.url, port: own.port };
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  const mqttListeners = listeners.filter((listener) => !listener.url.startsWith('http:'));
  let stopping: Promise<void> | undefined;
  const stop = (deadlineMs = 5000): Promise<void> => {
    stopping ??= closeAll(deadlineMs);
    return stopping;
  };
  return { broker, link, listeners: mqttListeners, dashboard: dashboardAt, stop };
}

function sameAddress(spec: ListenerSpec, dashboard: { host: string; port: number }): boolean {
  return spec.host === dashboard.host && spec.port === dashboard.port;
}

const wildcardHosts = new Set(['0.0.0.0', '::']);

/** A dashboard on its own server cannot take a port a wildcard listener already holds, and must not
 * silently share a server that listens on every interface. */
function checkPortCollision(
  listeners: readonly ListenerSpec[],
  dashboard: { host: string; port: number; url: string },
): void {
  if (dashboard.port === 0) return;
  const clash = listeners.find(
    (spec) =>
      spec.port === dashboard.port && (wildcardHosts.has(spec.host) || wildcardHosts.has(dashboard.host)),
  );
  if (clash) {
    throw new Error(
      `dashboard.listen ${dashboard.url} collides with listener ${clash.url}: use the listener's address to share its server, or another port`,
    );
  }
}
