import {
  Alert,
  Badge,
  Group,
  Loader,
  Stack,
  Text,
  Title,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import type { TileRow } from '@fidelis/contracts';
import { Link } from 'react-router';
import { formatPhone, formatWhen } from '../lib/format';
import { useMe, useTile } from '../lib/queries';
import classes from './tile.module.css';

/** Where a conversation opens: the student's view, or the phone's for an unknown sender. */
export const conversationAddress = (row: Pick<TileRow, 'studentId' | 'contactPhone'>) =>
  row.studentId
    ? `/students/${encodeURIComponent(row.studentId)}`
    : `/sms?contactPhone=${encodeURIComponent(row.contactPhone)}`;

/** My SMS tile: a conversation per phone, newest first, unread ones standing out. */
export function TilePage() {
  const tile = useTile();
  const me = useMe().data;

  return (
    <Stack maw={720}>
      <Title order={1} size="h3">
        SMS tile
      </Title>
      {tile.isPending && <Loader aria-label="Loading conversations" />}
      {tile.isError && <Alert color="red">{tile.error.message}</Alert>}
      {tile.data?.length === 0 && me && (
        <Text c="dimmed">
          {me.number
            ? `No conversations yet. Students reach you by texting ${formatPhone(me.number.phoneNumber)}.`
            : "You don't have a texting number yet. An admin can assign one."}
        </Text>
      )}
      {tile.data && tile.data.length > 0 && (
        <ul className={classes.list} aria-label="Conversations">
          {tile.data.map((row) => (
            <li key={row.contactPhone}>
              <ConversationLink row={row} />
            </li>
          ))}
        </ul>
      )}
    </Stack>
  );
}

function ConversationLink({ row }: { row: TileRow }) {
  const name = row.studentName ?? formatPhone(row.contactPhone);
  const unread = row.unreadCount > 0;
  const last = row.lastMessage;
  return (
    <UnstyledButton component={Link} to={conversationAddress(row)} className={classes.row}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text fw={unread ? 700 : 500} truncate>
          {name}
        </Text>
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
          {formatWhen(row.updatedAt)}
        </Text>
      </Group>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" c={unread ? undefined : 'dimmed'} truncate>
          {last.direction === 'outbound' ? `You: ${last.body}` : last.body}
        </Text>
        {unread && (
          <Badge size="sm" circle>
            {row.unreadCount}
            <VisuallyHidden> unread</VisuallyHidden>
          </Badge>
        )}
      </Group>
    </UnstyledButton>
  );
}
