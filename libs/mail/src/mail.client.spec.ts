import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MailClient } from './mail.client';

describe('MailClient without SMTP_URL', () => {
  it('writes each mail as an .eml file with From, To, Reply-To and the text', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'mail-'));
    try {
      const client = new MailClient({ from: 'Fidelis SMS <no-reply@localhost>', directory });
      const sent = await client.send({
        to: 'ada@example.edu',
        replyTo: 'grace@example.edu',
        subject: 'A message from Grace',
        text: 'See you at 5',
      });
      const eml = await readFile(sent.file ?? '', 'utf8');
      expect(eml).toContain('From: Fidelis SMS <no-reply@localhost>');
      expect(eml).toContain('To: ada@example.edu');
      expect(eml).toContain('Reply-To: grace@example.edu');
      expect(eml).toContain('See you at 5');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
