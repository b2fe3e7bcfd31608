import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { me, message, tileRow } from '../testing/fixtures';
import { refuse, stubFetch } from '../testing/fetch-stub';
import { renderView } from '../testing/render';
import { TILE_PAGE, TilePage } from './tile';

describe('TilePage', () => {
  it('lists my conversations, newest first, with the unread ones counted', async () => {
    stubFetch({
      'GET /api/me': me(),
      'GET /api/sms/tile': [
        tileRow({
          studentName: 'Maya Lopez',
          lastMessage: message({ direction: 'inbound', body: 'Can we meet?' }),
          unreadCount: 2,
        }),
        tileRow({
          studentId: null,
          studentName: null,
          contactPhone: '+14155554030',
          lastMessage: message({ direction: 'outbound', studentId: null, body: 'Who is this?' }),
        }),
      ],
    });
    renderView(<TilePage />);

    const list = await screen.findByRole('list', { name: 'Conversations' });
    const links = within(list).getAllByRole('link');
    expect(links).toHaveLength(2);

    expect(links[0]).toHaveTextContent('Maya Lopez');
    expect(links[0]).toHaveTextContent('Can we meet?');
    expect(within(links[0]).getByText('2')).toHaveTextContent('2 unread');
    expect(links[0]).toHaveAttribute('href', '/students/student-1');

    // An unknown sender: the phone, in national format, opening the phone's conversation.
    expect(links[1]).toHaveTextContent('(415) 555-4030');
    expect(links[1]).toHaveTextContent('You: Who is this?');
    expect(links[1]).not.toHaveTextContent('unread');
    expect(links[1]).toHaveAttribute('href', '/sms?contactPhone=%2B14155554030');
  });

  it('shows a long tile a hundred conversations at a time', async () => {
    const count = TILE_PAGE + 20;
    stubFetch({
      'GET /api/me': me(),
      'GET /api/sms/tile': Array.from({ length: count }, (_, index) =>
        tileRow({ contactPhone: `+1415555${String(index).padStart(4, '0')}`, studentName: null }),
      ),
    });
    const { user } = renderView(<TilePage />);

    const list = await screen.findByRole('list', { name: 'Conversations' });
    expect(within(list).getAllByRole('link')).toHaveLength(TILE_PAGE);

    await user.click(screen.getByRole('button', { name: 'More conversations (20 not shown)' }));

    expect(within(list).getAllByRole('link')).toHaveLength(count);
    expect(within(list).getAllByRole('link').at(-1)).toHaveTextContent('(415) 555-0119');
    expect(screen.queryByRole('button', { name: /More conversations/ })).not.toBeInTheDocument();
  });

  it('tells a coach with no conversations yet how students reach them', async () => {
    stubFetch({ 'GET /api/me': me('+14155550100'), 'GET /api/sms/tile': [] });
    renderView(<TilePage />);

    expect(
      await screen.findByText(
        'No conversations yet. Students reach you by texting (415) 555-0100.',
      ),
    ).toBeInTheDocument();
  });

  it('tells a staff member without a number who can give them one', async () => {
    stubFetch({ 'GET /api/me': me(null), 'GET /api/sms/tile': [] });
    renderView(<TilePage />);

    expect(
      await screen.findByText("You don't have a texting number yet. An admin can assign one."),
    ).toBeInTheDocument();
  });

  it('shows a refusal in words', async () => {
    stubFetch({
      'GET /api/me': me(),
      'GET /api/sms/tile': refuse(503, { message: 'Busy', code: 'SERVICE_UNAVAILABLE' }),
    });
    renderView(<TilePage />);

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The system is busy for a moment. Try again.',
    );
  });
});
