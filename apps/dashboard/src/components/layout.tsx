import {
  Alert,
  AppShell,
  Badge,
  Burger,
  Button,
  Group,
  NavLink,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { formatPhone } from '../lib/format';
import { useLiveEvents } from '../lib/live-events';
import { forgetNotifications, notificationsOn, turnOnNotifications } from '../lib/push';
import { useMe, useTile } from '../lib/queries';
import { readsGlobalTab } from '../lib/roles';
import { session } from '../lib/session';

/** The admin's pages, under "Admin" in the navigation. */
const ADMIN_PAGES = [
  ['/admin/numbers', 'Numbers'],
  ['/admin/directory', 'Directory'],
  ['/admin/audit', 'Audit log'],
] as const;
/** The signed-in frame: top bar (me, my number, sign-out), navigation, and the view. */
export function Layout({ token }: { token: string }) {
  useLiveEvents(token);
  const [menuOpen, menu] = useDisclosure(false);
  const location = useLocation();
  const queries = useQueryClient();
  const me = useMe().data;
  const unread = (useTile().data ?? []).reduce((sum, row) => sum + row.unreadCount, 0);

  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Fidelis SMS` : 'Fidelis SMS';
  }, [unread]);
  // The menu (on phones) closes once a view is chosen.
  const closeMenu = menu.close;
  useEffect(() => {
    closeMenu();
  }, [location.pathname, closeMenu]);

  const push = useQuery({ queryKey: ['push-subscription'], queryFn: notificationsOn });
  const turnOn = useMutation({
    mutationFn: turnOnNotifications,
    onSuccess: () => queries.invalidateQueries({ queryKey: ['push-subscription'] }),
  });

  const signOut = () => {
    void forgetNotifications().finally(() => {
      session.signOut();
      queries.clear();
    });
  };

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !menuOpen } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={menuOpen}
              onClick={menu.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Menu"
            />
            <Title order={2} size="h4">
              Fidelis SMS
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {me && (
              <Text size="sm" visibleFrom="sm">
                {me.number ? `${formatPhone(me.number.phoneNumber)} · ` : ''}
                {me.name}
              </Text>
            )}
            <Button variant="subtle" size="compact-sm" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <NavLink
          component={Link}
          to="/"
          label="SMS tile"
          // The conversations open beside the tile: it stays the current view.
          active={
            location.pathname === '/' ||
            location.pathname.startsWith('/students/') ||
            location.search.includes('contactPhone')
          }
          rightSection={
            unread > 0 ? (
              // A circle holds two digits; the tab title carries the exact total.
              <Badge size="sm" circle={unread < 100}>
                {unread < 100 ? unread : '99+'}
                <VisuallyHidden> unread</VisuallyHidden>
              </Badge>
            ) : undefined
          }
        />
        <NavLink
          component={Link}
          to="/compose"
          label="Compose"
          active={location.pathname === '/compose'}
        />
        <NavLink component={Link} to="/bulk" label="Bulk" active={location.pathname === '/bulk'} />
        <NavLink
          component={Link}
          to="/scheduled"
          label="Scheduled"
          active={location.pathname === '/scheduled'}
        />
        {readsGlobalTab(me?.role) && (
          <NavLink
            component={Link}
            to="/sms"
            label="Global SMS"
            active={location.pathname === '/sms' && !location.search.includes('contactPhone')}
          />
        )}
        {me?.role === 'admin' && (
          <NavLink
            component="button"
            label="Admin"
            defaultOpened={location.pathname.startsWith('/admin')}
          >
            {ADMIN_PAGES.map(([to, label]) => (
              <NavLink
                key={to}
                component={Link}
                to={to}
                label={label}
                active={location.pathname === to}
              />
            ))}
          </NavLink>
        )}
        {/* Push is asked for on a click only, as browsers require. */}
        {push.data === false && (
          <Button
            variant="light"
            size="compact-sm"
            mt="md"
            loading={turnOn.isPending}
            onClick={() => turnOn.mutate()}
          >
            Turn on notifications
          </Button>
        )}
        {push.data && (
          <Text size="sm" mt="md" px="sm">
            Notifications on
          </Text>
        )}
      </AppShell.Navbar>
      <AppShell.Main>
        {turnOn.isError && (
          <Alert
            color="yellow"
            mb="md"
            withCloseButton
            closeButtonLabel="Dismiss"
            onClose={() => turnOn.reset()}
          >
            {turnOn.error.message}
          </Alert>
        )}
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
