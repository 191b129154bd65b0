/** The dashboard runs attached to a server (its admin API) or in sandbox mode (a broker in the tab). */
export type AppMode = 'server' | 'sandbox';

/** Sandbox mode is asked for with `?mode=sandbox`, or by a path ending in `/sandbox`. */
export function readMode(href: string): AppMode {
  const url = new URL(href);
  if (url.searchParams.get('mode') === 'sandbox') return 'sandbox';
  return /\/sandbox$/.test(url.pathname) ? 'sandbox' : 'server';
}

/** Where to go to switch to `mode` from `href`: a full page load, since each mode has its own link. */
export function modeHref(mode: AppMode, href: string): string {
  const url = new URL(href);
  url.pathname = url.pathname.replace(/\/sandbox$/, '/');
  url.searchParams.delete('mode');
  if (mode === 'sandbox') url.searchParams.set('mode', 'sandbox');
  url.hash = mode === 'sandbox' ? '#/sandbox' : '#/overview';
  return url.href;
}
