import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <Stack>
      <Title order={1}>Nothing here</Title>
      <Text>
        This address is not a page of the dashboard.{' '}
        <Anchor component={Link} to="/">
          Go to your SMS tile
        </Anchor>
        .
      </Text>
    </Stack>
  );
}
