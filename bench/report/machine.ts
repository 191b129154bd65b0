import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export interface MachineInfo {
  date: string;
  cores: number;
  cpuModel: string;
  node: string;
  aedes: string;
  mosquitto: string;
}

export function describeMachine(mosquittoPath: string | undefined): MachineInfo {
  return {
    date: new Date().toISOString(),
    cores: availableParallelism(),
    cpuModel: readCpuModel(),
    node: process.version,
    aedes: readAedesVersion(),
    mosquitto: mosquittoPath ? readMosquittoVersion(mosquittoPath) : 'not installed',
  };
}

function readCpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return match?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function readAedesVersion(): string {
  const url = new URL('../../node_modules/aedes/package.json', import.meta.url);
  try {
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function readMosquittoVersion(path: string): string {
  try {
    // `mosquitto -h` prints "mosquitto version 2.0.11" and exits non-zero.
    execFileSync(path, ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const output = String((error as { stdout?: string }).stdout ?? '');
    const match = /version (\S+)/.exec(output);
    if (match) return match[1]!;
  }
  return 'unknown';
}
