import type { ScheduledMessageView } from '@fidelis/contracts';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { refuse, stubFetch } from '../testing/fetch-stub';
import { message } from '../testing/fixtures';
import { renderView } from '../testing/render';
import { ScheduledPage } from './scheduled';

const scheduled = (overrides: Partial<ScheduledMessageView> = {}): ScheduledMessageView => ({
  ...message({ status: 'scheduled', sendAt: '2026-03-03T13:00:00.000Z', body: 'Essay due Friday' }),
  studentName: 'Maya Lopez',
  ...overrides,
});

describe('ScheduledPage', () => {
  it('lists my scheduled messages with when each goes, and cancels one after asking', async () => {
    const waiting = scheduled();
    let list = [waiting];
    const { requests } = stubFetch({
      'GET /api/messages/scheduled': () => ({ status: 200, body: list }),
      [`DELETE /api/messages/${waiting.id}`]: () => {
        list = [];
        return { status: 200, body: { ...waiting, status: 'canceled' } };
      },
    });
    const { user } = renderView(<ScheduledPage />);

    const item = within(await screen.findByRole('list', { name: 'Scheduled messages' })).getByRole(
      'listitem',
    );
    expect(item).toHaveTextContent('To Maya Lopez');
    expect(item).toHaveTextContent('Essay due Friday');
    expect(item).toHaveTextContent(
      `Goes ${new Date(waiting.sendAt!).toLocaleString(undefined, {
        weekday: 'short',
        month: 'short',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
      })}`,
    );

    await user.click(screen.getByRole('button', { name: 'Cancel the message to Maya Lopez' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel this message?' });
    await user.click(within(dialog).getByRole('button', { name: 'Keep it' }));
    expect(requests.filter((request) => request.method === 'DELETE')).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Cancel the message to Maya Lopez' }));
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel the message' }),
    );
    expect(await screen.findByText(/^Nothing scheduled\./)).toBeInTheDocument();
    expect(requests.filter((request) => request.method === 'DELETE')).toHaveLength(1);
  });

  it('says why a message could not be canceled', async () => {
    const gone = scheduled();
    stubFetch({
      'GET /api/messages/scheduled': [gone],
      [`DELETE /api/messages/${gone.id}`]: refuse(409, {
        message: 'this message has already gone (queued); it can no longer be canceled',
      }),
    });
    const { user } = renderView(<ScheduledPage />);

    await user.click(
      await screen.findByRole('button', { name: 'Cancel the message to Maya Lopez' }),
    );
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel the message' }),
    );
    expect(await screen.findByRole('alert', { name: 'Not canceled' })).toHaveTextContent(
      'it can no longer be canceled',
    );
  });
});
