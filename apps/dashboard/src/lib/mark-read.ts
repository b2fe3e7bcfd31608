import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from './api';

/** Opening a conversation, and every message arriving while it is open, marks it read. */
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
