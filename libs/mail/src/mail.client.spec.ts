import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { MailClient, MailNotSentError } from './mail.client';

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

describe('MailClient over SMTP: why a mail was not sent', () => {
  const mail = { to: 'ada@example.edu', subject: 'A message from Grace', text: 'See you at 5' };

  /** A real SMTP server that answers `code` to the recipient. */
  async function serverAnsweringRecipient(code: number) {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error(`${code} answered by the test`), { responseCode: code }));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    return {
      url: `smtp://127.0.0.1:${port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it.each([
    [550, 'refused'],
    [553, 'refused'],
    [451, 'deferred'],
    [450, 'deferred'],
    [421, 'unreachable'],
  ] as const)('reads a %i reply to the recipient as %s', async (code, kind) => {
    const server = await serverAnsweringRecipient(code);
    const client = new MailClient({ from: 'no-reply@localhost', smtpUrl: server.url });
    try {
      const failure = await client.send(mail).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MailNotSentError);
      expect(failure).toMatchObject({ kind, message: expect.stringContaining(String(code)) });
    } finally {
      client.close();
      await server.close();
    }
  });

  it('reads a server that is not listening as unreachable', async () => {
    const free = net.createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const { port } = free.address() as AddressInfo;
    await new Promise((resolve) => free.close(resolve));
    const client = new MailClient({
      from: 'no-reply@localhost',
      smtpUrl: `smtp://127.0.0.1:${port}`,
    });
    try {
      await expect(client.send(mail)).rejects.toMatchObject({
        kind: 'unreachable',
        message: expect.stringContaining('ECONNREFUSED'),
      });
    } finally {
      client.close();
    }
  });

  it('gives up on a server that accepts the connection but never greets, as unreachable', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    // SMTP_URL's own settings win over the client's 10 s default, which keeps this test short.
    const client = new MailClient({
      from: 'no-reply@localhost',
      smtpUrl: `smtp://127.0.0.1:${port}?greetingTimeout=300`,
    });
    try {
      await expect(client.send(mail)).rejects.toMatchObject({ kind: 'unreachable' });
    } finally {
      client.close();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
