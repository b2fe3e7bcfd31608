import { Alert, Anchor, Button, Group, Stack, Text, Textarea } from '@mantine/core';
import type { MessageView } from '@fidelis/contracts';
import { smsSize } from '@fidelis/sms';
import { useMutation, useMutationState, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { v4 as newKey } from 'uuid';
import { Link } from 'react-router';
import { api, UNREACHABLE } from '../lib/api';
import { useSendTime, whenItGoes } from '../lib/schedule';

/**
 * A send without an answer may well have gone (only the answer got lost); Try again, with the same
 * Idempotency-Key, never sends it twice, so that is what the staff member is told.
 */
const MAYBE_SENT =
  'Fidelis SMS did not answer, so this message may not have gone. Try again: it is never sent twice.';

/** What sending costs, as carriers count it: "2 segments · GSM-7". */
export function segmentWords(body: string): string {
  const { segments, encoding } = smsSize(body);
  return `${segments} ${segments === 1 ? 'segment' : 'segments'} · ${encoding}`;
}

/** A message on its way; the key makes sending it again a retry the API sends at most once. */
interface Sending {
  body: string;
  idempotencyKey: string;
}

const sendKey = (studentId: string) => ['send', studentId];

/** A message being sent: its words, and when the send began (ms, the browser's clock). */
export interface Pending {
  body: string;
  since: number;
}

/** What is being sent to the student right now, for the thread to show at once as "Sending…". */
export const useSending = (studentId: string | undefined): Pending[] =>
  useMutationState({
    filters: { mutationKey: sendKey(studentId ?? ''), status: 'pending' },
    select: (mutation) => ({
      body: (mutation.state.variables as Sending).body,
      since: mutation.state.submittedAt,
    }),
  });

/**
 * Texts a student from my number. The text leaves the box at once and shows in the thread as
 * "Sending…" until the thread has the real message. A send that fails (refused, or no network)
 * comes back to the box with the reason and "Try again", which sends it once however often it is
 * tried. A message that SMS cannot carry (no phone, opted out) says it goes by email.
 */
export function Composer({ studentId, note }: { studentId: string; note?: string }) {
  const [body, setBody] = useState('');
  const queries = useQueryClient();
  const sendTime = useSendTime(studentId);
  const heldUntil = sendTime.data?.sendAt;
  const send = useMutation({
    mutationKey: sendKey(studentId),
    mutationFn: ({ body: text, idempotencyKey }: Sending) =>
      api<MessageView>('/api/messages', {
        method: 'POST',
        body: { studentId, body: text },
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    onError: (_error, failed) => setBody((typed) => typed || failed.body),
    // Returned, so the message stays "Sending…" until the refetched thread shows it.
    onSettled: () => queries.invalidateQueries(),
  });

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!body.trim()) return;
    const retry = send.isError && send.variables.body === body;
    send.mutate({ body, idempotencyKey: retry ? send.variables.idempotencyKey : newKey() });
    setBody('');
  };
  const sendOnCtrlEnter = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit();
  };
  const sent = send.data;
  const unanswered = send.error?.message === UNREACHABLE;

  return (
    <form onSubmit={submit}>
      <Stack gap="xs">
        {note && <Alert color="yellow">{note}</Alert>}
        {heldUntil && sendTime.data && (
          <Alert color="blue" title="Quiet hours">
            It&apos;s night where this student is. Sent now, your message waits and goes{' '}
            {whenItGoes(heldUntil, sendTime.data.timezone)}.
          </Alert>
        )}
        <Textarea
          label="Message"
          autosize
          minRows={2}
          maxRows={8}
          value={body}
          onChange={(event) => setBody(event.currentTarget.value)}
          onKeyDown={sendOnCtrlEnter}
        />
        <Group justify="space-between">
          <Text size="sm" c="dimmed" aria-live="polite">
            {segmentWords(body)}
          </Text>
          <Button type="submit" disabled={!body.trim()}>
            Send
          </Button>
        </Group>
        {send.isError && (
          <Alert color="red" title={unanswered ? 'Maybe not sent' : 'Not sent'}>
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{unanswered ? MAYBE_SENT : send.error.message}</Text>
              {send.variables.body === body && (
                <Button size="compact-sm" variant="light" color="red" onClick={() => submit()}>
                  Try again
                </Button>
              )}
            </Stack>
          </Alert>
        )}
        {sent?.status === 'scheduled' && sent.sendAt && sendTime.data && (
          <Alert color="blue">
            Scheduled: it goes {whenItGoes(sent.sendAt, sendTime.data.timezone)}.{' '}
            <Anchor component={Link} to="/scheduled">
              See your scheduled messages
            </Anchor>
          </Alert>
        )}
        {sent?.fallback && (
          <Alert color="yellow">
            This message goes by email to {sent.fallback.to}: texts can&apos;t reach this student
            from your number.
          </Alert>
        )}
      </Stack>
    </form>
  );
}
