import type { VirtualClient } from '../virtual-client.ts';
import type { DemoStart } from './demo-runner.ts';

export interface SensorFleetOptions {
  sensors: number;
  /** Between two readings of one sensor. */
  intervalMs?: number;
  random?: () => number;
}

export const sensorFleetDefaults = { sensors: 6, intervalMs: 500 };

export const sensorId = (index: number): string => `sensor-${String(index + 1).padStart(2, '0')}`;

/** A fleet of MQTT 3.1.1 sensors publishing JSON readings on `sensors/{id}/temperature`, each with
 * a retained `online`/`offline` status (its will says `offline`), and an MQTT 5 `dashboard`
 * consumer subscribed to `sensors/#`. */
export const startSensorFleet: DemoStart<SensorFleetOptions> = async (context, options) => {
  const random = options.random ?? Math.random;
  const dashboard = await context.open({ clientId: 'dashboard', protocolVersion: 5, clean: true });
  await dashboard.subscribe('sensors/#', 1);
  const sensors: { client: VirtualClient; temperature: number; humidity: number; battery: number }[] = [];
  for (let index = 0; index < options.sensors; index++) {
    const id = sensorId(index);
    const client = await context.open({
      clientId: id,
      protocolVersion: 4,
      clean: true,
      will: { topic: `sensors/${id}/status`, payload: 'offline', qos: 1, retain: true },
    });
    await client.publish({ topic: `sensors/${id}/status`, payload: 'online', qos: 1, retain: true });
    sensors.push({ client, temperature: 18 + random() * 6, humidity: 40 + random() * 20, battery: 100 });
  }
  context.every(options.intervalMs ?? sensorFleetDefaults.intervalMs, () => {
    for (const sensor of sensors) {
      if (sensor.client.state.status !== 'connected') continue;
      sensor.temperature += (random() - 0.5) * 0.4;
      sensor.humidity = Math.min(95, Math.max(5, sensor.humidity + (random() - 0.5)));
      sensor.battery = Math.max(0, sensor.battery - random() * 0.05);
      const reading = {
        sensor: sensor.client.id,
        temperature: round(sensor.temperature, 2),
        humidity: round(sensor.humidity, 1),
        battery: round(sensor.battery, 1),
        unit: 'C',
        at: new Date().toISOString(),
      };
      void sensor.client
        .publish({
          topic: `sensors/${sensor.client.id}/temperature`,
          payload: JSON.stringify(reading),
          qos: 0,
          retain: false,
        })
        .catch(() => {});
    }
  });
  return async () => {
    // Leaving properly discards the will, so say it ourselves.
    await Promise.all(
      sensors
        .filter((sensor) => sensor.client.state.status === 'connected')
        .map((sensor) =>
          sensor.client.publish({
            topic: `sensors/${sensor.client.id}/status`,
            payload: 'offline',
            qos: 1,
            retain: true,
          }),
        ),
    );
  };
};

const round = (value: number, digits: number): number => Number(value.toFixed(digits));
