import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { refuse, stubFetch } from '../testing/fetch-stub';
import { me, student } from '../testing/fixtures';
import { renderView } from '../testing/render';
import { BulkPage } from './bulk';

const ada = student({ id: 's-ada', name: 'Ada Lovelace', email: 'ada@example.edu' });
const bo = student({ id: 's-bo', name: 'Bo Diaz', smsPhone: '+14155550102' });

/** The API as the page asks it: me, and the two students a pasted list can name. */
const directory = {
  'GET /api/me': me(),
  'GET /api/students/s-ada': ada,
  'GET /api/students?q=ada%40example.edu&limit=50': { items: [ada], nextBefore: null },
  'GET /api/students?q=%2B14155550102&limit=50': { items: [bo], nextBefore: null },
};

async function pasteAndAdd(user: ReturnType<typeof renderView>['user'], text: string) {
  await user.click(await screen.findByRole('textbox', { name: 'Or paste a list' }));
  await user.paste(text);
  await user.click(screen.getByRole('button', { name: 'Add these students' }));
}

describe('BulkPage', () => {
  it('says how to get a number, with nothing to send, to a staff member without one', async () => {
    stubFetch({ 'GET /api/me': me(null) });
    renderView(<BulkPage />, { path: '/bulk' });
    expect(
      await screen.findByText("You don't have a texting number yet. An admin can assign one."),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Send/ })).not.toBeInTheDocument();
  });

  it('adds the students a pasted list names and keeps the lines that name no one', async () => {
    stubFetch(directory);
    const { user } = renderView(<BulkPage />, { path: '/bulk' });
    await pasteAndAdd(user, 'ada@example.edu\n(415) 555-0102, nobody-here');

    expect(await screen.findByText('Added 2 students.')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('1 line matches no student');
    expect(screen.getByRole('alert')).toHaveTextContent('nobody-here');
    expect(screen.getByRole('textbox', { name: 'Or paste a list' })).toHaveValue('nobody-here');
    expect(screen.getByRole('button', { name: 'Send to 2 students' })).toBeDisabled();
  });

  it('previews the personalised texts and the cost, then sends with one key per bulk', async () => {
    let attempts = 0;
    const { requests } = stubFetch({
      ...directory,
      // Refused once (the system was busy), accepted on the retry.
      'POST /api/messages/bulk': () =>
        ++attempts === 1
          ? refuse(503, { message: 'busy', code: 'SERVICE_UNAVAILABLE' })()
          : { status: 202, body: { bulkId: 'bulk-1', total: 2 } },
      'GET /api/messages/bulk/bulk-1': {
        bulkId: 'bulk-1',
        total: 2,
        queued: 0,
        sent: 0,
        delivered: 2,
        failed: 0,
        fallback: 0,
        scheduled: 0,
        done: true,
      },
    });
    const { user } = renderView(<BulkPage />, { path: '/bulk' });
    await pasteAndAdd(user, 's-ada, +1 415 555 0102');
    await screen.findByText('Added 2 students.');
    await user.click(screen.getByRole('textbox', { name: 'Message' }));
    await user.paste('Hi {{firstName}}, class moves to 6pm.');

    expect(screen.getByText('Hi Ada, class moves to 6pm.')).toBeInTheDocument();
    expect(screen.getByText('Hi Bo, class moves to 6pm.')).toBeInTheDocument();
    expect(screen.getByText('2 recipients × 1 segment = 2 messages')).toBeInTheDocument();

    const send = screen.getByRole('button', { name: 'Send to 2 students' });
    await user.click(send);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Not sent. The system is busy for a moment. Try again.',
    );
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue(
      'Hi {{firstName}}, class moves to 6pm.',
    );

    await user.click(send);
    expect(await screen.findByRole('heading', { name: 'Done' })).toBeInTheDocument();
    const posts = requests.filter((request) => request.method === 'POST');
    expect(posts.map((post) => post.body)).toEqual([
      { studentIds: ['s-ada', 's-bo'], body: 'Hi {{firstName}}, class moves to 6pm.' },
      { studentIds: ['s-ada', 's-bo'], body: 'Hi {{firstName}}, class moves to 6pm.' },
    ]);
    const keys = posts.map((post) => post.headers.get('Idempotency-Key'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });
});
