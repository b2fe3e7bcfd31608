import type { MessageView, ScheduledMessageView, SendTimeView } from '@fidelis/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api';

/** When a text to the student, sent now from my number, would go (quiet hours). */
export const useSendTime = (studentId: string) =>
  useQuery({
    queryKey: ['send-time', studentId],
    queryFn: () => api<SendTimeView>(`/api/students/${encodeURIComponent(studentId)}/send-time`),
    // The night ends while the page is open: ask again now and then.
    refetchInterval: 60_000,
  });

/** My scheduled messages, soonest first. */
export const useScheduled = () =>
  useQuery({
    queryKey: ['scheduled'],
    queryFn: () => api<ScheduledMessageView[]>('/api/messages/scheduled'),
  });

/** Cancels one of my scheduled messages; every view refetches. */
export function useCancelScheduled() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (messageId: string) =>
      api<MessageView>(`/api/messages/${encodeURIComponent(messageId)}`, { method: 'DELETE' }),
    onSettled: () => queries.invalidateQueries(),
  });
}

/**
 * When a held message goes, in the student's time and, when it differs, the viewer's:
 * "Thu 8:00 AM their time (Wed 10:00 PM yours)".
 */
export function whenItGoes(iso: string, timezone: string): string {
  const at = new Date(iso);
  const format = (timeZone?: string) =>
    at.toLocaleString(undefined, {
      timeZone,
      weekday: 'short',
      hour: 'numeric',
      minute: '2-digit',
    });
  const theirs = format(timezone);
  const yours = format();
  return theirs === yours ? theirs : `${theirs} their time (${yours} yours)`;
}

/** `at` as a time of day in `timezone`, with the zone's short name: "10:42 PM PST". */
export const localTime = (at: Date, timezone: string): string =>
  at.toLocaleTimeString(undefined, {
    timeZone: timezone,
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  });
