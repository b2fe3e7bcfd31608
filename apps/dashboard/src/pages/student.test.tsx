import type { RoutedMessageView } from '@fidelis/contracts';
import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { THREAD_PAGE } from '../lib/queries';
import { message, student } from '../testing/fixtures';
import { networkDown, stubFetch, type Reply } from '../testing/fetch-stub';
import { renderView } from '../testing/render';
import { StudentPage } from './student';

const HISTORY = '/api/students/student-1/messages';
const NEWEST_PAGE = `GET ${HISTORY}?limit=${THREAD_PAGE}`;

const renderStudent = () =>
  renderView(<StudentPage />, { path: '/students/student-1', route: 'students/:studentId' });

const thread = () => within(screen.getByRole('list', { name: 'Messages' }));

/** A reply the test hands out when it chooses. */
function held() {
  let answer: (reply: Reply) => void = () => undefined;
  const reply = new Promise<Reply>((resolve) => (answer = resolve));
  return { reply: () => reply, answer };
}

describe('StudentPage thread', () => {
  it('shows the newest page first and loads earlier messages above it', async () => {
    const newest = Array.from({ length: THREAD_PAGE }, (_, index) =>
      message({ body: `Recent ${index + 1}` }),
    );
    const older = [message({ body: 'The very first' }), message({ body: 'The second' })];
    const { requests } = stubFetch({
      'GET /api/students/student-1': student(),
      [NEWEST_PAGE]: newest,
      [`${NEWEST_PAGE}&before=${newest[0].id}`]: older,
      'POST /api/sms/tile/read': {},
    });
    const { user } = renderStudent();

    expect(await screen.findByText(`Recent ${THREAD_PAGE}`)).toBeInTheDocument();
    expect(thread().getAllByRole('listitem')).toHaveLength(THREAD_PAGE);

    await user.click(screen.getByRole('button', { name: 'Earlier messages' }));

    expect(await screen.findByText('The very first')).toBeInTheDocument();
    const bodies = thread()
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(bodies).toHaveLength(THREAD_PAGE + 2);
    expect(bodies[0]).toMatch(/The very first/);
    expect(bodies[2]).toMatch(/^You: Recent 1\D/);
    // A short page was the first one: nothing earlier to load.
    expect(screen.queryByRole('button', { name: 'Earlier messages' })).not.toBeInTheDocument();
    expect(requests.filter((request) => request.url.startsWith(HISTORY))).toHaveLength(2);
  });

  it('shows a message as "Sending…" at once, then with its real status', async () => {
    const earlier = message({ direction: 'inbound', body: 'Can we meet?' });
    const post = held();
    let history: RoutedMessageView[] = [earlier];
    stubFetch({
      'GET /api/students/student-1': student(),
      [NEWEST_PAGE]: () => ({ status: 200, body: history }),
      'POST /api/messages': post.reply,
      'POST /api/sms/tile/read': {},
    });
    const { user } = renderStudent();
    const box = await screen.findByRole('textbox', { name: 'Message' });

    await user.type(box, 'Yes, at 3');
    await user.click(screen.getByRole('button', { name: 'Send' }));

    expect(box).toHaveValue('');
    const sending = await thread().findByText('Yes, at 3');
    expect(sending.closest('li')).toHaveTextContent(/^You: Yes, at 3Sending…$/);

    const sent = message({ body: 'Yes, at 3', status: 'queued' });
    history = [earlier, sent];
    post.answer({ status: 202, body: sent });

    await expect.poll(() => thread().queryByText('Sending…')).toBeNull();
    expect(thread().getByText('Yes, at 3').closest('li')).toHaveTextContent(/· Queued$/);
    expect(thread().getAllByText('Yes, at 3')).toHaveLength(1);
  });

  it('keeps a send that failed in the box with the reason, and a retry sends it once', async () => {
    let postAnswer: () => Reply = networkDown;
    const { requests } = stubFetch({
      'GET /api/students/student-1': student(),
      [NEWEST_PAGE]: [],
      'POST /api/messages': () => postAnswer(),
      'POST /api/sms/tile/read': {},
    });
    const { user } = renderStudent();
    const box = await screen.findByRole('textbox', { name: 'Message' });

    await user.type(box, 'Bring your notes');
    await user.click(screen.getByRole('button', { name: 'Send' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      /^Maybe not sent\s*Fidelis SMS did not answer, so this message may not have gone\. Try again: it is never sent twice\./,
    );
    expect(box).toHaveValue('Bring your notes');
    expect(screen.queryByText('Sending…')).not.toBeInTheDocument();

    postAnswer = () => ({ status: 202, body: message({ body: 'Bring your notes' }) });
    await user.click(screen.getByRole('button', { name: 'Try again' }));

    await expect.poll(() => screen.queryByRole('alert')).toBeNull();
    expect(box).toHaveValue('');
    const posts = requests.filter(
      (request) => request.method === 'POST' && request.url === '/api/messages',
    );
    expect(posts).toHaveLength(2);
    const keys = posts.map((request) => request.headers.get('Idempotency-Key'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });
});

describe('StudentPage profile', () => {
  afterEach(() => vi.useRealTimers());

  it('says what time it is where the student is, in the zone quiet hours read for them', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-07T06:42:00Z'));
    stubFetch({
      'GET /api/students/student-1': student(),
      [NEWEST_PAGE]: [],
      'GET /api/students/student-1/send-time': { sendAt: null, timezone: 'America/Los_Angeles' },
      'POST /api/sms/tile/read': {},
    });
    renderStudent();

    expect(await screen.findByText('Their time: 10:42 PM PST')).toBeInTheDocument();
  });

  it('leaves the time out when the API cannot say it', async () => {
    stubFetch({
      'GET /api/students/student-1': student(),
      [NEWEST_PAGE]: [message({ body: 'Hello' })],
    });
    renderStudent();

    expect(await screen.findByText('Hello')).toBeInTheDocument();
    expect(screen.queryByText(/^Their time/)).not.toBeInTheDocument();
  });
});
