import { useSyncExternalStore } from 'react';

/** The tab's dashboard token: kept for this browser tab only (CONTRACT.md §7). */
const TOKEN_KEY = 'fidelis.token';
const listeners = new Set<() => void>();

const notify = () => listeners.forEach((listener) => listener());

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  signIn(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
    notify();
  },
  signOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    notify();
  },
};

/**
 * The platform hands a signed-in staff member over as `/#access_token=<JWT>`: keep the token and
 * take it out of the address bar at once, so it is neither bookmarked nor shared.
 */
export function takeTokenFromAddress(): void {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('access_token');
  if (!token) return;
  session.signIn(token);
  window.history.replaceState(
    window.history.state,
    '',
    window.location.pathname + window.location.search,
  );
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useToken = (): string | null => useSyncExternalStore(subscribe, session.token);
