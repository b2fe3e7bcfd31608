import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { refuse, stubFetch, type SeenRequest } from '../../testing/fetch-stub';
import { renderView } from '../../testing/render';
import { AuditPage } from './audit';

const staff = [
  { id: 'staff-1', name: 'Casey Coach', email: 'casey@example.edu', role: 'coach' },
  { id: 'staff-2', name: 'Ari Admin', email: 'ari@example.edu', role: 'admin' },
];

const entry = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  actorId: 'staff-2',
  action: 'number.bought',
  targetType: 'number',
  targetId: `number-${id}`,
  before: null,
  after: { phoneNumber: '+14155550100', staffId: 'staff-1' },
  at: '2026-11-03T15:00:00.000Z',
  ...overrides,
});

/** The query of each `GET /api/audit` the page made. */
const auditQueries = (requests: SeenRequest[]) =>
  requests
    .filter((request) => request.url.startsWith('/api/audit?'))
    .map((request) => new URLSearchParams(request.url.split('?')[1]));

describe('the audit log', () => {
  it('says who did what and when, and pages back with the cursor', async () => {
    const { requests } = stubFetch({
      'GET /api/staff': staff,
      'GET /api/audit?limit=50': { items: [entry('1')], nextBefore: 'cursor-1' },
      'GET /api/audit?limit=50&before=cursor-1': {
        items: [
          entry('2', { action: 'students.imported', targetType: 'students', after: { count: 3 } }),
        ],
        nextBefore: null,
      },
    });
    const { user } = renderView(<AuditPage />, { path: '/admin/audit' });

    const table = await screen.findByRole('table', { name: 'Audit entries' });
    const rows = within(table).getAllByRole('row');
    await waitFor(() => expect(rows[1]).toHaveTextContent('Ari AdminBought a number'));
    expect(rows[1]).toHaveTextContent('number: (415) 555-0100, held by Casey Coach');

    await user.click(screen.getByRole('button', { name: 'Older entries' }));
    await waitFor(() => expect(table).toHaveTextContent('Imported students'));
    expect(table).toHaveTextContent('students: how many 3');
    expect(auditQueries(requests).map((query) => query.get('before'))).toEqual([null, 'cursor-1']);
  });

  it('filters by who, what and days, kept in the address', async () => {
    const { requests } = stubFetch({
      'GET /api/staff': staff,
      'GET /api/audit': { items: [], nextBefore: null },
    });
    const { user } = renderView(<AuditPage />, {
      path: '/admin/audit?since=2026-11-01&until=2026-11-03',
    });

    expect(await screen.findByText('Nothing matches these filters.')).toBeVisible();
    await user.click(screen.getByRole('combobox', { name: 'What' }));
    await user.click(
      await screen.findByRole('option', { name: 'Released a number', hidden: true }),
    );
    await user.click(screen.getByRole('combobox', { name: 'Who' }));
    await user.click(await screen.findByRole('option', { name: 'Casey Coach', hidden: true }));

    await waitFor(() => {
      const last = auditQueries(requests).at(-1);
      expect(last?.get('action')).toBe('number.released');
      expect(last?.get('actor')).toBe('staff-1');
    });
    const last = auditQueries(requests).at(-1);
    // Local days: from the start of the first to the start of the day after the last.
    expect(last?.get('since')).toBe(new Date('2026-11-01T00:00').toISOString());
    expect(last?.get('until')).toBe(new Date('2026-11-04T00:00').toISOString());
    expect(screen.getByLabelText('From')).toHaveValue('2026-11-01');
    expect(screen.getByLabelText('To')).toHaveValue('2026-11-03');
  });

  it('downloads the filtered log as CSV with the bearer token', async () => {
    sessionStorage.setItem('fidelis.token', 'token-1');
    stubFetch({
      'GET /api/staff': staff,
      'GET /api/audit': { items: [entry('1')], nextBefore: null },
    });
    const stubbed = globalThis.fetch;
    const downloads: { url: string; authorization: string | null }[] = [];
    vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
      if (!String(input).startsWith('/api/audit.csv')) return stubbed(input, init);
      downloads.push({
        url: String(input),
        authorization: new Headers(init.headers).get('Authorization'),
      });
      return new Response('at,actor,action\n', {
        status: 200,
        headers: {
          'Content-Type': 'text/csv',
          'Content-Disposition': 'attachment; filename="audit-2026-11-03.csv"',
        },
      });
    });
    const saved: string[] = [];
    vi.stubGlobal(
      'URL',
      Object.assign(URL, {
        createObjectURL: () => 'blob:audit',
        revokeObjectURL: () => undefined,
      }),
    );
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      saved.push(`${this.download} ${this.getAttribute('href') ?? ''}`);
    });
    const { user } = renderView(<AuditPage />, { path: '/admin/audit?action=number.bought' });

    await user.click(await screen.findByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(saved).toEqual(['audit-2026-11-03.csv blob:audit']));
    expect(downloads).toHaveLength(1);
    expect(downloads[0].url).toBe('/api/audit.csv?action=number.bought');
    expect(downloads[0].authorization).toBe('Bearer token-1');
    click.mockRestore();
  });

  it('shows a refusal, and no entry, to anyone but an admin', async () => {
    stubFetch({
      'GET /api/staff': staff,
      'GET /api/audit': refuse(403, { message: 'Forbidden resource' }),
    });
    renderView(<AuditPage />, { path: '/admin/audit' });

    expect(await screen.findByText(/This page is for admins/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Download CSV' })).not.toBeInTheDocument();
  });
});
