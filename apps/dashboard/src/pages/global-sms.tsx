import {
  Alert,
  Anchor,
  Badge,
  Button,
  Loader,
  Grid,
  Highlight,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { GlobalSmsRow, MessageStatus, Role } from '@fidelis/contracts';
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { AttentionActions } from '../components/attention-actions';
import { RouteWords } from '../components/route-words';
import { StudentPicker } from '../components/student-picker';
import { ApiError } from '../lib/api';
import { formatPhone, formatWhen, STATUS_WORDS, statusWords } from '../lib/format';
import { type GlobalSmsFilters, useGlobalSms, useMe, useStaffList } from '../lib/queries';
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

/** The filters the address carries: the API's, with the dates as days (`until` included). */
type AddressFilters = Omit<GlobalSmsFilters, 'since' | 'until'> & { since: string; until: string };

/** The start of a day (`2026-11-03`) in the reader's time zone, as ISO 8601; '' for no day. */
function startOfDay(day: string, daysLater = 0): string {
  const at = new Date(`${day}T00:00:00`);
  if (!day || Number.isNaN(at.getTime())) return '';
  at.setDate(at.getDate() + daysLater);
  return at.toISOString();
}

/** A fix made here, until the list no longer shows the message as needing attention. */
interface Fix {
  words: string;
  at: number;
}

/** How long a fix is waited for (the system re-attributes within a second or two). */
const FIX_SETTLES_MS = 30_000;

/** What one fix resolves: every message of an unknown phone, one message, or a number's messages. */
function fixKey(message: GlobalSmsRow): string {
  switch (message.attention) {
    case 'unknown-sender':
      return `from ${message.from}`;
    case 'no-holder':
      return `to ${message.to ?? ''}`;
    case 'ambiguous':
    case 'possible-opt-out':
    case null:
      return `message ${message.id}`;
  }
}

/**
 * The global SMS tab (admins and managers): every message newest first, searched and filtered,
 * an older page at a time; or only what needs attention, each with its fix. The filters live in
 * the address, so a search can be reloaded and shared.
 */
export function GlobalSmsPage() {
  const [params, setParams] = useSearchParams();
  const address: AddressFilters = {
    q: params.get('q') ?? '',
    direction: params.get('direction') ?? '',
    status: params.get('status') ?? '',
    staffId: params.get('staffId') ?? '',
    studentId: params.get('studentId') ?? '',
    attention: params.get('attention') === 'true' ? 'true' : '',
    since: params.get('since') ?? '',
    until: params.get('until') ?? '',
  };
  const filters: GlobalSmsFilters = {
    ...address,
    since: startOfDay(address.since),
    until: startOfDay(address.until, 1),
  };
  const setFilter = (name: keyof AddressFilters, value: string) => {
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

  const me = useMe();
  const [fixes, setFixes] = useState(new Map<string, Fix>());
  const fixOf = (message: GlobalSmsRow) =>
    message.attention ? fixes.get(fixKey(message)) : undefined;
  const fixed = (message: GlobalSmsRow, words: string) =>
    setFixes((before) => new Map(before).set(fixKey(message), { words, at: Date.now() }));
  const [settling, setSettling] = useState(false);
  const messages = useGlobalSms(filters, 50, settling ? 1000 : false);
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
  // While a fix made here still shows as needing attention, the list is asked again each second
  // (the system re-attributes the messages shortly after), for half a minute at most.
  const waiting = (messages.data?.pages ?? []).some((page) =>
    page.items.some((message) => {
      const fix = fixOf(message);
      return fix !== undefined && Date.now() - fix.at < FIX_SETTLES_MS;
    }),
  );
  useEffect(() => {
    setSettling(waiting);
    if (!waiting) return;
    const stop = window.setTimeout(() => setSettling(false), FIX_SETTLES_MS);
    return () => window.clearTimeout(stop);
  }, [waiting]);
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

  const needsAttention = address.attention === 'true';
  const otherFilters = Object.entries(address).some(
    ([name, value]) => name !== 'attention' && value !== '',
  );

  return (
    <Stack maw={1100}>
      <Title order={1} size="h3">
        Global SMS
      </Title>
      <SegmentedControl
        aria-label="Show"
        data={[
          { value: 'all', label: 'All messages' },
          { value: 'attention', label: 'Needs attention' },
        ]}
        value={needsAttention ? 'attention' : 'all'}
        onChange={(value) => setFilter('attention', value === 'attention' ? 'true' : '')}
        style={{ alignSelf: 'flex-start' }}
      />
      {/* One row on a desk; on a phone, the short fields share a line. */}
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
          <TextInput
            type="search"
            label="Search"
            placeholder="Words in the message"
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
          <StudentPicker
            label="Student"
            placeholder="Every student"
            value={address.studentId}
            onChange={(studentId) => setFilter('studentId', studentId)}
            clearable
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
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
        <Grid.Col span={{ base: 6, sm: 3, md: 3 }}>
          <TextInput
            type="date"
            label="From day"
            value={address.since}
            max={address.until || undefined}
            onChange={(event) => setFilter('since', event.currentTarget.value)}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 3, md: 3 }}>
          <TextInput
            type="date"
            label="To day"
            description={undefined}
            value={address.until}
            min={address.since || undefined}
            onChange={(event) => setFilter('until', event.currentTarget.value)}
          />
        </Grid.Col>
      </Grid>
      {messages.isPending && <Loader aria-label="Loading messages" />}
      {messages.isError && <Alert color="red">{messages.error.message}</Alert>}
      {messages.isSuccess && items.length === 0 && (
        <Stack gap="xs" align="flex-start">
          {needsAttention && !otherFilters ? (
            <Text>
              Nothing needs attention. Messages from unknown phones, from phones several students
              share, and to numbers nobody holds show up here.
            </Text>
          ) : filtered ? (
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
            <MessageRow
              key={message.id}
              message={message}
              role={me.data?.role}
              fixed={fixOf(message)?.words ?? null}
              onFixed={(words) => fixed(message, words)}
            />
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

/** One message: when, which way, between whom, what was said, what became of it, and why. */
export function MessageRow({
  message,
  role,
  fixed = null,
  onFixed = () => undefined,
}: {
  message: GlobalSmsRow;
  role?: Role;
  /** What was done here about its needing attention, while the list catches up. */
  fixed?: string | null;
  onFixed?: (words: string) => void;
}) {
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
  const [whyOpen, setWhyOpen] = useState(false);
  const whyId = useId();
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
      <Highlight size="sm" className={classes.body} highlight={message.matches}>
        {message.body}
      </Highlight>
      <div className={classes.status}>
        <Text size="sm">{statusWords(message)}</Text>
        {/* What needs attention says why at once; otherwise the reason is a click away. */}
        {message.route && !message.attention && (
          <Button
            variant="subtle"
            size="compact-xs"
            px={0}
            aria-expanded={whyOpen}
            aria-controls={whyOpen ? whyId : undefined}
            onClick={() => setWhyOpen(!whyOpen)}
          >
            Why here?
          </Button>
        )}
      </div>
      {message.route && (message.attention || whyOpen) && (
        <div className={classes.route}>
          <RouteWords message={message} studentName={message.studentName} id={whyId} />
        </div>
      )}
      {message.attention && (
        <div className={classes.fix}>
          <AttentionActions message={message} role={role} done={fixed} onDone={onFixed} />
        </div>
      )}
    </li>
  );
}
