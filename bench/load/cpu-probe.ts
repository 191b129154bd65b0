import { readCpuSeconds } from './proc-stats.ts';

/** What a scenario calls when its measured window opens and closes. */
export interface WindowProbe {
  begin(): void;
  end(): void;
}

export interface CpuShares {
  /** Percent of one core, over the window. */
  broker: number;
  generator: number;
}

/**
 * Reads the broker's CPU time from /proc (the same way for a C or a Node broker) and the load
 * generator's own from `process.cpuUsage`, at the window's edges.
 */
export class CpuProbe implements WindowProbe {
  private start: { wall: number; broker: number; generator: NodeJS.CpuUsage } | undefined;
  private shares: CpuShares | undefined;

  constructor(private readonly brokerPid: number) {}

  begin(): void {
    this.start = {
      wall: performance.now(),
      broker: readCpuSeconds(this.brokerPid),
      generator: process.cpuUsage(),
    };
  }

  end(): void {
    if (!this.start) return;
    const seconds = (performance.now() - this.start.wall) / 1000;
    const generator = process.cpuUsage(this.start.generator);
    this.shares = {
      broker: ((readCpuSeconds(this.brokerPid) - this.start.broker) / seconds) * 100,
      generator: ((generator.user + generator.system) / 1e6 / seconds) * 100,
    };
  }

  result(): CpuShares | undefined {
    return this.shares;
  }
}

export const noProbe: WindowProbe = { begin: () => {}, end: () => {} };
