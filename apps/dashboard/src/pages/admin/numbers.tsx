import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Timeline,
  Title,
} from '@mantine/core';
import type { NumberView, StaffView } from '@fidelis/contracts';
import { useState, type FormEvent } from 'react';
import {
  useAssignNumber,
  useAvailableNumbers,
  useBuyNumber,
  useNumberHistory,
  useReleaseNumber,
  useUnassignNumber,
} from '../../lib/admin';
import { useNumbers } from '../../lib/attention-queries';
import { formatPhone } from '../../lib/format';
import { useStaffList } from '../../lib/queries';
import { AdminRefusal, refusedToAdmin } from './admin-refusal';
import { ScrollTable } from './scroll-table';

/** The first few of a list, and how many more: "Ann, Bo, Cy and 12 more". */
function someOf(items: string[], shown = 5): string {
  if (items.length <= shown + 1) return items.join(', ');
  return `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`;
}

const day = (iso: string) =>
  new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/**
 * The admin's numbers: each with its holder and since when, staff without a number flagged,
 * Twilio's available numbers to buy (for someone straight away, or not), and each number's
 * assignment, reassignment, unassignment (asked first), release (typed) and history.
 */
export function NumbersPage() {
  const numbers = useNumbers(true);
  const staff = useStaffList(numbers.isSuccess);
  const [asked, setAsked] = useState<Action | null>(null);
  const [history, setHistory] = useState<NumberView | null>(null);

  if (refusedToAdmin(numbers.error)) return <AdminRefusal title="Numbers" />;
  if (numbers.isPending) return <Loader aria-label="Loading numbers" />;
  if (numbers.isError) return <Alert color="red">{numbers.error.message}</Alert>;

  const people = staff.data ?? [];
  const nameOf = (staffId: string) =>
    people.find((member) => member.id === staffId)?.name ?? staffId;
  const active = numbers.data.filter((number) => number.status === 'active');
  const released = numbers.data.filter((number) => number.status === 'released');
  const holders = new Set(active.flatMap((number) => number.staffId ?? []));
  const withoutNumber = people.filter((member) => !holders.has(member.id));

  return (
    <Stack maw={1000}>
      <Title order={1} size="h3">
        Numbers
      </Title>
      {withoutNumber.length > 0 && (
        <Alert color="yellow">
          <Text size="sm" fw={700}>
            {withoutNumber.length} staff without a number
          </Text>
          <Text size="sm">
            They cannot text until they have one:{' '}
            {someOf(withoutNumber.map((member) => member.name))}. Buy one for them below, or assign
            a number nobody holds.
          </Text>
        </Alert>
      )}
      {active.length > 0 && (
        <ScrollTable label="Numbers">
          <Table aria-label="Numbers" verticalSpacing="xs" miw={560}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>Held by</Table.Th>
                <Table.Th>Since</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {active.map((number) => (
                <Table.Tr key={number.id}>
                  <Table.Td>{formatPhone(number.phoneNumber)}</Table.Td>
                  <Table.Td>
                    {number.staffId ? nameOf(number.staffId) : <Badge color="yellow">Nobody</Badge>}
                  </Table.Td>
                  <Table.Td>{number.assignedAt ? day(number.assignedAt) : '—'}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => setAsked({ kind: 'assign', number })}
                        aria-label={`${number.staffId ? 'Reassign' : 'Assign'} ${formatPhone(number.phoneNumber)}`}
                      >
                        {number.staffId ? 'Reassign' : 'Assign'}
                      </Button>
                      {number.staffId && (
                        <Button
                          size="compact-sm"
                          variant="default"
                          onClick={() => setAsked({ kind: 'unassign', number })}
                          aria-label={`Unassign ${formatPhone(number.phoneNumber)}`}
                        >
                          Unassign
                        </Button>
                      )}
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        onClick={() => setHistory(number)}
                        aria-label={`History of ${formatPhone(number.phoneNumber)}`}
                      >
                        History
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        onClick={() => setAsked({ kind: 'release', number })}
                        aria-label={`Release ${formatPhone(number.phoneNumber)}`}
                      >
                        Release
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
      {active.length === 0 && (
        <Text c="dimmed">
          No numbers yet. Buy the first one below and give it to a staff member.
        </Text>
      )}
      {released.length > 0 && (
        <Text size="sm" c="dimmed">
          Released to Twilio:{' '}
          {someOf([...new Set(released.map((number) => formatPhone(number.phoneNumber)))])}.
        </Text>
      )}
      <BuyNumbers staff={people} withoutNumber={withoutNumber} />
      {asked && (
        <ActionDialog
          action={asked}
          staff={people}
          nameOf={nameOf}
          onClose={() => setAsked(null)}
        />
      )}
      <Modal
        opened={history !== null}
        onClose={() => setHistory(null)}
        title={history ? `History of ${formatPhone(history.phoneNumber)}` : ''}
      >
        {history && <History number={history} nameOf={nameOf} />}
      </Modal>
    </Stack>
  );
}

/** Twilio's available numbers by area code or digits, each bought with a click. */
function BuyNumbers({ staff, withoutNumber }: { staff: StaffView[]; withoutNumber: StaffView[] }) {
  const [areaCode, setAreaCode] = useState('');
  const [contains, setContains] = useState('');
  const [search, setSearch] = useState<{ areaCode: string; contains: string } | null>(null);
  const [forStaff, setForStaff] = useState<string | null>(null);
  const available = useAvailableNumbers(search);
  const buy = useBuyNumber();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    buy.reset();
    setSearch({ areaCode: areaCode.trim(), contains: contains.trim() });
  };
  const staffOptions = [
    ...withoutNumber.map((member) => ({ value: member.id, label: member.name })),
  ].sort((a, b) => a.label.localeCompare(b.label));

  return (
    <Stack gap="xs" component="section" aria-labelledby="buy-heading">
      <Title order={2} size="h4" id="buy-heading">
        Buy a number
      </Title>
      <form onSubmit={submit}>
        <Group align="flex-end" gap="xs">
          <TextInput
            label="Area code"
            placeholder="415"
            inputMode="numeric"
            maxLength={3}
            value={areaCode}
            onChange={(event) => setAreaCode(event.currentTarget.value)}
            w={110}
          />
          <TextInput
            label="Digits"
            placeholder="555"
            inputMode="numeric"
            value={contains}
            onChange={(event) => setContains(event.currentTarget.value)}
            w={130}
          />
          <Select
            label="For"
            placeholder="Nobody yet"
            data={staffOptions}
            value={forStaff}
            onChange={setForStaff}
            clearable
            w={220}
            disabled={staff.length === 0}
          />
          <Button type="submit" variant="default">
            Search
          </Button>
        </Group>
      </form>
      {available.isFetching && <Loader size="sm" aria-label="Searching Twilio" />}
      {available.isError && <Alert color="red">{available.error.message}</Alert>}
      {buy.isError && (
        <Alert color="red" title="Not bought">
          {buy.error.message}
        </Alert>
      )}
      {buy.isSuccess && (
        <Alert color="teal">
          Bought {formatPhone(buy.data.phoneNumber)}
          {buy.data.staffId
            ? ` for ${staff.find((s) => s.id === buy.data.staffId)?.name ?? buy.data.staffId}`
            : ''}
          .
        </Alert>
      )}
      {available.data?.length === 0 && (
        <Text size="sm">Twilio has no number like that right now. Try another area code.</Text>
      )}
      {available.data && available.data.length > 0 && (
        <ul aria-label="Available numbers" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {available.data.map((number) => (
            <li key={number.phoneNumber}>
              <Group justify="space-between" py={4} wrap="nowrap">
                <Text size="sm">
                  {formatPhone(number.phoneNumber)}
                  {number.locality ? ` · ${number.locality}, ${number.region ?? ''}` : ''}
                </Text>
                <Button
                  size="compact-sm"
                  loading={buy.isPending && buy.variables.phoneNumber === number.phoneNumber}
                  onClick={() =>
                    buy.mutate(
                      { phoneNumber: number.phoneNumber, staffId: forStaff ?? undefined },
                      { onSuccess: () => setForStaff(null) },
                    )
                  }
                  aria-label={`Buy ${formatPhone(number.phoneNumber)}`}
                >
                  Buy
                </Button>
              </Group>
            </li>
          ))}
        </ul>
      )}
    </Stack>
  );
}

type Action =
  | { kind: 'assign'; number: NumberView }
  | { kind: 'unassign'; number: NumberView }
  | { kind: 'release'; number: NumberView };

/** Every change to a number is asked first; a release, which cannot be undone, is typed. */
function ActionDialog({
  action,
  staff,
  nameOf,
  onClose,
}: {
  action: Action;
  staff: StaffView[];
  nameOf: (staffId: string) => string;
  onClose: () => void;
}) {
  const [staffId, setStaffId] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const assign = useAssignNumber();
  const unassign = useUnassignNumber();
  const release = useReleaseNumber();
  const { number } = action;
  const phone = formatPhone(number.phoneNumber);
  const holder = number.staffId ? nameOf(number.staffId) : null;
  const change = { assign, unassign, release }[action.kind];
  const done = { onSuccess: onClose };
  // The number as the admin reads it, (415) 555-0101, or whole, +1 415 555 0101.
  const typedDigits = typed.replace(/\D/g, '');
  const typedNumber =
    typedDigits.length >= 10 && number.phoneNumber.replace(/\D/g, '').endsWith(typedDigits);

  const title = {
    assign: holder ? `Reassign ${phone}?` : `Assign ${phone}`,
    unassign: `Unassign ${phone}?`,
    release: `Release ${phone}?`,
  }[action.kind];

  return (
    <Modal opened onClose={onClose} title={title} centered>
      <Stack>
        {action.kind === 'assign' && (
          <>
            <Select
              label="Give it to"
              placeholder="Choose a staff member"
              data={staff
                .filter((member) => member.id !== number.staffId)
                .map((member) => ({ value: member.id, label: member.name }))
                .sort((a, b) => a.label.localeCompare(b.label))}
              value={staffId}
              onChange={setStaffId}
              searchable
              comboboxProps={{ withinPortal: false }}
            />
            {holder && (
              <Text size="sm">
                {holder} stops receiving its replies at once; replies that come later go to the new
                holder.
              </Text>
            )}
          </>
        )}
        {action.kind === 'unassign' && (
          <Text size="sm">
            {holder} can no longer text from {phone}. Replies to it go to the global tab for admins
            until someone holds it.
          </Text>
        )}
        {action.kind === 'release' && (
          <>
            <Text size="sm">
              {phone} goes back to Twilio{holder ? ` and ${holder} loses it` : ''}. Students who
              text it reach nobody. This cannot be undone.
            </Text>
            <TextInput
              label="Type the number to confirm"
              placeholder={phone}
              value={typed}
              onChange={(event) => setTyped(event.currentTarget.value)}
            />
          </>
        )}
        {change.isError && (
          <Alert color="red" title="Not changed">
            {change.error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep it as it is
          </Button>
          {action.kind === 'assign' && (
            <Button
              disabled={!staffId}
              loading={assign.isPending}
              onClick={() => staffId && assign.mutate({ numberId: number.id, staffId }, done)}
            >
              {holder ? 'Reassign' : 'Assign'}
            </Button>
          )}
          {action.kind === 'unassign' && (
            <Button loading={unassign.isPending} onClick={() => unassign.mutate(number.id, done)}>
              Unassign
            </Button>
          )}
          {action.kind === 'release' && (
            <Button
              color="red"
              disabled={!typedNumber}
              loading={release.isPending}
              onClick={() => release.mutate(number.id, done)}
            >
              Release the number
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

/** Every holder of the number, newest first, with when they held it. */
function History({ number, nameOf }: { number: NumberView; nameOf: (id: string) => string }) {
  const history = useNumberHistory(number.id);
  if (history.isPending) return <Loader aria-label="Loading the history" />;
  if (history.isError) return <Alert color="red">{history.error.message}</Alert>;
  if (history.data.length === 0) return <Text size="sm">Nobody has held it yet.</Text>;
  const terms = [...history.data].reverse();
  return (
    <Timeline active={terms.findIndex((term) => term.endedAt === null)} bulletSize={14}>
      {terms.map((term) => (
        <Timeline.Item key={`${term.staffId}-${term.startedAt}`} title={nameOf(term.staffId)}>
          <Text size="sm" c="dimmed">
            {day(term.startedAt)} – {term.endedAt ? day(term.endedAt) : 'now'}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
