import {
  Alert,
  Button,
  Grid,
  Group,
  Loader,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  downloadAuditCsv,
  useAudit,
  type AuditEntryView,
  type AuditFilters,
} from '../../lib/admin';
import { formatPhone } from '../../lib/format';
import { useStaffList } from '../../lib/queries';
import { AdminRefusal, refusedToAdmin } from './admin-refusal';
import { ScrollTable } from './scroll-table';

/** The actions the trail records, in the words an admin uses. */
const ACTION_WORDS: Record<string, string> = {
  'message.sent': 'Sent a message',
  'bulk.sent': 'Sent a bulk message',
  'message.canceled': 'Canceled a scheduled message',
  'message.attributed': 'Picked the student of a message',
  'number.bought': 'Bought a number',
  'number.assigned': 'Assigned a number',
  'number.unassigned': 'Unassigned a number',
  'number.released': 'Released a number',
  'staff.upserted': 'Saved a staff member',
  'student.upserted': 'Saved a student',
  'students.imported': 'Imported students',
  'audit.exported': 'Downloaded the audit log',
};

const ANY = 'any';

/**
 * Who sent, assigned, released, imported or exported what, and when: newest first, filtered by
 * who, what and days (kept in the address), a page at a time, and downloadable as CSV.
 */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filters: AuditFilters = {
    actor: params.get('actor') ?? '',
    action: params.get('action') ?? '',
    since: params.get('since') ?? '',
    until: params.get('until') ?? '',
  };
  const setFilter = (name: keyof AuditFilters, value: string) => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value && value !== ANY) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  };
  const audit = useAudit(filters);
  const staff = useStaffList(audit.isSuccess);
  const [download, setDownload] = useState<{ error?: string; busy?: boolean }>({});

  if (refusedToAdmin(audit.error)) return <AdminRefusal title="Audit log" />;
  const nameOf = (staffId: string) =>
    staff.data?.find((member) => member.id === staffId)?.name ?? staffId;
  const entries = audit.data?.pages.flatMap((page) => page.items) ?? [];

  const save = async () => {
    setDownload({ busy: true });
    try {
      await downloadAuditCsv(filters);
      setDownload({});
    } catch (error) {
      setDownload({ error: (error as Error).message });
    }
  };

  return (
    <Stack maw={1100}>
      <Group justify="space-between">
        <Title order={1} size="h3">
          Audit log
        </Title>
        <Button variant="default" onClick={() => void save()} loading={download.busy}>
          Download CSV
        </Button>
      </Group>
      {download.error && <Alert color="red">{download.error}</Alert>}
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
          <Select
            label="Who"
            data={[
              { value: ANY, label: 'Anyone' },
              ...(staff.data ?? [])
                .map((member) => ({ value: member.id, label: member.name }))
                .sort((a, b) => a.label.localeCompare(b.label)),
            ]}
            value={filters.actor || ANY}
            onChange={(value) => setFilter('actor', value ?? '')}
            allowDeselect={false}
            searchable
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
          <Select
            label="What"
            data={[
              { value: ANY, label: 'Everything' },
              ...Object.entries(ACTION_WORDS).map(([value, label]) => ({ value, label })),
            ]}
            value={filters.action || ANY}
            onChange={(value) => setFilter('action', value ?? '')}
            allowDeselect={false}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 3 }}>
          <TextInput
            type="date"
            label="From"
            value={filters.since}
            onChange={(event) => setFilter('since', event.currentTarget.value)}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 3 }}>
          <TextInput
            type="date"
            label="To"
            value={filters.until}
            onChange={(event) => setFilter('until', event.currentTarget.value)}
          />
        </Grid.Col>
      </Grid>
      {audit.isPending && <Loader aria-label="Loading the audit log" />}
      {audit.isError && <Alert color="red">{audit.error.message}</Alert>}
      {audit.isSuccess && entries.length === 0 && <Text>Nothing matches these filters.</Text>}
      {entries.length > 0 && (
        <ScrollTable label="Audit entries">
          <Table aria-label="Audit entries" verticalSpacing="xs" miw={640}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>What</Table.Th>
                <Table.Th>Details</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((entry) => (
                <Table.Tr key={entry.id}>
                  <Table.Td>
                    <time dateTime={entry.at}>{new Date(entry.at).toLocaleString()}</time>
                  </Table.Td>
                  <Table.Td>{nameOf(entry.actorId)}</Table.Td>
                  <Table.Td>{ACTION_WORDS[entry.action] ?? entry.action}</Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {details(entry, nameOf)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
      {audit.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void audit.fetchNextPage()}
          loading={audit.isFetchingNextPage}
          style={{ alignSelf: 'flex-start' }}
        >
          Older entries
        </Button>
      )}
    </Stack>
  );
}

/** The fields of an entry worth a line: the phone, the name, how many, to whom, and their words. */
const TELLING_FIELDS: [string, string][] = [
  ['phoneNumber', ''],
  ['name', 'name'],
  ['count', 'how many'],
  ['recipients', 'recipients'],
  ['to', 'to'],
  ['sendAt', 'for'],
];

/** A phone as people read it; anything else as it is. */
const shown = (value: string | number) =>
  typeof value === 'string' && /^\+\d{8,15}$/.test(value) ? formatPhone(value) : String(value);

/**
 * What the entry changed, in one line: its target and the fields that tell what happened. The
 * target's id is shown only when no field tells which it was.
 */
function details(entry: AuditEntryView, nameOf: (staffId: string) => string): string {
  const after = entry.after ?? entry.before ?? {};
  const told = TELLING_FIELDS.flatMap(([field, words]) => {
    const value = after[field];
    return typeof value === 'string' || typeof value === 'number'
      ? [`${words} ${shown(value)}`.trim()]
      : [];
  });
  const holder = typeof after.staffId === 'string' ? [`held by ${nameOf(after.staffId)}`] : [];
  const what = [...told, ...holder];
  return what.length > 0
    ? `${entry.targetType}: ${what.join(', ')}`
    : `${entry.targetType} ${entry.targetId}`;
}
