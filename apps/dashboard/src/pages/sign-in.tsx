import { Alert, Button, Center, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import type { DevSignInView } from '@fidelis/contracts';
import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../lib/api';
import { formatPhone } from '../lib/format';
import { useDevStaff } from '../lib/queries';
import { session } from '../lib/session';

const ROLE_WORDS: Record<string, string> = {
  coach: 'Coach',
  coach_manager: 'Coach manager',
  instructor: 'Instructor',
  instructor_manager: 'Instructor manager',
  admin: 'Admin',
  mentor_coach: 'Mentor coach',
};

/**
 * Signed out. The platform signs staff in by handing a token over; outside production one may
 * also choose whom to be from the directory (the development sign-in).
 */
export function SignInPage() {
  const staff = useDevStaff();
  const signIn = useMutation({
    mutationFn: (staffId: string) =>
      api<DevSignInView>('/api/dev/sign-in', { method: 'POST', body: { staffId } }),
    onSuccess: ({ token }) => session.signIn(token),
  });
  useEffect(() => {
    document.title = 'Sign in · Fidelis SMS';
  }, []);

  return (
    <Center component="main" mih="100vh" p="md">
      <Paper withBorder p="lg" w="100%" maw={440}>
        <Stack>
          <Title order={1} size="h2">
            Sign in to Fidelis SMS
          </Title>
          {staff.isPending && <Loader aria-label="Loading" />}
          {staff.isError && <Alert color="red">{staff.error.message}</Alert>}
          {staff.data === null && <Text>Open Fidelis SMS from the platform: it signs you in.</Text>}
          {staff.data && (
            <>
              <Text>Development sign-in: choose whom to sign in as.</Text>
              {staff.data.length === 0 && <Text>The directory has no staff yet.</Text>}
              <Stack gap="xs">
                {staff.data.map((member) => (
                  <Button
                    key={member.id}
                    variant="default"
                    justify="space-between"
                    fullWidth
                    loading={signIn.isPending && signIn.variables === member.id}
                    onClick={() => signIn.mutate(member.id)}
                    rightSection={
                      <Text span size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {member.phoneNumber ? formatPhone(member.phoneNumber) : 'no number'}
                      </Text>
                    }
                  >
                    {member.name} · {ROLE_WORDS[member.role] ?? member.role}
                  </Button>
                ))}
              </Stack>
              {signIn.isError && <Alert color="red">{signIn.error.message}</Alert>}
            </>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
