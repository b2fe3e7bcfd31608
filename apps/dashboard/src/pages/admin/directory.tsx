import {
  Alert,
  Button,
  FileInput,
  Group,
  List,
  Loader,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { ImportResult, StudentView } from '@fidelis/contracts';
import { useState, type FormEvent } from 'react';
import {
  ImportRefused,
  useImport,
  usePreviewImport,
  useSaveStudent,
  useStudentPages,
  type StudentEdit,
} from '../../lib/admin';
import { useNumbers } from '../../lib/attention-queries';
import { formatPhone } from '../../lib/format';
import { useStaffList } from '../../lib/queries';
import { AdminRefusal, refusedToAdmin } from './admin-refusal';
import { ScrollTable } from './scroll-table';

const ROLE_WORDS: Record<string, string> = {
  coach: 'Coach',
  coach_manager: 'Coach manager',
  instructor: 'Instructor',
  instructor_manager: 'Instructor manager',
  admin: 'Admin',
  mentor_coach: 'Mentor coach',
};

/** Staff with their roles and numbers; students found, paged and edited; the roster imported. */
export function DirectoryPage() {
  const staff = useStaffList(true);
  const numbers = useNumbers(staff.isSuccess);

  if (refusedToAdmin(staff.error) || refusedToAdmin(numbers.error)) {
    return <AdminRefusal title="Directory" />;
  }
  if (staff.isPending) return <Loader aria-label="Loading the directory" />;
  if (staff.isError) return <Alert color="red">{staff.error.message}</Alert>;
  const numberOf = (staffId: string) =>
    numbers.data?.find((number) => number.staffId === staffId && number.status === 'active');

  return (
    <Stack maw={1000}>
      <Title order={1} size="h3">
        Directory
      </Title>
      <Title order={2} size="h4">
        Staff
      </Title>
      <ScrollTable label="Staff">
        <Table aria-label="Staff" verticalSpacing="xs" miw={520}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Number</Table.Th>
              <Table.Th>Email</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...staff.data]
              .sort((a, b) => a.name.localeCompare(b.name))
              .map((member) => {
                const number = numberOf(member.id);
                return (
                  <Table.Tr key={member.id}>
                    <Table.Td>{member.name}</Table.Td>
                    <Table.Td>{ROLE_WORDS[member.role] ?? member.role}</Table.Td>
                    <Table.Td>
                      {number ? (
                        formatPhone(number.phoneNumber)
                      ) : (
                        <Text size="sm" c="red.9">
                          No number
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{member.email}</Table.Td>
                  </Table.Tr>
                );
              })}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      <Students />
      <ImportRoster />
    </Stack>
  );
}

/** Students by name, email or phone, 25 at a time, each editable. */
function Students() {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const pages = useStudentPages(q);
  const [editing, setEditing] = useState<StudentView | null>(null);
  const students = pages.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack gap="xs" component="section" aria-labelledby="students-heading">
      <Title order={2} size="h4" id="students-heading">
        Students
      </Title>
      <TextInput
        type="search"
        label="Find a student"
        placeholder="Name, email or phone"
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        maw={360}
      />
      {pages.isPending && <Loader size="sm" aria-label="Loading students" />}
      {pages.isError && <Alert color="red">{pages.error.message}</Alert>}
      {pages.isSuccess && students.length === 0 && (
        <Text c="dimmed">
          {q ? 'No student matches.' : 'No students yet: import the roster below.'}
        </Text>
      )}
      {students.length > 0 && (
        <ScrollTable label="Students">
          <Table aria-label="Students" verticalSpacing="xs" miw={560}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>SMS phone</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Time zone</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {students.map((student) => (
                <Table.Tr key={student.id}>
                  <Table.Td>{student.name}</Table.Td>
                  <Table.Td>{student.smsPhone ? formatPhone(student.smsPhone) : '—'}</Table.Td>
                  <Table.Td>{student.email ?? '—'}</Table.Td>
                  <Table.Td>{student.timezone ?? 'Default'}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant="default"
                      onClick={() => setEditing(student)}
                      aria-label={`Edit ${student.name}`}
                    >
                      Edit
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
      {pages.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void pages.fetchNextPage()}
          loading={pages.isFetchingNextPage}
          style={{ alignSelf: 'flex-start' }}
        >
          More students
        </Button>
      )}
      {editing && <EditStudent student={editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

/** A student's fields; the API checks them (the phone as the import does) and says what is wrong. */
function EditStudent({ student, onClose }: { student: StudentView; onClose: () => void }) {
  const [form, setForm] = useState<StudentEdit>({
    id: student.id,
    name: student.name,
    email: student.email,
    smsPhone: student.smsPhone,
    timezone: student.timezone,
  });
  const save = useSaveStudent();
  const field = (name: keyof StudentEdit, label: string) => (
    <TextInput
      label={label}
      value={form[name] ?? ''}
      onChange={(event) => {
        const value = event.currentTarget.value;
        setForm((current) => ({
          ...current,
          [name]: value === '' && name !== 'name' ? null : value,
        }));
      }}
    />
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(form, { onSuccess: onClose });
  };

  return (
    <Modal opened onClose={onClose} title={`Edit ${student.name}`} centered>
      <form onSubmit={submit}>
        <Stack>
          {field('name', 'Name')}
          {field('email', 'Email')}
          {field('smsPhone', 'SMS phone')}
          {field('timezone', 'Time zone')}
          {save.isError && (
            <Alert color="red" title="Not saved">
              {save.error.message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * The roster as a CSV file: previewed first (every row checked by the API, nothing written), each
 * bad row's problems shown by its line; the import is offered only for a clean file.
 */
function ImportRoster() {
  const [file, setFile] = useState<File | null>(null);
  const [csv, setCsv] = useState<string | null>(null);
  const preview = usePreviewImport();
  const run = useImport();

  const choose = async (chosen: File | null) => {
    setFile(chosen);
    setCsv(null);
    preview.reset();
    run.reset();
    if (!chosen) return;
    const text = await chosen.text();
    setCsv(text);
    preview.mutate(text);
  };
  const refusal = preview.error instanceof ImportRefused ? preview.error : null;
  const ready: ImportResult | undefined = preview.data;

  return (
    <Stack gap="xs" component="section" aria-labelledby="import-heading">
      <Title order={2} size="h4" id="import-heading">
        Import students from a CSV file
      </Title>
      <Text size="sm" c="dimmed">
        A header row naming the columns id, name, email, smsPhone, timezone (id and name required),
        then one student a row. Students already here are updated. Nothing is imported until every
        row is right.
      </Text>
      <FileInput
        label="CSV file"
        accept=".csv,text/csv"
        value={file}
        onChange={(chosen) => void choose(chosen)}
        clearable
        clearButtonProps={{ 'aria-label': 'Remove the file' }}
        maw={360}
      />
      {preview.isPending && <Loader size="sm" aria-label="Checking the file" />}
      {preview.isError && !refusal && <Alert color="red">{preview.error.message}</Alert>}
      {refusal && (
        <Alert color="red" title="Nothing imported: fix these rows and choose the file again">
          <Text size="sm">{refusal.message}</Text>
          <List size="sm" aria-label="Rows to fix" mt="xs">
            {refusal.rows.map((row) => (
              <List.Item key={row.index}>
                Line {row.line ?? row.index + 2}
                {row.id ? ` (${row.id})` : ''}: {row.problems.join('; ')}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {ready && !run.isSuccess && (
        <Stack gap="xs">
          <Text size="sm">
            {ready.checked} {ready.checked === 1 ? 'student is' : 'students are'} ready. The first
            ones, as they will be stored:
          </Text>
          <ScrollTable label="Preview">
            <Table aria-label="Preview" verticalSpacing={4} miw={480}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Id</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>SMS phone</Table.Th>
                  <Table.Th>Email</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(ready.sample ?? []).map((student) => (
                  <Table.Tr key={student.id}>
                    <Table.Td>{student.id}</Table.Td>
                    <Table.Td>{student.name}</Table.Td>
                    <Table.Td>{student.smsPhone ? formatPhone(student.smsPhone) : '—'}</Table.Td>
                    <Table.Td>{student.email ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
          <Button
            onClick={() => csv && run.mutate(csv)}
            loading={run.isPending}
            style={{ alignSelf: 'flex-start' }}
          >
            Import {ready.checked} {ready.checked === 1 ? 'student' : 'students'}
          </Button>
        </Stack>
      )}
      {run.isError && <Alert color="red">{run.error.message}</Alert>}
      {run.isSuccess && (
        <Alert color="teal">
          Imported {run.data.imported} {run.data.imported === 1 ? 'student' : 'students'}.
        </Alert>
      )}
    </Stack>
  );
}
