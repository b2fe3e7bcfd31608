import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { ApiError } from '../../lib/api';

/** The API refused the caller the admin's data (403): say so, and show nothing of it. */
export const refusedToAdmin = (error: unknown) => error instanceof ApiError && error.status === 403;

/** What anyone but an admin sees at an admin address. */
export function AdminRefusal({ title }: { title: string }) {
  return (
    <Stack maw={720} align="flex-start">
      <Title order={1} size="h3">
        {title}
      </Title>
      <Text>This page is for admins. Ask an admin if something here needs changing.</Text>
      <Anchor component={Link} to="/">
        Go to your SMS tile
      </Anchor>
    </Stack>
  );
}
