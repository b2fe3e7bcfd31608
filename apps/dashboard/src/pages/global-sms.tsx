import {
  Alert,
  Anchor,
  Badge,
  Button,
  Loader,
  Grid,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { GlobalSmsRow, MessageStatus } from '@fidelis/contracts';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../lib/api';
import { formatPhone, formatWhen, STATUS_WORDS, statusWords } from '../lib/format';
import { type GlobalSmsFilters, useGlobalSms, useStaffList } from '../lib/queries';
import classes from './global-sms.module.css';
import { PhoneConversationPage } from './phone-conversation';

/** `/sms?contactPhone=` is one conversation; `/sms` alone is the global tab. */
export function SmsPage() {
  const contactPhone = useSearchParams()[0].get('contactPhone');
  return contactPhone === null ? <GlobalSmsPage /> : <PhoneConversationPage />;
}

/** A select's choice for "no filter" (Mantine's options need a value). */
const ANY = 'any';

const DIRECTIONS = [
  { value: ANY, label: 'Both directions' },
  { value: 'inbound', label: 'Incoming' },
  { value: 'outbound', label: 'Outgoing' },
];

/** The statuses worth filtering by, in the order a message lives them. */
const FILTERED_STATUSES: MessageStatus[] = [
  'received',
  'unroutable',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'undeliverable',
];
const STATUSES = [
  { value: ANY, label: 'Any status' },
  ...FILTERED_STATUSES.map((status) => ({ value: status, label: STATUS_WORDS[status] })),
];

/**
 * The global SMS tab (admins and managers): every message newest first, searched and filtered,
 * an older page at a time. The filters live in the address, so a search can be reloaded and shared.
 */
export function GlobalSmsPage() {
  const [params, setParams] = useSearchParams();
  const filters: GlobalSmsFilters = {
    q: params.get('q') ?? '',
    direction: params.get('direction') ?? '',
    status: params.get('status') ?? '',
    staffId: params.get('staffId') ?? '',
  };
  const setFilter = (name: keyof GlobalSmsFilters, value: string) => {
    // From the address as it is now, not as this render saw it: a search that settles just as a
    // filter is chosen must not undo it.
    const next = new URLSearchParams(window.location.search);
    if (value && value !== ANY) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  const [search, setSearch] = useState(filters.q);
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  useEffect(() => {
    if (debouncedSearch !== filters.q) setFilter('q', debouncedSearch);
    // The address follows the typed words once typing pauses, not each keystroke.
  }, [debouncedSearch]);

  const messages = useGlobalSms(filters);
  // The pages asked for with "Older messages", for these filters. A live event refetches only the
  // pages already there and cancels the fetch of an older one, so that one is fetched again after.
  const filtersKey = JSON.stringify(filters);
  const [asked, setAsked] = useState({ filtersKey, pages: 1 });
  const pagesWanted = asked.filtersKey === filtersKey ? asked.pages : 1;
  const pagesShown = messages.data?.pages.length ?? 0;
  const olderWanted = messages.hasNextPage && pagesShown < pagesWanted;
  useEffect(() => {
    if (olderWanted && !messages.isFetching && !messages.isFetchNextPageError) {
      void messages.fetchNextPage();
    }
  });
  const staff = useStaffList(messages.isSuccess);
  const staffOptions = [
    { value: ANY, label: 'Every staff member' },
    ...(staff.data ?? [])
      .map((member) => ({ value: member.id, label: member.name }))
      .sort((a, b) => a.label.localeCompare(b.label)),
  ];

  if (messages.error instanceof ApiError && messages.error.status === 403) return <Refusal />;

  const items = messages.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Object.values(filters).some((value) => value !== '');
  const clearFilters = () => {
    setSearch('');
    setParams(new URLSearchParams(), { replace: true });
  };

  return (
    <Stack maw={1100}>
      <Title order={1} size="h3">
        Global SMS
      </Title>
      {/* One row on a desk; on a phone, the two short selects share a line. */}
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
          <TextInput
            type="search"
            label="Search"
            placeholder="Words in the message"
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 3, md: 3 }}>
          <Select
            label="Direction"
            data={DIRECTIONS}
            value={filters.direction || ANY}
            onChange={(value) => setFilter('direction', value ?? '')}
            allowDeselect={false}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 3, md: 3 }}>
          <Select
            label="Status"
            data={STATUSES}
            value={filters.status || ANY}
            onChange={(value) => setFilter('status', value ?? '')}
            allowDeselect={false}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
          <Select
            label="Staff member"
            data={staffOptions}
            value={filters.staffId || ANY}
            onChange={(value) => setFilter('staffId', value ?? '')}
            allowDeselect={false}
            searchable
            nothingFoundMessage="No staff member by that name"
          />
        </Grid.Col>
      </Grid>
      {messages.isPending && <Loader aria-label="Loading messages" />}
      {messages.isError && <Alert color="red">{messages.error.message}</Alert>}
      {messages.isSuccess && items.length === 0 && (
        <Stack gap="xs" align="flex-start">
          {filtered ? (
            <>
              <Text>No message matches these filters.</Text>
              <Button variant="default" size="compact-sm" onClick={clearFilters}>
                Clear the search and filters
              </Button>
            </>
          ) : (
            <Text c="dimmed">
              No messages yet. Every SMS sent or received on the school&apos;s numbers appears here
              as it happens. Assign numbers to staff under Admin, and students can start texting.
            </Text>
          )}
        </Stack>
      )}
      {items.length > 0 && (
        <ul className={classes.list} aria-label="Messages">
          {items.map((message) => (
            <MessageRow key={message.id} message={message} />
          ))}
        </ul>
      )}
      {messages.hasNextPage && (
        <Button
          variant="default"
          onClick={() => {
            setAsked({ filtersKey, pages: pagesShown + 1 });
            void messages.fetchNextPage();
          }}
          loading={olderWanted && !messages.isFetchNextPageError}
          style={{ alignSelf: 'flex-start' }}
        >
          Older messages
        </Button>
      )}
      {items.length > 0 && !messages.hasNextPage && (
        <Text size="sm" c="dimmed">
          No older messages.
        </Text>
      )}
    </Stack>
  );
}

/** Coaches and instructors have their own conversations only (the API answers 403). */
function Refusal() {
  return (
    <Stack maw={720} align="flex-start">
      <Title order={1} size="h3">
        Global SMS
      </Title>
      <Text>
        The global SMS tab is for admins and managers. Your conversations are in your SMS tile.
      </Text>
      <Anchor component={Link} to="/">
        Go to your SMS tile
      </Anchor>
    </Stack>
  );
}

/** One message: when, which way, between whom, what was said, and what became of it. */
export function MessageRow({ message }: { message: GlobalSmsRow }) {
  const incoming = message.direction === 'inbound';
  const studentPhone = incoming ? message.from : message.to;
  const student = message.studentId ? (
    <Anchor component={Link} to={`/students/${encodeURIComponent(message.studentId)}`}>
      {message.studentName ?? (studentPhone ? formatPhone(studentPhone) : 'the student')}
    </Anchor>
  ) : studentPhone ? (
    <Anchor component={Link} to={`/sms?contactPhone=${encodeURIComponent(studentPhone)}`}>
      {formatPhone(studentPhone)}
    </Anchor>
  ) : (
    'an unknown phone'
  );
  const staff = message.staffName ?? message.staffId ?? 'no one (the number had no holder)';
  return (
    <li className={classes.row}>
      <Text size="sm" c="dimmed" className={classes.when}>
        <time dateTime={message.createdAt} title={new Date(message.createdAt).toLocaleString()}>
          {formatWhen(message.createdAt)}
        </time>
      </Text>
      <div className={classes.who}>
        <Badge size="sm" variant="light" color={incoming ? 'gray' : 'blue'}>
          {incoming ? 'Incoming' : 'Outgoing'}
        </Badge>
        <Text size="sm">
          {incoming ? (
            <>
              From {student} to {staff}
            </>
          ) : (
            <>
              From {staff} to {student}
            </>
          )}
        </Text>
      </div>
      <Text size="sm" className={classes.body}>
        {message.body}
      </Text>
      <Text size="sm" className={classes.status}>
        {statusWords(message)}
      </Text>
    </li>
  );
}
