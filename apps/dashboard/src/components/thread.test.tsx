import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { message } from '../testing/fixtures';
import { renderView } from '../testing/render';
import { Thread } from './thread';

describe('Thread', () => {
  it('shows each message with who wrote it, and ours with its status in plain words', () => {
    renderView(
      <Thread
        them="Maya Lopez"
        messages={[
          message({ direction: 'inbound', body: 'Can we meet?' }),
          message({ body: 'Yes, at 3', status: 'delivered' }),
          message({ body: 'Room 204', status: 'sending' }),
          message({
            body: 'Bring your notes',
            status: 'undelivered',
            fallback: { channel: 'email', to: 'maya@example.edu', status: 'sent', at: '' },
          }),
        ]}
      />,
    );

    const items = within(screen.getByRole('list', { name: 'Messages' })).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual([
      expect.stringMatching(/^Maya Lopez: Can we meet\?/),
      expect.stringMatching(/^You: Yes, at 3.* · Delivered$/),
      expect.stringMatching(/^You: Room 204.* · Sending$/),
      expect.stringMatching(
        /^You: Bring your notes.* · Not delivered — emailed instead to maya@example.edu$/,
      ),
    ]);
    // Theirs carry no delivery status.
    expect(items[0]).not.toHaveTextContent(/Received|Delivered/);
  });

  it('links attachments', () => {
    renderView(
      <Thread
        them="Maya Lopez"
        messages={[
          message({
            direction: 'inbound',
            body: 'Here it is',
            media: [{ url: 'https://media.example/1.jpg', contentType: 'image/jpeg' }],
          }),
        ]}
      />,
    );

    expect(screen.getByRole('link', { name: 'Attachment' })).toHaveAttribute(
      'href',
      'https://media.example/1.jpg',
    );
  });

  it('says so when there are no messages yet', () => {
    renderView(<Thread them="Maya Lopez" messages={[]} />);

    expect(screen.getByText('No messages yet.')).toBeInTheDocument();
    expect(screen.queryByRole('list')).not.toBeInTheDocument();
  });
});
