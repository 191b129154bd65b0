import type { PayloadView } from '../../shared/admin/broker-link.ts';

export type PayloadKind = 'empty' | 'json' | 'text' | 'binary';

export interface DecodedPayload {
  kind: PayloadKind;
  bytes: Uint8Array;
  /** The UTF-8 text when the bytes are valid, printable UTF-8. */
  text?: string;
  /** Pretty-printed JSON when the text parses as an object or array. */
  json?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Works out how to show a payload: pretty JSON, text, or (for anything else) hex. */
export function decodePayload(payload: PayloadView): DecodedPayload {
  const bytes = decodeBase64(payload.base64);
  if (bytes.length === 0) return { kind: 'empty', bytes };
  const text = decodeText(bytes);
  if (text === undefined) return { kind: 'binary', bytes };
  const json = prettyJson(text);
  return json === undefined ? { kind: 'text', bytes, text } : { kind: 'json', bytes, text, json };
}

/** One line for tables and streams: text as is, JSON compacted, binary as leading hex bytes. */
export function previewPayload(payload: PayloadView | undefined, maxChars = 160): string {
  if (!payload) return '';
  const decoded = decodePayload(payload);
  switch (decoded.kind) {
    case 'empty':
      return '(empty)';
    case 'binary':
      return formatHexInline(decoded.bytes.subarray(0, Math.ceil(maxChars / 3)));
    default: {
      const oneLine = decoded.text!.replace(/\s+/g, ' ').trim();
      return oneLine.length > maxChars ? `${oneLine.slice(0, maxChars)}…` : oneLine;
    }
  }
}

function decodeText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  // Control characters other than tab, CR and LF mean binary data that happens to be valid UTF-8.
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 9 && code !== 10 && code !== 13) || code === 0x7f) return undefined;
  }
  return text;
}

function prettyJson(text: string): string | undefined {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return undefined;
  }
}

const hexByte = (byte: number): string => byte.toString(16).padStart(2, '0');

export function formatHexInline(bytes: Uint8Array): string {
  return Array.from(bytes, hexByte).join(' ');
}

/** Classic 16-bytes-per-line dump: offset, hex, printable ASCII. */
export function formatHexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    const hex = Array.from(row, hexByte).join(' ').padEnd(47, ' ');
    const ascii = Array.from(row, (byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.'));
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex}  ${ascii.join('')}`);
  }
  return lines.join('\n');
}
