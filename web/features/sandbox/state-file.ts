import { type ClientDefinition, isClientDefinition } from './client-definition.ts';

export const STATE_FILE_FORMAT = 'iothub-sandbox';

/** The exported file: the engine's own state (sessions, subscriptions, retained and queued
 * messages) plus the page's virtual client definitions. */
export interface StateFile {
  format: typeof STATE_FILE_FORMAT;
  version: 1;
  exportedAt: string;
  broker: unknown;
  clients: ClientDefinition[];
}

export function buildStateFile(brokerJson: string, clients: ClientDefinition[], at: Date): string {
  const file: StateFile = {
    format: STATE_FILE_FORMAT,
    version: 1,
    exportedAt: at.toISOString(),
    broker: JSON.parse(brokerJson),
    clients,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export interface ParsedStateFile {
  /** For the engine's importState. */
  brokerJson: string;
  clients: ClientDefinition[];
}

/** Reads a file written by `buildStateFile`, or a bare engine export (no client definitions). */
export function parseStateFile(text: string): ParsedStateFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('This file is not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('This file does not hold a sandbox state');
  }
  const record = parsed as Record<string, unknown>;
  if (record.format !== STATE_FILE_FORMAT) return { brokerJson: text, clients: [] };
  if (record.version !== 1) throw new Error(`Unknown sandbox state version ${String(record.version)}`);
  if (record.broker === undefined) throw new Error('The file has no broker state');
  const clients = Array.isArray(record.clients) ? record.clients.filter(isClientDefinition) : [];
  return { brokerJson: JSON.stringify(record.broker), clients: clients.filter((c) => !c.demo) };
}

/** `iothub-sandbox-2026-03-04-0915.json` */
export function stateFileName(at: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  const day = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return `iothub-sandbox-${day}-${pad(at.getHours())}${pad(at.getMinutes())}.json`;
}
