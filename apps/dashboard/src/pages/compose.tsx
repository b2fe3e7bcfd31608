import { Alert, Anchor, Loader, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { formatPhone } from '../lib/format';
import { useStudentSearch } from '../lib/queries';

/** A new message: find the student by name, email or phone, then write in their conversation. */
export function ComposePage() {
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query.trim(), 250);
  const found = useStudentSearch(debounced);

  return (
    <Stack maw={720}>
      <Title order={1} size="h3">
        New message
      </Title>
      <TextInput
        type="search"
        label="Find a student"
        description="By name, email or phone"
        value={query}
        onChange={(event) => setQuery(event.currentTarget.value)}
        autoFocus
      />
      {debounced && found.isPending && <Loader aria-label="Searching" />}
      {found.isError && <Alert color="red">{found.error.message}</Alert>}
      {found.data?.items.length === 0 && <Text>No student matches “{debounced}”.</Text>}
      {found.data && found.data.items.length > 0 && (
        <Stack component="ul" gap="xs" aria-label="Students" p={0} style={{ listStyle: 'none' }}>
          {found.data.items.map((student) => (
            <li key={student.id}>
              <Anchor component={Link} to={`/students/${encodeURIComponent(student.id)}`}>
                {student.name}
              </Anchor>
              <Text size="sm" c="dimmed">
                {[student.smsPhone && formatPhone(student.smsPhone), student.email]
                  .filter(Boolean)
                  .join(' · ') || 'No phone or email'}
              </Text>
            </li>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
