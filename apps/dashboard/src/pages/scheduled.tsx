import { Alert, Anchor, Button, Group, Loader, Modal, Stack, Text, Title } from '@mantine/core';
import type { ScheduledMessageView } from '@fidelis/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { useCancelScheduled, useScheduled } from '../lib/schedule';
import { formatPhone } from '../lib/format';

/**
 * My scheduled messages: those waiting for the end of a student's quiet hours and those I asked
 * to go later, soonest first, each with when it goes and a Cancel that asks first.
 */
export function ScheduledPage() {
  const scheduled = useScheduled();
  const cancel = useCancelScheduled();
  const [asked, setAsked] = useState<ScheduledMessageView | null>(null);

  return (
    <Stack maw={720}>
      <Title order={1} size="h3">
        Scheduled
      </Title>
      {scheduled.isPending && <Loader aria-label="Loading scheduled messages" />}
      {scheduled.isError && <Alert color="red">{scheduled.error.message}</Alert>}
      {cancel.isError && (
        <Alert color="red" title="Not canceled">
          {cancel.error.message}
        </Alert>
      )}
      {scheduled.data?.length === 0 && (
        <Text c="dimmed">
          Nothing scheduled. A text to a student in their quiet hours (at night, their time) waits
          here until their morning, unless they wrote to you within the last day.
        </Text>
      )}
      {scheduled.data && scheduled.data.length > 0 && (
        <ul aria-label="Scheduled messages" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {scheduled.data.map((message) => (
            <li key={message.id}>
              <Stack
                gap={4}
                py="sm"
                style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}
              >
                <Group justify="space-between" wrap="nowrap" align="flex-start">
                  <div>
                    <Text size="sm" fw={600}>
                      To{' '}
                      {message.studentId ? (
                        <Anchor
                          component={Link}
                          to={`/students/${encodeURIComponent(message.studentId)}`}
                        >
                          {message.studentName ?? message.studentId}
                        </Anchor>
                      ) : (
                        formatPhone(message.to ?? '')
                      )}
                    </Text>
                    <Text size="sm" c="dimmed">
                      Goes{' '}
                      <time dateTime={message.sendAt ?? undefined}>
                        {message.sendAt ? goesAt(message.sendAt) : 'soon'}
                      </time>
                    </Text>
                  </div>
                  <Button
                    variant="default"
                    size="compact-sm"
                    onClick={() => setAsked(message)}
                    aria-label={`Cancel the message to ${message.studentName ?? 'this student'}`}
                  >
                    Cancel
                  </Button>
                </Group>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                  {message.body}
                </Text>
              </Stack>
            </li>
          ))}
        </ul>
      )}
      <Modal
        opened={asked !== null}
        onClose={() => setAsked(null)}
        title="Cancel this message?"
        centered
      >
        <Stack>
          <Text size="sm">
            It will not be sent to {asked?.studentName ?? 'the student'}. This cannot be undone.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsked(null)}>
              Keep it
            </Button>
            <Button
              color="red"
              loading={cancel.isPending}
              onClick={() => {
                if (asked) cancel.mutate(asked.id, { onSettled: () => setAsked(null) });
              }}
            >
              Cancel the message
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

/** "Thu, Dec 3, 8:00 AM", in the viewer's time zone. */
const goesAt = (iso: string) =>
  new Date(iso).toLocaleString(undefined, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
