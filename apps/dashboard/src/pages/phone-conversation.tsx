import { Alert, Anchor, Loader, Stack, Text, Title } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { Composer, useSending } from '../components/composer';
import { earlierOf, Thread } from '../components/thread';
import { formatPhone } from '../lib/format';
import { newestAt, useMarkRead } from '../lib/mark-read';
import { useConversation } from '../lib/queries';

/** The conversation on my number with one phone, a student's or an unknown sender's. */
export function PhoneConversationPage() {
  const contactPhone = useSearchParams()[0].get('contactPhone') ?? '';
  const messages = useConversation(contactPhone);
  useMarkRead(contactPhone, newestAt(messages.data));

  const known = messages.data?.findLast((message) => message.studentId !== null);
  const sending = useSending(known?.studentId ?? undefined);

  if (!contactPhone) {
    return <Alert color="yellow">The address names no phone (?contactPhone=+1…).</Alert>;
  }
  return (
    <Stack maw={720}>
      {/* On a phone the conversation takes the screen; a wide one shows the tile beside it. */}
      <Anchor component={Link} to="/" size="sm" hiddenFrom="md">
        ← SMS tile
      </Anchor>
      <Title order={2} size="h3">
        {formatPhone(contactPhone)}
      </Title>
      {messages.isPending && <Loader aria-label="Loading messages" />}
      {messages.isError && <Alert color="red">{messages.error.message}</Alert>}
      {messages.data && (
        <Thread
          messages={messages.data}
          them={formatPhone(contactPhone)}
          earlier={earlierOf(messages)}
          sending={sending}
        />
      )}
      {known?.studentId ? (
        <Composer studentId={known.studentId} />
      ) : (
        <Text size="sm" c="dimmed">
          This phone is not a student&apos;s in the directory, so there is no one to answer yet.
        </Text>
      )}
    </Stack>
  );
}
