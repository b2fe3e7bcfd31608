import type { GlobalSmsRow, NumberView, Role } from '@fidelis/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { stubFetch, type Answer, type SeenRequest } from '../testing/fetch-stub';
import { me, message, student } from '../testing/fixtures';
import { renderView } from '../testing/render';
import { SmsPage } from './global-sms';

const UNKNOWN = '+16285554030';
const SHARED = '+14155550111';
const ORPHAN_NUMBER = '+14155551000';

const sam = student({ id: 'sam', name: 'Sam Student', smsPhone: '+14155550101' });
const tia = student({
  id: 'tia',
  name: 'Tia Student',
  smsPhone: SHARED,
  timezone: 'America/Chicago',
});

const staff = [
  { id: 'staff-1', name: 'Casey Coach', email: 'casey@example.edu', role: 'coach' },
  { id: 'staff-2', name: 'Dana Dean', email: 'dana@example.edu', role: 'coach' },
];

const numbers: NumberView[] = [
  { ...me().number!, id: 'number-1', staffId: 'staff-1' },
  {
    ...me().number!,
    id: 'number-2',
    phoneNumber: ORPHAN_NUMBER,
    staffId: null,
    assignedAt: null,
  },
];

/** An inbound message of the global tab. */
const row = (overrides: Partial<GlobalSmsRow> = {}): GlobalSmsRow => ({
  ...message({ direction: 'inbound' }),
  studentName: 'Sam Student',
  staffName: 'Casey Coach',
  attention: null,
  matches: [],
  route: {
    student: { by: 'smsPhone', candidates: ['sam'] },
    staff: { id: 'staff-1', heldSince: '2026-11-03T09:00:00.000Z' },
  },
  ...overrides,
});

const unknownSender = row({
  id: 'unknown-1',
  from: UNKNOWN,
  studentId: null,
  studentName: null,
  body: 'Who is this?',
  attention: 'unknown-sender',
  route: { student: { by: null, candidates: [] }, staff: { id: 'staff-1', heldSince: null } },
});
const ambiguous = row({
  id: 'ambiguous-1',
  from: SHARED,
  studentId: null,
  studentName: null,
  body: 'Is class on?',
  attention: 'ambiguous',
  route: {
    student: { by: null, candidates: ['sam', 'tia'] },
    staff: { id: 'staff-1', heldSince: null },
  },
});
const noHolder = row({
  id: 'orphan-1',
  to: ORPHAN_NUMBER,
  staffId: null,
  staffName: null,
  status: 'unroutable',
  body: 'Hello?',
  attention: 'no-holder',
  route: { student: { by: 'smsPhone', candidates: ['sam'] }, staff: { id: null, heldSince: null } },
});

/** The query of each `GET /api/sms` the view made. */
const smsQueries = (requests: SeenRequest[]) =>
  requests
    .filter((request) => request.url.startsWith('/api/sms?'))
    .map((request) => new URLSearchParams(request.url.split('?')[1]));

/** The directory, the numbers and the caller (an admin unless told), with `sms` for the tab. */
function stubConsole(sms: Answer, role: Role = 'admin', more: Record<string, Answer> = {}) {
  return stubFetch({
    'GET /api/me': { ...me(null), id: 'admin-1', name: 'Ada Admin', role },
    'GET /api/staff': staff,
    'GET /api/numbers': numbers,
    'GET /api/students/sam': sam,
    'GET /api/students/tia': tia,
    'GET /api/students': { items: [sam, tia], nextBefore: null },
    'GET /api/sms': sms,
    ...more,
  });
}

/** Answers the tab with `items` until `fixed()` is called, then with no attention left. */
function attentionList(items: GlobalSmsRow[]) {
  let fixed = false;
  const answer: Answer = ({ url }) => ({
    status: 200,
    body: {
      items: fixed && url.includes('attention=true') ? [] : items,
      nextBefore: null,
    },
  });
  return { answer, fix: () => (fixed = true) };
}

const messagesShown = async () =>
  within(await screen.findByRole('list', { name: 'Messages' })).getAllByRole('listitem');

describe('the global SMS tab: search, filters and why', () => {
  it('marks the searched words in each message', async () => {
    stubConsole({
      items: [row({ body: 'Is the Homework due? homework!', matches: ['Homework', 'homework'] })],
      nextBefore: null,
    });
    renderView(<SmsPage />, { path: '/sms?q=homework' });

    const [shown] = await messagesShown();
    const marked = within(shown).getAllByText(/homework/i, { selector: 'mark' });
    expect(marked.map((mark) => mark.textContent)).toEqual(['Homework', 'homework']);
  });

  it('asks for a student, days and what needs attention, as the address says', async () => {
    const { requests } = stubConsole({ items: [], nextBefore: null });
    renderView(<SmsPage />, {
      path: '/sms?studentId=sam&since=2026-11-02&until=2026-11-03&attention=true',
    });

    await waitFor(() => expect(smsQueries(requests).length).toBeGreaterThan(0));
    const query = smsQueries(requests)[0];
    expect(query.get('studentId')).toBe('sam');
    expect(query.get('attention')).toBe('true');
    // The days in the reader's time zone, the last one included.
    expect(query.get('since')).toBe(new Date('2026-11-02T00:00:00').toISOString());
    expect(query.get('until')).toBe(new Date('2026-11-04T00:00:00').toISOString());
    expect(await screen.findByRole('combobox', { name: 'Student' })).toHaveValue('Sam Student');
    expect(screen.getByLabelText('From day')).toHaveValue('2026-11-02');
    expect(screen.getByLabelText('To day')).toHaveValue('2026-11-03');
    expect(screen.getByRole('radio', { name: 'Needs attention' })).toBeChecked();
  });

  it('finds the student to filter by through the API', async () => {
    const { requests, user } = (() => {
      const stub = stubConsole({ items: [row()], nextBefore: null });
      return { ...stub, ...renderView(<SmsPage />, { path: '/sms' }) };
    })();

    await user.type(await screen.findByRole('combobox', { name: 'Student' }), 'Tia');
    await user.click(await screen.findByRole('option', { name: /Tia Student/, hidden: true }));
    await waitFor(() => expect(smsQueries(requests).at(-1)?.get('studentId')).toBe('tia'));
    expect(requests.some((request) => request.url.startsWith('/api/students?q=Tia'))).toBe(true);

    // Emptied, the box filters by no student again.
    await user.clear(screen.getByRole('combobox', { name: 'Student' }));
    await waitFor(() => expect(smsQueries(requests).at(-1)?.get('studentId')).toBeNull());
  });

  it('says why an incoming message went where it went', async () => {
    stubConsole({ items: [row({ body: 'Can we meet?' })], nextBefore: null });
    const { user } = renderView(<SmsPage />, { path: '/sms' });

    const [shown] = await messagesShown();
    await user.click(within(shown).getByRole('button', { name: 'Why here?' }));
    expect(
      await within(shown).findByText(
        /^From \(415\) 555-0101 matched Sam Student's SMS phone; To \(415\) 555-0100 held by Casey Coach since/,
      ),
    ).toBeInTheDocument();
  });
});

describe('the global SMS tab: needs attention', () => {
  it('shows only what needs attention when asked, and says when nothing does', async () => {
    const { requests, user } = (() => {
      const stub = stubConsole(({ url }) => ({
        status: 200,
        body: { items: url.includes('attention=true') ? [] : [row()], nextBefore: null },
      }));
      return { ...stub, ...renderView(<SmsPage />, { path: '/sms' }) };
    })();

    await messagesShown();
    await user.click(screen.getByRole('radio', { name: 'Needs attention' }));
    await screen.findByText(/^Nothing needs attention\./);
    expect(smsQueries(requests).at(-1)?.get('attention')).toBe('true');
  });

  it('links an unknown phone to a student, keeping their other fields', async () => {
    const list = attentionList([unknownSender]);
    const { requests } = stubConsole(list.answer, 'admin', {
      'PUT /api/students/tia': ({ body }) => {
        list.fix();
        return { status: 200, body: { ...tia, ...(body as object) } };
      },
    });
    const { user } = renderView(<SmsPage />, { path: '/sms?attention=true' });

    const [item] = await messagesShown();
    expect(item).toHaveTextContent('Needs attention: Unknown sender');
    expect(item).toHaveTextContent('From (628) 555-4030, a phone no student has');
    await user.type(
      within(item).getByRole('combobox', { name: 'Whose phone is (628) 555-4030?' }),
      'Tia',
    );
    await user.click(await screen.findByRole('option', { name: /Tia Student/, hidden: true }));
    expect(
      await within(item).findByText(/Tia Student's SMS phone becomes \(628\) 555-4030 instead of/),
    ).toBeInTheDocument();
    await user.click(within(item).getByRole('button', { name: 'Link the phone' }));

    await screen.findByText(/^Nothing needs attention\./);
    const put = requests.find((request) => request.method === 'PUT');
    expect(put?.body).toEqual({
      name: 'Tia Student',
      email: tia.email,
      smsPhone: UNKNOWN,
      timezone: 'America/Chicago',
    });
  });

  it('gives a message from a shared phone to the student picked among those who share it', async () => {
    const list = attentionList([ambiguous]);
    const { requests } = stubConsole(list.answer, 'coach_manager', {
      'PUT /api/messages/ambiguous-1/student': () => {
        list.fix();
        return { status: 200, body: { ...ambiguous, studentId: 'tia' } };
      },
    });
    const { user } = renderView(<SmsPage />, { path: '/sms?attention=true' });

    const [item] = await messagesShown();
    expect(
      await within(item).findByText(
        /From \(415\) 555-0111, shared by Sam Student and Tia Student; nobody has picked which/,
      ),
    ).toBeInTheDocument();
    await user.click(await within(item).findByRole('button', { name: 'It was Tia Student' }));

    await screen.findByText(/^Nothing needs attention\./);
    expect(requests.find((request) => request.method === 'PUT')?.body).toEqual({
      studentId: 'tia',
    });
  });

  it('gives a number nobody holds to a staff member without one (admins)', async () => {
    const list = attentionList([noHolder]);
    const { requests } = stubConsole(list.answer, 'admin', {
      'PUT /api/numbers/number-2/assignee': () => {
        list.fix();
        return { status: 200, body: { ...numbers[1], staffId: 'staff-2' } };
      },
    });
    const { user } = renderView(<SmsPage />, { path: '/sms?attention=true' });

    const [item] = await messagesShown();
    expect(item).toHaveTextContent('nobody held (415) 555-1000 when it arrived');
    await user.click(within(item).getByRole('combobox', { name: 'Give (415) 555-1000 to' }));
    // Casey holds a number already: only Dana is offered.
    const offered = await screen.findByRole('listbox', {
      name: 'Give (415) 555-1000 to',
      hidden: true,
    });
    await waitFor(() =>
      expect(
        within(offered)
          .getAllByRole('option', { hidden: true })
          .map((option) => option.textContent),
      ).toEqual(['Dana Dean']),
    );
    await user.click(within(offered).getByRole('option', { name: 'Dana Dean', hidden: true }));
    await user.click(within(item).getByRole('button', { name: 'Assign the number' }));

    await screen.findByText(/^Nothing needs attention\./);
    expect(requests.find((request) => request.method === 'PUT')?.body).toEqual({
      staffId: 'staff-2',
    });
  });

  it('shows a manager what an admin must fix, without the admin-only actions', async () => {
    stubConsole({ items: [unknownSender, noHolder], nextBefore: null }, 'coach_manager');
    renderView(<SmsPage />, { path: '/sms?attention=true' });

    const [phone, number] = await messagesShown();
    expect(phone).toHaveTextContent('An admin can link this phone to a student.');
    expect(number).toHaveTextContent('An admin can give this number to a staff member.');
    expect(screen.queryByRole('button', { name: /Link the phone|Assign the number/ })).toBeNull();
  });

  it('says plainly when a fix is refused', async () => {
    stubConsole({ items: [ambiguous], nextBefore: null }, 'admin', {
      'PUT /api/messages/ambiguous-1/student': () => ({
        status: 409,
        body: {
          statusCode: 409,
          error: 'Conflict',
          message: 'This message is not ambiguous any more.',
        },
      }),
    });
    const { user } = renderView(<SmsPage />, { path: '/sms?attention=true' });

    const [item] = await messagesShown();
    await user.click(await within(item).findByRole('button', { name: 'It was Sam Student' }));
    expect(
      await within(item).findByText('This message is not ambiguous any more.'),
    ).toBeInTheDocument();
  });
});
