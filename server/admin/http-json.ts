import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminInputError } from '../../shared/admin/admin-input.ts';

/** Largest request body the admin API reads. */
export const maxBodyBytes = 1024 * 1024;

const jsonHeaders = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { ...jsonHeaders, 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

export function sendError(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, { error: message }, headers);
}

/** Reads and parses a JSON body of at most `limit` bytes; AdminInputError 413 or 400 otherwise. */
export async function readJsonBody(request: IncomingMessage, limit = maxBodyBytes): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks, size).toString('utf8');
  if (text.trim() === '') throw new AdminInputError('expected a JSON body');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AdminInputError(`invalid JSON: ${(error as Error).message}`);
  }
}

function tooLarge(limit: number): AdminInputError {
  return new AdminInputError(`request body larger than ${limit} bytes`, 413);
}
