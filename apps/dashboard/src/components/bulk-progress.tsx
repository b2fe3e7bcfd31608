import {
  Alert,
  Anchor,
  Button,
  Group,
  Loader,
  Progress,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import type { BulkProgressView, MessageView } from '@fidelis/contracts';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { api } from '../lib/api';
import { formatPhone, statusWords } from '../lib/format';
import { useStudent } from '../lib/queries';

/** While messages wait for Twilio, the counts move every second. */
const SENDING_POLL_MS = 1_000;
/** Once all are handed over, delivery reports trickle in (and also arrive as live events). */
const DELIVERY_POLL_MS = 5_000;

const percent = (part: number, total: number) => (total === 0 ? 0 : (part / total) * 100);

/** A bulk send going out: a bar and counts that move live, then "Done" and who was not texted. */
export function BulkProgress({ bulkId }: { bulkId: string }) {
  const progress = useQuery({
    queryKey: ['bulk', bulkId],
    queryFn: () => api<BulkProgressView>(`/api/messages/bulk/${encodeURIComponent(bulkId)}`),
    refetchInterval: (query) => {
      const counts = query.state.data;
      if (!counts?.done) return SENDING_POLL_MS;
      return counts.sent > 0 ? DELIVERY_POLL_MS : false;
    },
  });

  if (progress.isPending) return <Loader aria-label="Loading the bulk message" />;
  if (progress.isError) return <Alert color="red">{progress.error.message}</Alert>;
  const counts = progress.data;
  const { total, queued, sent, delivered, failed, fallback, scheduled, done } = counts;
  const undelivered = failed + fallback > 0;

  return (
    <Stack maw={720}>
      <Title order={1} size="h3">
        {done ? 'Done' : 'Sending…'}
      </Title>
      <Text aria-live="polite">
        {done
          ? `All ${total} ${total === 1 ? 'message has' : 'messages have'} gone out.`
          : `${total - queued - scheduled} of ${total} handed to the carriers so far.`}
      </Text>
      {scheduled > 0 && (
        <Text>
          {scheduled} {scheduled === 1 ? 'student is' : 'students are'} in their quiet hours: their{' '}
          {scheduled === 1 ? 'text waits' : 'texts wait'} for their morning, on your{' '}
          <Anchor component={Link} to="/scheduled">
            Scheduled
          </Anchor>{' '}
          page until then.
        </Text>
      )}
      <Progress.Root size="xl" aria-label="Progress of the bulk message">
        <Progress.Section
          value={percent(delivered, total)}
          color="teal"
          aria-label={`Delivered: ${delivered} of ${total}`}
        />
        <Progress.Section
          value={percent(sent, total)}
          color="blue"
          aria-label={`Sent: ${sent} of ${total}`}
          animated={!done}
        />
        <Progress.Section
          value={percent(failed, total)}
          color="red"
          aria-label={`Not delivered: ${failed} of ${total}`}
        />
      </Progress.Root>
      <SimpleGrid cols={{ base: 2, xs: 3, sm: 6 }} spacing="xs">
        <Count label="Queued" value={queued} />
        <Count label="Scheduled" value={scheduled} />
        <Count label="Sent" value={sent} />
        <Count label="Delivered" value={delivered} />
        <Count label="Not delivered" value={failed} link={failed > 0} />
        <Count label="Emailed instead" value={fallback} link={fallback > 0} />
      </SimpleGrid>
      {undelivered && <NotTexted bulkId={bulkId} counts={counts} />}
      {done && (
        <Group>
          <Button component={Link} to="/bulk">
            Start another bulk message
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** A count; one that names a problem links to the list of the students concerned. */
function Count({ label, value, link }: { label: string; value: number; link?: boolean }) {
  const figure: ReactNode = (
    <Text fz="xl" fw={700}>
      {value}
    </Text>
  );
  return (
    <Stack gap={0}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      {link ? (
        <Anchor href="#not-texted" aria-label={`${label}: ${value}, see who`} underline="always">
          {figure}
        </Anchor>
      ) : (
        figure
      )}
    </Stack>
  );
}

/** The students the text did not reach, with what happened instead; refetched as counts move. */
function NotTexted({ bulkId, counts }: { bulkId: string; counts: BulkProgressView }) {
  const messages = useQuery({
    queryKey: ['bulk', bulkId, 'undelivered', counts.failed, counts.fallback],
    queryFn: () =>
      api<MessageView[]>(`/api/messages/bulk/${encodeURIComponent(bulkId)}/undelivered`),
  });
  return (
    <Stack gap="xs" id="not-texted">
      <Title order={2} size="h5">
        Not delivered by text
      </Title>
      {messages.isPending && <Loader size="sm" aria-label="Loading who was not texted" />}
      {messages.isError && <Alert color="red">{messages.error.message}</Alert>}
      {messages.data && (
        <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: 'none' }}>
          {messages.data.map((message) => (
            <NotTextedRow key={message.id} message={message} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function NotTextedRow({ message }: { message: MessageView }) {
  const studentId = message.studentId ?? '';
  const student = useStudent(studentId);
  return (
    <li>
      <Anchor component={Link} to={`/students/${encodeURIComponent(studentId)}`}>
        {student.data?.name ?? (message.to ? formatPhone(message.to) : studentId)}
      </Anchor>
      <Text size="sm" c="dimmed">
        {statusWords(message)}
      </Text>
    </li>
  );
}
