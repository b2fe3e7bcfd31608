import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from './api';

/** How long to wait before opening the stream again once the browser gave up on it. */
const REOPEN_AFTER_MS = 3_000;

/**
 * Keeps the views live over `GET /api/events`: every event refetches what is on screen, and so
 * does every (re)connection, since events missed while disconnected are not replayed. The browser
 * reconnects by itself after a network error; when it gives up (the gateway answered otherwise
 * than with a stream), the token is checked (a 401 signs out) and the stream opened again.
 */
export function useLiveEvents(token: string): void {
  const queries = useQueryClient();
  useEffect(() => {
    let source: EventSource | undefined;
    let reopen: number | undefined;
    const refetch = () => void queries.invalidateQueries();
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
      source?.close();
    };
  }, [token, queries]);
}
