import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `vite build` writes the dashboard (see vite.config.ts). */
export const defaultStaticDir = fileURLToPath(new URL('../../dist/web', import.meta.url));

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Keeps the dashboard out of frames on other sites (its buttons kick clients). */
const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>IoTHub</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}
code{background:#f2f2f2;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>IoTHub is running</h1>
<p>The broker and its admin API (<code>/api/overview</code>, <code>/metrics</code>) are up, but the
dashboard has not been built.</p>
<p>Build it from the IoTHub folder with <code>npm run build:web</code> (it writes <code>dist/web</code>),
then reload this page. <code>npm start</code> builds it when it is missing or out of date.</p></body></html>
`;

export type StaticHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

/**
 * Serves the built dashboard from `root`. Paths without a file extension get `index.html`, so the
 * app's own routes survive a reload. Content-hashed files under `assets/` are cached for good; the
 * rest is revalidated. Without a build, a page says how to make one.
 */
export function createStaticFiles(root: string): StaticHandler {
  const base = resolve(root);
  return async (request, response, url) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      response.end('Method not allowed\n');
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = '\0';
    }
    const file = path.includes('\0') ? undefined : resolve(join(base, path));
    if (file === undefined || (file !== base && !file.startsWith(base + sep))) {
      return sendText(response, 404, 'Not found\n');
    }
    const target = (await isFile(file)) ? file : extname(path) === '' ? join(base, 'index.html') : undefined;
    if (target === undefined) return sendText(response, 404, 'Not found\n');
    let body: Buffer;
    try {
      body = await readFile(target);
    } catch {
      if (target.endsWith(`${sep}index.html`)) {
        response.writeHead(503, {
          ...securityHeaders,
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
        });
        response.end(request.method === 'HEAD' ? undefined : notBuiltPage);
        return;
      }
      return sendText(response, 404, 'Not found\n');
    }
    const immutable = target.startsWith(join(base, 'assets') + sep);
    response.writeHead(200, {
      ...securityHeaders,
      'content-type': contentTypes[extname(target).toLowerCase()] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}
