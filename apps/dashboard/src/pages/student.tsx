import { Alert, Anchor, Loader, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { Composer, useSending } from '../components/composer';
import { StudentRecord } from '../components/student-record';
import { earlierOf, Thread } from '../components/thread';
import { formatPhone } from '../lib/format';
import { newestAt, useMarkRead } from '../lib/mark-read';
import { useStudent, useStudentMessages } from '../lib/queries';
import { localTime, useSendTime } from '../lib/schedule';

/** The student: who they are, every SMS and fallback email with them, and a composer. */
export function StudentPage() {
  const studentId = useParams().studentId ?? '';
  const student = useStudent(studentId);
  const messages = useStudentMessages(studentId);
  const sending = useSending(studentId);
  useMarkRead(student.data?.smsPhone, newestAt(messages.data));

  if (student.isPending) return <Loader aria-label="Loading the student" />;
  if (student.isError) return <Alert color="red">{student.error.message}</Alert>;
  const { name, email, smsPhone, sharesPhoneWith } = student.data;

  return (
    <Stack maw={720}>
      {/* On a phone the conversation takes the screen; a wide one shows the tile beside it. */}
      <Anchor component={Link} to="/" size="sm" hiddenFrom="md">
        ← SMS tile
      </Anchor>
      <div>
        <Title order={2} size="h3">
          {name}
        </Title>
        <Text size="sm" c="dimmed">
          {smsPhone ? formatPhone(smsPhone) : 'No SMS phone'}
          {email ? ` · ${email}` : ''}
        </Text>
        <TheirTime studentId={studentId} />
        {sharesPhoneWith.length > 0 && (
          <Text size="sm" c="dimmed">
            Shares this phone with {sharesPhoneWith.length} other{' '}
            {sharesPhoneWith.length === 1 ? 'student' : 'students'}.
          </Text>
        )}
        <StudentRecord studentId={studentId} name={name} />
      </div>
      {messages.isPending && <Loader aria-label="Loading messages" />}
      {messages.isError && <Alert color="red">{messages.error.message}</Alert>}
      {messages.data && (
        <Thread
          messages={messages.data}
          them={name}
          earlier={earlierOf(messages)}
          sending={sending}
        />
      )}
      <Composer
        studentId={studentId}
        note={smsPhone ? undefined : `${name} has no SMS phone: messages go by email.`}
      />
    </Stack>
  );
}

/**
 * The student's time of day, in the zone quiet hours read for them, as of the last answer
 * (asked again each minute), so staff see it is late there before they write.
 */
function TheirTime({ studentId }: { studentId: string }) {
  const sendTime = useSendTime(studentId);
  if (!sendTime.data) return null;
  return (
    <Text size="sm" c="dimmed">
      Their time: {localTime(new Date(sendTime.dataUpdatedAt), sendTime.data.timezone)}
    </Text>
  );
}
