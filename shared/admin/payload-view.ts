import { Buffer } from 'buffer';
import type { PayloadView } from './broker-link.ts';

/** Largest payload preview kept or sent for display. */
export const maxPreviewBytes = 1024;

/** Copies at most `limit` bytes, so a preview never pins a large receive buffer in memory. */
export function copyPreview(payload: Uint8Array, limit = maxPreviewBytes): Uint8Array {
  return payload.slice(0, Math.min(limit, payload.length));
}

/** A display view of a payload: base64 of its first `limit` bytes and its full size. */
export function toPayloadView(
  payload: Uint8Array,
  size = payload.length,
  limit = maxPreviewBytes,
): PayloadView {
  const shown = payload.length > limit ? payload.subarray(0, limit) : payload;
  return {
    base64: Buffer.from(shown.buffer, shown.byteOffset, shown.byteLength).toString('base64'),
    size,
    truncated: size > shown.length,
  };
}

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Payload bytes from a publish form; undefined when `text` is not canonical padded base64. */
export function decodePayload(text: string, encoding: 'utf8' | 'base64'): Uint8Array | undefined {
  if (encoding === 'utf8') return new TextEncoder().encode(text);
  if (!base64Pattern.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
