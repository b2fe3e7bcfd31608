import { Anchor, Stack, Text } from '@mantine/core';
import { Link, Outlet, useLocation, useSearchParams } from 'react-router';
import classes from './conversations.module.css';
import { TilePage } from './tile';

/**
 * The tile and the open conversation: side by side on a wide screen, one at a time on a phone
 * (the conversation has a link back). Each conversation has its own address, so reload and
 * share work; the list stays mounted while conversations open, so keyboard focus stays in it.
 * `/sms` without a phone is the global tab, which takes the whole width.
 */
export function ConversationsLayout() {
  const { pathname } = useLocation();
  const [search] = useSearchParams();
  if (pathname === '/sms' && !search.has('contactPhone')) return <Outlet />;

  const open = pathname !== '/';
  return (
    <div className={classes.columns} data-open={open || undefined}>
      <div className={classes.list}>
        <TilePage />
      </div>
      <div className={classes.conversation}>
        <Outlet />
      </div>
    </div>
  );
}

/** Beside the tile on a wide screen, before any conversation is open. */
export function NoConversationOpen() {
  return (
    <Stack align="center" justify="center" mih={240} gap={4}>
      <Text fw={500}>No conversation open</Text>
      <Text size="sm" c="dimmed" ta="center">
        Choose one in the list (j and k move, Enter opens), or start one in{' '}
        <Anchor component={Link} to="/compose" size="sm" underline="always">
          Compose
        </Anchor>
        .
      </Text>
    </Stack>
  );
}
