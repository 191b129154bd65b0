/** The admin token lives for the tab's session only, never in localStorage. */
export const TOKEN_STORAGE_KEY = 'iothub.token';

/** A token given as `?token=` is kept for the session and dropped from the address bar. */
export function readToken(): string | undefined {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.href);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_STORAGE_KEY) || undefined;
}
