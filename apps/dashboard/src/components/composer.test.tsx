import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { message } from '../testing/fixtures';
import { refuse, stubFetch } from '../testing/fetch-stub';
import { renderView } from '../testing/render';
import { Composer } from './composer';

describe('Composer', () => {
  it('counts segments and names the encoding as one types', async () => {
    const { user } = renderView(<Composer studentId="student-1" />);
    const box = screen.getByRole('textbox', { name: 'Message' });

    await user.type(box, 'See you at 3?');
    expect(screen.getByText('1 segment · GSM-7')).toBeInTheDocument();

    // 161 GSM-7 characters no longer fit one segment of 160.
    await user.clear(box);
    await user.click(box);
    await user.paste('a'.repeat(161));
    expect(screen.getByText('2 segments · GSM-7')).toBeInTheDocument();

    // One character outside GSM-7 makes the whole text UCS-2 (70 a segment, 67 when split).
    await user.clear(box);
    await user.type(box, 'Great work 🎉');
    expect(screen.getByText('1 segment · UCS-2')).toBeInTheDocument();
  });

  it('sends the text for the student and empties the box', async () => {
    const { requests } = stubFetch({
      'POST /api/messages': message({ body: 'See you at 3?' }),
    });
    const { user } = renderView(<Composer studentId="student-1" />);
    const box = screen.getByRole('textbox', { name: 'Message' });

    await user.type(box, 'See you at 3?');
    await user.click(screen.getByRole('button', { name: 'Send' }));

    await expect.poll(() => (box as HTMLTextAreaElement).value).toBe('');
    expect(requests.filter((request) => request.method === 'POST')).toEqual([
      expect.objectContaining({
        url: '/api/messages',
        body: { studentId: 'student-1', body: 'See you at 3?' },
      }),
    ]);
  });

  it('says before sending that a text to a student in their night waits for their morning, and where it went', async () => {
    const morning = '2026-03-03T13:00:00.000Z';
    stubFetch({
      'GET /api/students/student-1/send-time': { sendAt: morning, timezone: 'America/New_York' },
      'POST /api/messages': message({ status: 'scheduled', sendAt: morning }),
    });
    const { user } = renderView(<Composer studentId="student-1" />);

    const note = await screen.findByRole('alert', { name: 'Quiet hours' });
    const theirs = new Date(morning).toLocaleString(undefined, {
      timeZone: 'America/New_York',
      weekday: 'short',
      hour: 'numeric',
      minute: '2-digit',
    });
    expect(note).toHaveTextContent(
      `It's night where this student is. Sent now, your message waits and goes ${theirs}`,
    );

    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Essay due Friday');
    await user.click(screen.getByRole('button', { name: 'Send' }));

    expect(await screen.findByText(/^Scheduled: it goes/)).toHaveTextContent(theirs);
    expect(screen.getByRole('link', { name: 'See your scheduled messages' })).toHaveAttribute(
      'href',
      '/scheduled',
    );
  });

  it('keeps a refused text, with the reason in plain words', async () => {
    stubFetch({
      'POST /api/messages': refuse(409, {
        message: 'Staff member has no number',
        code: 'SENDER_HAS_NO_NUMBER',
      }),
    });
    const { user } = renderView(<Composer studentId="student-1" />);
    const box = screen.getByRole('textbox', { name: 'Message' });

    await user.type(box, 'Hello');
    await user.click(screen.getByRole('button', { name: 'Send' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      "You don't have a texting number yet. An admin can assign one.",
    );
    expect(box).toHaveValue('Hello');
    expect(screen.queryByText(/409/)).not.toBeInTheDocument();
  });

  it('says when a message goes by email instead', async () => {
    stubFetch({
      'POST /api/messages': message({
        to: null,
        status: 'undeliverable',
        fallback: { channel: 'email', to: 'maya@example.edu', status: 'pending', at: '' },
      }),
    });
    const { user } = renderView(<Composer studentId="student-1" />);

    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Hello');
    await user.click(screen.getByRole('button', { name: 'Send' }));

    expect(await screen.findByText(/goes by email to maya@example.edu/)).toBeInTheDocument();
  });
});
