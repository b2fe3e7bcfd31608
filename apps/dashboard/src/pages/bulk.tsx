import {
  Alert,
  Button,
  Group,
  List,
  Loader,
  MultiSelect,
  Paper,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { BulkView, StudentView } from '@fidelis/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { v4 as newIdempotencyKey } from 'uuid';
import { BulkProgress } from '../components/bulk-progress';
import { ApiError, api } from '../lib/api';
import { bulkCost, costWords, previews } from '../lib/bulk-message';
import { findPastedStudents } from '../lib/find-pasted-students';
import { formatPhone } from '../lib/format';
import { useMe, useStudentSearch } from '../lib/queries';

const NO_NUMBER = "You don't have a texting number yet. An admin can assign one.";

/**
 * One text to many students (`/bulk`): choose them, write once with `{{firstName}}`, see what
 * it costs and what the first ones get, send, then watch it go out (`/bulk?bulkId=`, so a reload
 * or a shared link shows the same progress).
 */
export function BulkPage() {
  const me = useMe();
  const [params] = useSearchParams();
  const bulkId = params.get('bulkId');

  if (bulkId) return <BulkProgress bulkId={bulkId} />;
  if (me.isPending) return <Loader aria-label="Loading" />;
  if (me.isError) return <Alert color="red">{me.error.message}</Alert>;
  return (
    <Stack maw={720}>
      <Title order={1} size="h3">
        Bulk message
      </Title>
      {me.data.number ? (
        <BulkForm from={me.data.number.phoneNumber} />
      ) : (
        <Alert color="yellow">{NO_NUMBER}</Alert>
      )}
    </Stack>
  );
}

function BulkForm({ from }: { from: string }) {
  const navigate = useNavigate();
  const [recipients, setRecipients] = useState<StudentView[]>([]);
  const [body, setBody] = useState('');

  const addRecipients = (students: StudentView[]) =>
    setRecipients((chosen) => {
      const ids = new Set(chosen.map((student) => student.id));
      return [...chosen, ...students.filter((student) => !ids.has(student.id))];
    });

  // One key per bulk: a double click or a retry of the same bulk sends it once; a changed
  // bulk (other students, other words) is a new one.
  const idempotency = useRef({ content: '', key: '' });
  const keyFor = (content: string) => {
    if (idempotency.current.content !== content) {
      idempotency.current = { content, key: newIdempotencyKey() };
    }
    return idempotency.current.key;
  };

  const send = useMutation({
    mutationFn: () => {
      const studentIds = recipients.map((student) => student.id);
      return api<BulkView>('/api/messages/bulk', {
        method: 'POST',
        body: { studentIds, body },
        headers: { 'Idempotency-Key': keyFor(JSON.stringify([studentIds, body])) },
      });
    },
    onSuccess: ({ bulkId }) => navigate(`/bulk?bulkId=${encodeURIComponent(bulkId)}`),
  });

  const cost = bulkCost(body, recipients);
  const canSend = recipients.length > 0 && body.trim() !== '' && !send.isPending;

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (canSend) send.mutate();
      }}
    >
      <Stack>
        <Text size="sm" c="dimmed">
          From your number, {formatPhone(from)}.
        </Text>
        <StudentPicker recipients={recipients} onChange={setRecipients} onPasted={addRecipients} />
        <Textarea
          label="Message"
          description="{{firstName}} and {{name}} become each student's own first or full name."
          autosize
          minRows={3}
          maxRows={10}
          value={body}
          onChange={(event) => setBody(event.currentTarget.value)}
        />
        <Preview body={body} recipients={recipients} />
        <Stack gap={2} aria-live="polite">
          <Text fw={500}>{costWords(cost)}</Text>
          <Text size="sm" c="dimmed">
            {cost.encoding}
            {cost.emailed > 0 &&
              ` · ${cost.emailed} without an SMS phone will get an email instead`}
          </Text>
        </Stack>
        {send.isError && (
          <Alert color="red">
            <Text fw={700} span>
              Not sent.
            </Text>{' '}
            {sendRefusal(send.error)}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={send.isPending} disabled={!canSend}>
            Send to {recipients.length} {recipients.length === 1 ? 'student' : 'students'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The server's refusal of a bulk, in words about the bulk rather than about one student. */
function sendRefusal(error: Error): string {
  if (error instanceof ApiError && error.code === 'STUDENT_NOT_FOUND') {
    return 'Some of these students are no longer in the directory. Remove them and send again.';
  }
  return error.message;
}

/** Choose students by searching (several from one search), or by pasting a list. */
function StudentPicker({
  recipients,
  onChange,
  onPasted,
}: {
  recipients: StudentView[];
  onChange: (students: StudentView[]) => void;
  onPasted: (students: StudentView[]) => void;
}) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const found = useStudentSearch(debounced);
  // Everyone shown or chosen, so that a chosen student keeps their name once the search moves on.
  const known = new Map(recipients.map((student) => [student.id, student]));
  const foundIds = new Set<string>();
  for (const student of found.data?.items ?? []) {
    known.set(student.id, student);
    foundIds.add(student.id);
  }

  const [pasted, setPasted] = useState('');
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const find = useMutation({
    mutationFn: () => findPastedStudents(pasted),
    onSuccess: ({ students, unmatched: lines }) => {
      onPasted(students);
      // What matched nobody stays in the box, to be corrected, and is named below it.
      setPasted(lines.join('\n'));
      setUnmatched(lines);
    },
  });

  return (
    <Stack gap="sm">
      <MultiSelect
        label="Students"
        description="Search by name, email or phone; choose as many as you like"
        placeholder={recipients.length === 0 ? 'Type to search' : undefined}
        searchable
        clearable
        clearSearchOnChange={false}
        searchValue={search}
        onSearchChange={setSearch}
        // The API has already searched: the list shows what it found (the chosen are pills).
        filter={({ options }) =>
          options.filter((option) => 'value' in option && foundIds.has(option.value))
        }
        data={[...known.values()].map((student) => ({
          value: student.id,
          label: studentLabel(student),
        }))}
        value={recipients.map((student) => student.id)}
        onChange={(ids) =>
          onChange(ids.flatMap((id) => (known.has(id) ? [known.get(id) as StudentView] : [])))
        }
        nothingFoundMessage={
          !debounced
            ? 'Type a name, email or phone'
            : found.isPending
              ? 'Searching…'
              : `No student matches “${debounced}”`
        }
        maxDropdownHeight={280}
      />
      {found.isError && <Alert color="red">{found.error.message}</Alert>}
      <Textarea
        label="Or paste a list"
        description="Student ids, emails or phones, one per line or separated by commas"
        autosize
        minRows={2}
        maxRows={8}
        value={pasted}
        onChange={(event) => setPasted(event.currentTarget.value)}
      />
      <Group>
        <Button
          variant="light"
          loading={find.isPending}
          disabled={!pasted.trim()}
          onClick={() => find.mutate()}
        >
          Add these students
        </Button>
        {find.data && (
          <Text size="sm" aria-live="polite">
            Added {find.data.students.length}{' '}
            {find.data.students.length === 1 ? 'student' : 'students'}.
          </Text>
        )}
      </Group>
      {find.isError && <Alert color="red">{find.error.message}</Alert>}
      {unmatched.length > 0 && (
        <Alert color="yellow">
          <Text size="sm">
            <Text fw={700} span inherit>
              {unmatched.length === 1
                ? '1 line matches no student'
                : `${unmatched.length} lines match no student`}
            </Text>{' '}
            in the directory ({unmatched.length === 1 ? 'it is' : 'they are'} still in the box
            above, to correct):
          </Text>
          <List size="sm" mt="xs">
            {unmatched.map((line) => (
              <List.Item key={line}>{line}</List.Item>
            ))}
          </List>
        </Alert>
      )}
    </Stack>
  );
}

function studentLabel(student: StudentView): string {
  const contact = student.smsPhone ? formatPhone(student.smsPhone) : student.email;
  return contact ? `${student.name} · ${contact}` : student.name;
}

/** What the first three recipients will get, word for word. */
function Preview({ body, recipients }: { body: string; recipients: StudentView[] }) {
  const shown = previews(body, recipients);
  return (
    <Stack gap="xs">
      <Title order={2} size="h5">
        Preview
      </Title>
      {shown.length === 0 || !body.trim() ? (
        <Text size="sm" c="dimmed">
          Choose students and write the message to see what the first ones will get.
        </Text>
      ) : (
        <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: 'none' }}>
          {shown.map(({ student, text }) => (
            <Paper component="li" key={student.id} withBorder p="sm">
              <Text size="sm" c="dimmed">
                To {studentLabel(student)}
                {!student.smsPhone && ' (by email: no SMS phone)'}
              </Text>
              <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{text}</Text>
            </Paper>
          ))}
          {recipients.length > shown.length && (
            <Text size="sm" c="dimmed" component="li">
              …and {recipients.length - shown.length} more.
            </Text>
          )}
        </Stack>
      )}
    </Stack>
  );
}
