import { screen, within } from '@testing-library/react';
import { useLocation } from 'react-router';
import { describe, expect, it } from 'vitest';
import { me, message, tileRow } from '../testing/fixtures';
import { stubFetch } from '../testing/fetch-stub';
import { renderView } from '../testing/render';
import { TilePage } from './tile';

/** Where the router is: what Enter on a conversation changed. */
function Address() {
  const { pathname, search } = useLocation();
  return <output aria-label="Address">{pathname + search}</output>;
}

/** Three conversations, newest first: Maya (2 unread), Noah, and an unknown sender. */
function stubTile() {
  stubFetch({
    'GET /api/me': me(),
    'GET /api/sms/tile': [
      tileRow({ studentId: 'maya', studentName: 'Maya Lopez', contactPhone: '+14155550101' }),
      tileRow({
        studentId: 'noah',
        studentName: 'Noah Kim',
        contactPhone: '+14155550102',
        lastMessage: message({ direction: 'inbound', studentId: 'noah' }),
        unreadCount: 2,
      }),
      tileRow({
        studentId: null,
        studentName: null,
        contactPhone: '+14155554030',
        lastMessage: message({ direction: 'inbound', studentId: null }),
      }),
    ],
  });
}

async function renderTile(path = '/') {
  stubTile();
  const view = renderView(
    <>
      <TilePage />
      <Address />
    </>,
    { path },
  );
  const links = within(await screen.findByRole('list', { name: 'Conversations' })).getAllByRole(
    'link',
  );
  return { ...view, links };
}

describe('TilePage with the keyboard', () => {
  it('is one Tab stop, moved through with j/k, the arrows, Home and End', async () => {
    const { user, links } = await renderTile();
    expect(links.map((link) => link.tabIndex)).toEqual([0, -1, -1]);

    await user.tab();
    expect(links[0]).toHaveFocus();
    await user.keyboard('j');
    expect(links[1]).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(links[2]).toHaveFocus();
    await user.keyboard('j'); // the last stays the last
    expect(links[2]).toHaveFocus();
    await user.keyboard('k');
    expect(links[1]).toHaveFocus();
    await user.keyboard('{ArrowUp}');
    expect(links[0]).toHaveFocus();
    await user.keyboard('{End}');
    expect(links[2]).toHaveFocus();
    await user.keyboard('{Home}');
    expect(links[0]).toHaveFocus();

    // The Tab stop follows: leaving and coming back lands where the user was.
    await user.keyboard('j');
    expect(links.map((link) => link.tabIndex)).toEqual([-1, 0, -1]);
  });

  it('opens the focused conversation with Enter', async () => {
    const { user, links } = await renderTile();
    await user.tab();
    await user.keyboard('jj{Enter}');
    expect(screen.getByRole('status', { name: 'Address' })).toHaveTextContent(
      '/sms?contactPhone=%2B14155554030',
    );
    await user.keyboard('k{Enter}');
    expect(screen.getByRole('status', { name: 'Address' })).toHaveTextContent('/students/noah');
    expect(links[1]).toHaveFocus();
  });

  it('starts in the list when j is pressed with nothing focused', async () => {
    const { user, links } = await renderTile();
    expect(document.body).toHaveFocus();
    await user.keyboard('j');
    expect(links[0]).toHaveFocus();
  });

  it('marks the open conversation and starts the keyboard there', async () => {
    const { links } = await renderTile('/students/noah');
    expect(links[1]).toHaveAttribute('aria-current', 'page');
    expect(links[0]).not.toHaveAttribute('aria-current');
    expect(links.map((link) => link.tabIndex)).toEqual([-1, 0, -1]);
  });

  it('sets the unread ones apart: the count, and the name in bold', async () => {
    const { links } = await renderTile();
    expect(links[1]).toHaveTextContent('2 unread');
    expect(within(links[1]).getByText('Noah Kim')).toHaveStyle({ fontWeight: '700' });
    expect(links[0]).not.toHaveTextContent('unread');
    expect(within(links[0]).getByText('Maya Lopez')).not.toHaveStyle({ fontWeight: '700' });
  });
});
