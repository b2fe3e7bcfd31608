import { Alert, Button, Group, Stack, Text, Textarea } from '@mantine/core';
import type { MessageView } from '@fidelis/contracts';
import { smsSize } from '@fidelis/sms';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { api } from '../lib/api';

/** What sending costs, as carriers count it: "2 segments · GSM-7". */
export function segmentWords(body: string): string {
  const { segments, encoding } = smsSize(body);
  return `${segments} ${segments === 1 ? 'segment' : 'segments'} · ${encoding}`;
}

/**
 * Texts a student from my number. A refused send keeps its text, with the reason; a message
 * that SMS cannot carry (no phone, opted out) says it goes by email.
 */
export function Composer({ studentId, note }: { studentId: string; note?: string }) {
  const [body, setBody] = useState('');
  const queries = useQueryClient();
  const send = useMutation({
    mutationFn: (text: string) =>
      api<MessageView>('/api/messages', { method: 'POST', body: { studentId, body: text } }),
    onSuccess: () => {
      setBody('');
      void queries.invalidateQueries();
    },
  });

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (body.trim() && !send.isPending) send.mutate(body);
  };
  const sendOnCtrlEnter = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit();
  };
  const sent = send.data;

  return (
    <form onSubmit={submit}>
      <Stack gap="xs">
        {note && <Alert color="yellow">{note}</Alert>}
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
          <Button type="submit" loading={send.isPending} disabled={!body.trim()}>
            Send
          </Button>
        </Group>
        {send.isError && (
          <Alert color="red" title="Not sent">
            {send.error.message}
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
