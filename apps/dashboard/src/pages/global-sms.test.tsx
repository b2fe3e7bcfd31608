import type { GlobalSmsRow } from '@fidelis/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { refuse, stubFetch, type SeenRequest } from '../testing/fetch-stub';
import { message } from '../testing/fixtures';
import { renderView } from '../testing/render';
import { SmsPage } from './global-sms';

/** A message of the global tab, with the names the API adds. */
const row = (overrides: Partial<GlobalSmsRow> = {}): GlobalSmsRow => ({
  ...message(),
  studentName: 'Maya Lopez',
  staffName: 'Casey Coach',
  attention: null,
  matches: [],
  ...overrides,
});

const staff = [
  { id: 'staff-1', name: 'Casey Coach', email: 'casey@example.edu', role: 'coach' },
  { id: 'staff-2', name: 'Dana Dean', email: 'dana@example.edu', role: 'coach' },
];

/** The query of each `GET /api/sms` the view made. */
const smsQueries = (requests: SeenRequest[]) =>
  requests
    .filter((request) => request.url.startsWith('/api/sms?'))
    .map((request) => new URLSearchParams(request.url.split('?')[1]));

describe('the global SMS tab', () => {
  it('says who, which way, what and what became of each message, in plain words', async () => {
    stubFetch({
      'GET /api/staff': staff,
      'GET /api/sms': {
        items: [
          row({
            direction: 'outbound',
            body: 'Your homework is missing',
            status: 'failed',
            fallback: { channel: 'email', to: 'maya@example.edu', status: 'sent', at: '' },
          }),
          row({
            direction: 'inbound',
            studentId: null,
            studentName: null,
            from: '+16285554030',
            staffId: null,
            staffName: null,
            body: 'Who is this?',
            status: 'unroutable',
          }),
        ],
        nextBefore: null,
      },
    });
    renderView(<SmsPage />, { path: '/sms' });

    const rows = within(await screen.findByRole('list', { name: 'Messages' })).getAllByRole(
      'listitem',
    );
    expect(rows[0]).toHaveTextContent('OutgoingFrom Casey Coach to Maya Lopez');
    expect(rows[0]).toHaveTextContent('Your homework is missing');
    expect(rows[0]).toHaveTextContent('Failed — emailed instead to maya@example.edu');
    expect(within(rows[0]).getByRole('link', { name: 'Maya Lopez' })).toHaveAttribute(
      'href',
      '/students/student-1',
    );

    expect(rows[1]).toHaveTextContent(
      'IncomingFrom (628) 555-4030 to no one (the number had no holder)',
    );
    expect(rows[1]).toHaveTextContent('Not routed to anyone');
    expect(within(rows[1]).getByRole('link', { name: '(628) 555-4030' })).toHaveAttribute(
      'href',
      '/sms?contactPhone=%2B16285554030',
    );
    expect(rows[1]).not.toHaveTextContent('+16285554030');
    expect(screen.getByText('No older messages.')).toBeInTheDocument();
  });

  it('refuses a coach plainly, with the way to her own conversations', async () => {
    stubFetch({
      'GET /api/sms': refuse(403, { message: 'Forbidden resource' }),
    });
    renderView(<SmsPage />, { path: '/sms' });

    expect(
      await screen.findByText(
        'The global SMS tab is for admins and managers. Your conversations are in your SMS tile.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to your SMS tile' })).toHaveAttribute('href', '/');
    expect(screen.queryByText(/403|Forbidden/)).not.toBeInTheDocument();
    expect(screen.queryByRole('searchbox')).not.toBeInTheDocument();
  });

  it('asks the API for the searched words, and for older messages with the cursor', async () => {
    const first = row({ body: 'Newest' });
    const older = row({ body: 'Older one' });
    const { requests } = stubFetch({
      'GET /api/staff': staff,
      'GET /api/sms': ({ url }) => {
        const query = new URLSearchParams(url.split('?')[1]);
        if (query.get('before') === 'cursor-1') {
          return { status: 200, body: { items: [older], nextBefore: null } };
        }
        return { status: 200, body: { items: [first], nextBefore: 'cursor-1' } };
      },
    });
    const { user } = renderView(<SmsPage />, { path: '/sms' });

    await user.click(await screen.findByRole('button', { name: 'Older messages' }));
    await screen.findByText('Older one');
    expect(screen.getAllByRole('listitem')).toHaveLength(2);
    expect(screen.queryByRole('button', { name: 'Older messages' })).not.toBeInTheDocument();

    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'homework');
    await waitFor(() => expect(smsQueries(requests).at(-1)?.get('q')).toBe('homework'));
    expect(smsQueries(requests).at(-1)?.get('before')).toBeNull();
  });

  it('still shows the older page when a live event refetches while it loads', async () => {
    let olderAsked = 0;
    stubFetch({
      'GET /api/staff': staff,
      'GET /api/sms': async ({ url }) => {
        if (!url.includes('before=cursor-1')) {
          return {
            status: 200,
            body: { items: [row({ body: 'Newest' })], nextBefore: 'cursor-1' },
          };
        }
        olderAsked += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { status: 200, body: { items: [row({ body: 'Older one' })], nextBefore: null } };
      },
    });
    const { user, queries } = renderView(<SmsPage />, { path: '/sms' });

    await user.click(await screen.findByRole('button', { name: 'Older messages' }));
    // As the event stream does on each sms.received: it cancels the older page's fetch.
    await queries.invalidateQueries();
    await screen.findByText('Older one');
    expect(olderAsked).toBeGreaterThanOrEqual(2);
    expect(screen.getAllByRole('listitem')).toHaveLength(2);
  });

  it('says what to do when nothing matches', async () => {
    stubFetch({ 'GET /api/staff': staff, 'GET /api/sms': { items: [], nextBefore: null } });
    const { user } = renderView(<SmsPage />, { path: '/sms?direction=outbound' });

    await screen.findByText('No message matches these filters.');
    expect(screen.getByRole('combobox', { name: 'Direction' })).toHaveValue('Outgoing');
    await user.click(screen.getByRole('button', { name: 'Clear the search and filters' }));
    await screen.findByText(/No messages yet\./);
    expect(screen.getByRole('combobox', { name: 'Direction' })).toHaveValue('Both directions');
  });
});
