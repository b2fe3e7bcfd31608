import type { NumberView } from '@fidelis/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { refuse, stubFetch } from '../../testing/fetch-stub';
import { renderView } from '../../testing/render';
import { NumbersPage } from './numbers';

const staff = [
  { id: 'staff-1', name: 'Casey Coach', email: 'casey@example.edu', role: 'coach' },
  { id: 'staff-2', name: 'Dana Dean', email: 'dana@example.edu', role: 'coach' },
  { id: 'staff-3', name: 'Ari Admin', email: 'ari@example.edu', role: 'admin' },
];

const number = (overrides: Partial<NumberView> = {}): NumberView => ({
  id: 'number-1',
  phoneNumber: '+14155550100',
  twilioSid: 'PN1',
  staffId: 'staff-1',
  assignedAt: '2026-11-03T15:00:00.000Z',
  status: 'active',
  createdAt: '2026-11-01T15:00:00.000Z',
  releasedAt: null,
  ...overrides,
});

const numbers = [
  number(),
  number({ id: 'number-2', phoneNumber: '+14155550199', staffId: null, assignedAt: null }),
];

describe('the numbers page', () => {
  it('shows each number with its holder and since when, and flags staff without a number', async () => {
    stubFetch({ 'GET /api/numbers': numbers, 'GET /api/staff': staff });
    renderView(<NumbersPage />, { path: '/admin/numbers' });

    const table = await screen.findByRole('table', { name: 'Numbers' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('(415) 555-0100');
    await waitFor(() => expect(rows[1]).toHaveTextContent('Casey Coach'));
    expect(rows[1]).toHaveTextContent('2026');
    expect(rows[2]).toHaveTextContent('(415) 555-0199');
    expect(rows[2]).toHaveTextContent('Nobody');
    expect(await screen.findByText('2 staff without a number')).toBeInTheDocument();
    const flagged = screen.getByText(/They cannot text until they have one/);
    expect(flagged).toHaveTextContent('Dana Dean');
    expect(flagged).toHaveTextContent('Ari Admin');
    expect(flagged).not.toHaveTextContent('Casey Coach');
  });

  it('shows a refusal, and no number, to anyone but an admin', async () => {
    stubFetch({
      'GET /api/numbers': refuse(403, { message: 'Forbidden resource' }),
      'GET /api/staff': staff,
    });
    renderView(<NumbersPage />, { path: '/admin/numbers' });

    expect(await screen.findByText(/This page is for admins/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('searches Twilio by area code and buys a number for a staff member, or says why not', async () => {
    let refused = false;
    const { requests } = stubFetch({
      'GET /api/numbers': numbers,
      'GET /api/staff': staff,
      'GET /api/numbers/available?areaCode=628': [
        {
          phoneNumber: '+16285550111',
          friendlyName: '(628) 555-0111',
          locality: 'San Francisco',
          region: 'CA',
        },
        {
          phoneNumber: '+16285550112',
          friendlyName: '(628) 555-0112',
          locality: 'San Francisco',
          region: 'CA',
        },
      ],
      'POST /api/numbers': (request) => {
        const { phoneNumber } = request.body as { phoneNumber: string };
        if (phoneNumber === '+16285550112') {
          refused = true;
          return refuse(400, {
            message: 'That number is no longer available at Twilio. Search again.',
          })();
        }
        return { status: 201, body: number({ id: 'number-3', phoneNumber, staffId: 'staff-2' }) };
      },
    });
    const { user } = renderView(<NumbersPage />, { path: '/admin/numbers' });

    await user.type(await screen.findByRole('textbox', { name: 'Area code' }), '628');
    await user.click(screen.getByRole('combobox', { name: 'For' }));
    await user.click(await screen.findByRole('option', { name: 'Dana Dean', hidden: true }));
    await user.click(screen.getByRole('button', { name: 'Search' }));
    const available = await screen.findByRole('list', { name: 'Available numbers' });
    expect(within(available).getAllByRole('listitem')).toHaveLength(2);

    await user.click(screen.getByRole('button', { name: 'Buy (628) 555-0111' }));
    expect(await screen.findByText('Bought (628) 555-0111 for Dana Dean.')).toBeInTheDocument();
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
      phoneNumber: '+16285550111',
      staffId: 'staff-2',
    });

    await user.click(screen.getByRole('button', { name: 'Buy (628) 555-0112' }));
    expect(
      await screen.findByText('That number is no longer available at Twilio. Search again.'),
    ).toBeInTheDocument();
    expect(refused).toBe(true);
    expect(screen.getByText('Not bought')).toBeInTheDocument();
  });

  it('reassigns and unassigns only once asked, and shows a refusal in words', async () => {
    const { requests } = stubFetch({
      'GET /api/numbers': numbers,
      'GET /api/staff': staff,
      'PUT /api/numbers/number-1/assignee': refuse(409, {
        message: 'Dana Dean already holds a number.',
      }),
      'DELETE /api/numbers/number-1/assignee': number({ staffId: null, assignedAt: null }),
    });
    const { user } = renderView(<NumbersPage />, { path: '/admin/numbers' });

    await user.click(await screen.findByRole('button', { name: 'Reassign (415) 555-0100' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reassign (415) 555-0100?' });
    expect(within(dialog).getByRole('button', { name: 'Reassign' })).toBeDisabled();
    await user.click(within(dialog).getByRole('combobox', { name: 'Give it to' }));
    await user.click(
      await within(dialog).findByRole('option', { name: 'Dana Dean', hidden: true }),
    );
    await user.click(within(dialog).getByRole('button', { name: 'Reassign' }));
    expect(await within(dialog).findByText('Dana Dean already holds a number.')).toBeVisible();
    expect(requests.find((request) => request.method === 'PUT')?.body).toEqual({
      staffId: 'staff-2',
    });
    await user.click(within(dialog).getByRole('button', { name: 'Keep it as it is' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

    await user.click(screen.getByRole('button', { name: 'Unassign (415) 555-0100' }));
    const ask = await screen.findByRole('dialog', { name: 'Unassign (415) 555-0100?' });
    expect(ask).toHaveTextContent('Casey Coach can no longer text from (415) 555-0100');
    expect(requests.some((request) => request.method === 'DELETE')).toBe(false);
    await user.click(within(ask).getByRole('button', { name: 'Unassign' }));
    await waitFor(() =>
      expect(
        requests.some(
          (request) =>
            request.method === 'DELETE' && request.url === '/api/numbers/number-1/assignee',
        ),
      ).toBe(true),
    );
  });

  it('releases a number only once it is typed', async () => {
    const { requests } = stubFetch({
      'GET /api/numbers': numbers,
      'GET /api/staff': staff,
      'DELETE /api/numbers/number-2': number({ id: 'number-2', status: 'released' }),
    });
    const { user } = renderView(<NumbersPage />, { path: '/admin/numbers' });

    await user.click(await screen.findByRole('button', { name: 'Release (415) 555-0199' }));
    const dialog = await screen.findByRole('dialog', { name: 'Release (415) 555-0199?' });
    const release = within(dialog).getByRole('button', { name: 'Release the number' });
    expect(release).toBeDisabled();
    const typed = within(dialog).getByRole('textbox', { name: 'Type the number to confirm' });
    await user.type(typed, '(415) 555-0100');
    expect(release).toBeDisabled();
    await user.clear(typed);
    await user.type(typed, '(415) 555-0199');
    expect(release).toBeEnabled();
    await user.click(release);
    await waitFor(() =>
      expect(
        requests.some(
          (request) => request.method === 'DELETE' && request.url === '/api/numbers/number-2',
        ),
      ).toBe(true),
    );
  });

  it("shows a number's holders as a timeline", async () => {
    stubFetch({
      'GET /api/numbers': numbers,
      'GET /api/staff': staff,
      'GET /api/numbers/number-1/history': [
        {
          staffId: 'staff-2',
          startedAt: '2026-10-01T15:00:00.000Z',
          endedAt: '2026-11-03T15:00:00.000Z',
        },
        { staffId: 'staff-1', startedAt: '2026-11-03T15:00:00.000Z', endedAt: null },
      ],
    });
    const { user } = renderView(<NumbersPage />, { path: '/admin/numbers' });

    await user.click(await screen.findByRole('button', { name: 'History of (415) 555-0100' }));
    const dialog = await screen.findByRole('dialog', { name: 'History of (415) 555-0100' });
    await waitFor(() => expect(dialog).toHaveTextContent('Casey Coach'));
    expect(dialog.textContent?.indexOf('Casey Coach')).toBeLessThan(
      dialog.textContent?.indexOf('Dana Dean') ?? -1,
    );
    expect(dialog).toHaveTextContent('– now');
  });
});
