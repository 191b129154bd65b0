import { cloneConfig, defaultConfig, type ServerConfig } from '../../server/config/config-schema.ts';
import { parseDashboardUrl, parseListenUrl } from '../../server/config/listen-url.ts';
import { benchLimits } from './bench-limits.ts';

/** IoTHub's defaults, one loopback TCP listener, the bench limits, warnings only. */
export function benchIothubConfig(port: number): ServerConfig {
  const config = cloneConfig(defaultConfig);
  config.listen = [parseListenUrl(`tcp://127.0.0.1:${port}`)];
  config.limits.maxQueuedMessages = benchLimits.maxQueuedMessages;
  config.limits.maxInflight = benchLimits.maxInflight;
  config.limits.maxOutputBufferBytes = benchLimits.maxOutputBufferBytes;
  config.log.level = 'warn';
  // The dashboard stays on, as in a default deployment, on a port of its own choosing.
  config.dashboard.listen = parseDashboardUrl('http://127.0.0.1:0');
  return config;
}
