import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from './api';

/**
 * When the newest of the messages shown was written (0 for none): it changes when a message
 * arrives, not when a status changes or an earlier page loads.
 */
export const newestAt = (messages: { createdAt: string }[] | undefined): number =>
  Date.parse(messages?.at(-1)?.createdAt ?? '') || 0;

/**
 * Opening a conversation, and every message arriving while it is open (`seenAt`, see `newestAt`),
 * marks it read.
 */
export function useMarkRead(contactPhone: string | null | undefined, seenAt: number): void {
  const queries = useQueryClient();
  const { mutate } = useMutation({
    mutationFn: (phone: string) =>
      api('/api/sms/tile/read', { method: 'POST', body: { contactPhone: phone } }),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['tile'] }),
  });
  useEffect(() => {
    if (contactPhone && seenAt > 0) mutate(contactPhone);
  }, [contactPhone, seenAt, mutate]);
}
