import { useCallback, useSyncExternalStore } from 'react';

export const views = ['overview', 'sessions', 'topics', 'live', 'publish', 'retained', 'sandbox'] as const;
export type ViewName = (typeof views)[number];

export interface Route {
  view: ViewName;
  /** The rest of the path, decoded: a client id or a topic. */
  param?: string;
}

/** `#/sessions/sensor%2F1` → { view: 'sessions', param: 'sensor/1' }; anything unknown is the overview. */
export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const slash = path.indexOf('/');
  const head = slash < 0 ? path : path.slice(0, slash);
  const view = views.find((name) => name === head) ?? 'overview';
  if (slash < 0 || view !== head) return { view };
  try {
    const param = decodeURIComponent(path.slice(slash + 1));
    return param ? { view, param } : { view };
  } catch {
    return { view };
  }
}

export function formatHash(route: Route): string {
  return `#/${route.view}${route.param === undefined ? '' : `/${encodeURIComponent(route.param)}`}`;
}

const subscribe = (listener: () => void): (() => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};

export function useRoute(): [Route, (route: Route, replace?: boolean) => void] {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  const navigate = useCallback((route: Route, replace = false) => {
    const next = formatHash(route);
    if (replace) {
      window.history.replaceState(null, '', next);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } else {
      window.location.hash = next;
    }
  }, []);
  return [parseHash(hash), navigate];
}
