import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Stack,
  Text,
  Title,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import type { TileRow } from '@fidelis/contracts';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Link, useMatch, useSearchParams } from 'react-router';
import { formatPhone, formatWhen } from '../lib/format';
import { useMe, useTile } from '../lib/queries';
import classes from './tile.module.css';

/** Where a conversation opens: the student's view, or the phone's for an unknown sender. */
export const conversationAddress = (row: Pick<TileRow, 'studentId' | 'contactPhone'>) =>
  row.studentId
    ? `/students/${encodeURIComponent(row.studentId)}`
    : `/sms?contactPhone=${encodeURIComponent(row.contactPhone)}`;

/** How far each key moves through the list. */
const MOVES: Record<string, (at: number, last: number) => number> = {
  j: (at, last) => Math.min(at + 1, last),
  ArrowDown: (at, last) => Math.min(at + 1, last),
  k: (at) => Math.max(at - 1, 0),
  ArrowUp: (at) => Math.max(at - 1, 0),
  Home: () => 0,
  End: (_at, last) => last,
};

/** Which conversation the address shows, if it is one of the tile's. */
function useOpenConversation(rows: TileRow[]): TileRow | undefined {
  const studentId = useMatch('/students/:studentId')?.params.studentId;
  const onSms = useMatch('/sms') !== null;
  const contactPhone = useSearchParams()[0].get('contactPhone');
  return rows.find(
    (row) =>
      (studentId !== undefined && row.studentId === studentId) ||
      (onSms && row.contactPhone === contactPhone),
  );
}

/** Conversations shown at first, and added by "More conversations": a long tile stays quick. */
export const TILE_PAGE = 100;

/**
 * My SMS tile: a conversation per phone, newest first, unread ones standing out. One Tab stop:
 * j/k or the arrows move through the conversations, Enter opens one; j or k pressed with
 * nothing focused starts there.
 */
export function TilePage() {
  const tile = useTile();
  const me = useMe().data;
  const rows = tile.data ?? [];
  const open = useOpenConversation(rows);
  const [focusedPhone, setFocusedPhone] = useState<string | null>(null);
  const current = rows.find((row) => row.contactPhone === focusedPhone) ?? open ?? rows[0];
  const [shownCount, setShownCount] = useState(TILE_PAGE);
  // The open conversation is always in the list, however far down it is.
  const shown = rows.slice(0, Math.max(shownCount, rows.indexOf(open as TileRow) + 1));
  const list = useRef<HTMLUListElement>(null);

  const links = () => Array.from(list.current?.querySelectorAll('a') ?? []);
  const move = (event: KeyboardEvent) => {
    const to = MOVES[event.key];
    if (!to || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const all = links();
    const at = all.indexOf(document.activeElement as HTMLAnchorElement);
    if (at === -1) return;
    event.preventDefault();
    all[to(at, all.length - 1)].focus();
  };

  useEffect(() => {
    const start = (event: globalThis.KeyboardEvent) => {
      if (event.target !== document.body || (event.key !== 'j' && event.key !== 'k')) return;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      // The Tab stop; on a phone's conversation the list is hidden, and focus() does nothing.
      list.current?.querySelector<HTMLAnchorElement>('a[tabindex="0"]')?.focus();
    };
    document.addEventListener('keydown', start);
    return () => document.removeEventListener('keydown', start);
  }, []);

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
      {rows.length > 0 && (
        <ul ref={list} className={classes.list} aria-label="Conversations" onKeyDown={move}>
          {shown.map((row) => (
            <li key={row.contactPhone}>
              <ConversationLink
                row={row}
                open={row === open}
                tabbable={row === current}
                onFocus={() => setFocusedPhone(row.contactPhone)}
              />
            </li>
          ))}
        </ul>
      )}
      {shown.length < rows.length && (
        <Button variant="subtle" onClick={() => setShownCount(shown.length + TILE_PAGE)}>
          More conversations ({rows.length - shown.length} not shown)
        </Button>
      )}
    </Stack>
  );
}

function ConversationLink({
  row,
  open,
  tabbable,
  onFocus,
}: {
  row: TileRow;
  open: boolean;
  tabbable: boolean;
  onFocus: () => void;
}) {
  const name = row.studentName ?? formatPhone(row.contactPhone);
  const unread = row.unreadCount > 0;
  const last = row.lastMessage;
  return (
    <UnstyledButton
      component={Link}
      to={conversationAddress(row)}
      className={classes.row}
      data-unread={unread || undefined}
      aria-current={open ? 'page' : undefined}
      tabIndex={tabbable ? 0 : -1}
      onFocus={onFocus}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text fw={unread ? 700 : 500} truncate>
          {name}
        </Text>
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
          {formatWhen(row.updatedAt)}
        </Text>
      </Group>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" c={unread ? undefined : 'dimmed'} fw={unread ? 500 : undefined} truncate>
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
