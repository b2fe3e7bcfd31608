import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from './api';

/** How long to wait before opening the stream again once the browser gave up on it. */
const REOPEN_AFTER_MS = 3_000;
/**
 * Events come in bursts (a bulk's statuses; to admins and managers, every message at the school):
 * the views are refetched once per burst, this long after its first event, not once per event.
 */
const COALESCE_MS = 250;

/**
 * Keeps the views live over `GET /api/events`: events refetch what is on screen, and so
 * does every (re)connection, since events missed while disconnected are not replayed. The browser
 * reconnects by itself after a network error; when it gives up (the gateway answered otherwise
 * than with a stream), the token is checked (a 401 signs out) and the stream opened again.
 */
export function useLiveEvents(token: string): void {
  const queries = useQueryClient();
  useEffect(() => {
    let source: EventSource | undefined;
    let reopen: number | undefined;
    let pending: number | undefined;
    const refetch = () => {
      pending ??= window.setTimeout(() => {
        pending = undefined;
        void queries.invalidateQueries();
      }, COALESCE_MS);
    };
    const open = () => {
      source = new EventSource(`/api/events?access_token=${encodeURIComponent(token)}`);
      source.addEventListener('open', refetch);
      source.addEventListener('sms.received', refetch);
      source.addEventListener('sms.status', refetch);
      source.addEventListener('error', () => {
        if (source?.readyState !== EventSource.CLOSED) return;
        reopen = window.setTimeout(() => {
          api('/api/me').then(open, () => undefined);
        }, REOPEN_AFTER_MS);
      });
    };
    open();
    return () => {
      window.clearTimeout(reopen);
      window.clearTimeout(pending);
      source?.close();
    };
  }, [token, queries]);
}
