import type { StudentView } from '@fidelis/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { refuse, stubFetch } from '../../testing/fetch-stub';
import { renderView } from '../../testing/render';
import { DirectoryPage } from './directory';

const staff = [
  { id: 'staff-1', name: 'Casey Coach', email: 'casey@example.edu', role: 'coach' },
  { id: 'staff-2', name: 'Ari Admin', email: 'ari@example.edu', role: 'admin' },
];

const numbers = [
  {
    id: 'number-1',
    phoneNumber: '+14155550100',
    twilioSid: 'PN1',
    staffId: 'staff-1',
    assignedAt: '2026-11-03T15:00:00.000Z',
    status: 'active',
    createdAt: '2026-11-01T15:00:00.000Z',
    releasedAt: null,
  },
];

const student = (id: string, name: string, overrides: Partial<StudentView> = {}): StudentView => ({
  id,
  name,
  email: `${id}@example.edu`,
  smsPhone: '+14155550101',
  timezone: null,
  sharesPhoneWith: [],
  createdAt: '2026-11-01T15:00:00.000Z',
  updatedAt: '2026-11-01T15:00:00.000Z',
  ...overrides,
});

/** A CSV upload as the API answers it, with each upload's query and text kept. */
interface CsvCall {
  url: string;
  contentType: string | null;
  body: string;
}

/**
 * The stub reads bodies as JSON; the import sends `text/csv`, so those calls are answered here
 * and every other one goes on to the stub.
 */
function answerCsv(answer: (call: CsvCall) => { status: number; body: unknown }) {
  const calls: CsvCall[] = [];
  const stubbed = globalThis.fetch;
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const contentType = new Headers(init.headers).get('Content-Type');
    if (contentType !== 'text/csv') return stubbed(input, init);
    const call = { url: String(input), contentType, body: init.body as string };
    calls.push(call);
    const reply = answer(call);
    return new Response(JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  return calls;
}

// jsdom's files cannot read themselves as browsers' do (`file.text()`).
if (!('text' in Blob.prototype)) {
  Object.defineProperty(Blob.prototype, 'text', {
    value(this: Blob) {
      return new Promise<string>((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result as string);
        reader.onerror = () => reject(reader.error ?? new Error('Unreadable file'));
        reader.readAsText(this);
      });
    },
  });
}

/** Mantine's file picker is a button over a hidden file input, which is what takes the file. */
async function fileInput(): Promise<HTMLInputElement> {
  await screen.findByRole('button', { name: 'CSV file' });
  const input = document.querySelector<HTMLInputElement>('input[type="file"]');
  if (!input) throw new Error('No file input');
  return input;
}

describe('the directory', () => {
  it('lists staff with their roles and numbers, flagging who has none', async () => {
    stubFetch({
      'GET /api/staff': staff,
      'GET /api/numbers': numbers,
      'GET /api/students': { items: [], nextBefore: null },
    });
    renderView(<DirectoryPage />, { path: '/admin/directory' });

    const rows = within(await screen.findByRole('table', { name: 'Staff' })).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('Ari AdminAdminNo number');
    await waitFor(() => expect(rows[2]).toHaveTextContent('Casey CoachCoach(415) 555-0100'));
    expect(await screen.findByText('No students yet: import the roster below.')).toBeVisible();
  });

  it('shows a refusal, and nobody, to anyone but an admin', async () => {
    stubFetch({
      'GET /api/staff': refuse(403, { message: 'Forbidden resource' }),
      'GET /api/numbers': refuse(403, { message: 'Forbidden resource' }),
      'GET /api/students': refuse(403, { message: 'Forbidden resource' }),
    });
    renderView(<DirectoryPage />, { path: '/admin/directory' });

    expect(await screen.findByText(/This page is for admins/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('finds students and pages through them with the cursor', async () => {
    const { requests } = stubFetch({
      'GET /api/staff': staff,
      'GET /api/numbers': numbers,
      'GET /api/students?limit=25': {
        items: [student('s-1', 'Maya Lopez')],
        nextBefore: 'cursor-1',
      },
      'GET /api/students?limit=25&before=cursor-1': {
        items: [student('s-2', 'Noah Park')],
        nextBefore: null,
      },
      'GET /api/students?limit=25&q=noah': {
        items: [student('s-2', 'Noah Park')],
        nextBefore: null,
      },
    });
    const { user } = renderView(<DirectoryPage />, { path: '/admin/directory' });

    const table = await screen.findByRole('table', { name: 'Students' });
    expect(table).toHaveTextContent('Maya Lopez');
    await user.click(screen.getByRole('button', { name: 'More students' }));
    await waitFor(() => expect(table).toHaveTextContent('Noah Park'));
    expect(screen.queryByRole('button', { name: 'More students' })).not.toBeInTheDocument();

    await user.type(screen.getByRole('searchbox', { name: 'Find a student' }), 'noah');
    await waitFor(() =>
      expect(requests.some((request) => request.url === '/api/students?limit=25&q=noah')).toBe(
        true,
      ),
    );
    await waitFor(() =>
      expect(screen.getByRole('table', { name: 'Students' })).not.toHaveTextContent('Maya'),
    );
  });

  it("shows the API's refusal of a bad phone, and saves once it is fixed", async () => {
    const { requests } = stubFetch({
      'GET /api/staff': staff,
      'GET /api/numbers': numbers,
      'GET /api/students': { items: [student('s-1', 'Maya Lopez')], nextBefore: null },
      'PUT /api/students/s-1': (request) => {
        const { smsPhone } = request.body as { smsPhone: string };
        return smsPhone === '555'
          ? { status: 400, body: { message: 'smsPhone "555" is not a phone number' } }
          : { status: 200, body: student('s-1', 'Maya Lopez', { smsPhone }) };
      },
    });
    const { user } = renderView(<DirectoryPage />, { path: '/admin/directory' });

    await user.click(await screen.findByRole('button', { name: 'Edit Maya Lopez' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Maya Lopez' });
    const phone = within(dialog).getByRole('textbox', { name: 'SMS phone' });
    await user.clear(phone);
    await user.type(phone, '555');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('smsPhone "555" is not a phone number')).toBeVisible();

    await user.clear(phone);
    await user.type(phone, '(415) 555-0142');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const saves = requests.filter((request) => request.method === 'PUT');
    expect(saves.at(-1)?.body).toEqual({
      name: 'Maya Lopez',
      email: 's-1@example.edu',
      smsPhone: '(415) 555-0142',
      timezone: null,
    });
  });

  it('previews a CSV file, lists each bad row and imports nothing', async () => {
    stubFetch({
      'GET /api/staff': staff,
      'GET /api/numbers': numbers,
      'GET /api/students': { items: [], nextBefore: null },
    });
    const calls = answerCsv(() => ({
      status: 400,
      body: {
        statusCode: 400,
        message: '1 of 2 rows cannot be imported',
        details: {
          rows: [{ index: 1, line: 3, id: 's-2', problems: ['smsPhone is not a phone number'] }],
        },
      },
    }));
    const { user } = renderView(<DirectoryPage />, { path: '/admin/directory' });

    const csv = 'id,name,email,smsPhone,timezone\ns-1,Maya,,4155550101,\ns-2,Noah,,555,\n';
    await user.upload(await fileInput(), new File([csv], 'roster.csv', { type: 'text/csv' }));

    const rows = await screen.findByRole('list', { name: 'Rows to fix' });
    expect(rows).toHaveTextContent('Line 3 (s-2): smsPhone is not a phone number');
    expect(screen.getByText('1 of 2 rows cannot be imported')).toBeVisible();
    expect(screen.queryByRole('button', { name: /^Import/ })).not.toBeInTheDocument();
    expect(calls).toEqual([
      { url: '/api/students/import?dryRun=true', contentType: 'text/csv', body: csv },
    ]);
  });

  it('previews a clean file with a sample, then imports it when asked', async () => {
    stubFetch({
      'GET /api/staff': staff,
      'GET /api/numbers': numbers,
      'GET /api/students': { items: [], nextBefore: null },
    });
    const calls = answerCsv((call) =>
      call.url.endsWith('?dryRun=true')
        ? {
            status: 200,
            body: {
              imported: 0,
              checked: 2,
              sample: [
                {
                  id: 's-1',
                  name: 'Maya Lopez',
                  email: null,
                  smsPhone: '+14155550101',
                  timezone: null,
                },
                {
                  id: 's-2',
                  name: 'Noah Park',
                  email: 'noah@example.edu',
                  smsPhone: null,
                  timezone: null,
                },
              ],
            },
          }
        : { status: 200, body: { imported: 2 } },
    );
    const { user } = renderView(<DirectoryPage />, { path: '/admin/directory' });

    const csv = 'id,name,email,smsPhone,timezone\r\ns-1,Maya Lopez,,4155550101,\r\n';
    await user.upload(await fileInput(), new File([csv], 'roster.csv', { type: 'text/csv' }));

    const preview = await screen.findByRole('table', { name: 'Preview' });
    expect(preview).toHaveTextContent('Maya Lopez(415) 555-0101');
    expect(screen.getByText(/2 students are ready/)).toBeVisible();
    expect(calls).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Import 2 students' }));
    expect(await screen.findByText('Imported 2 students.')).toBeVisible();
    expect(calls.map((call) => call.url)).toEqual([
      '/api/students/import?dryRun=true',
      '/api/students/import',
    ]);
    expect(calls[1].body).toBe(csv);
  });
});
