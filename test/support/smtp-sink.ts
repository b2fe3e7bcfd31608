import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message: headers and body. */
  raw: string;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`: the SMTP_URL of the services under test. */
  url: string;
  mails: ReceivedMail[];
  /** The mails sent to `address`. */
  to(address: string): ReceivedMail[];
  /** How many times a client asked to send to `address` (RCPT TO), whatever the answer was. */
  asked(address: string): number;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * The reply code to give a recipient (e.g. 550, 451) instead of accepting it; `asked` is how
   * many times it was asked for before, this time included.
   */
  answer?: (address: string, asked: number) => number | undefined;
}

/** A real SMTP server that keeps every mail it is given (and refuses whom it is told to). */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const asked = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const times = (asked.get(address.address) ?? 0) + 1;
      asked.set(address.address, times);
      const code = options.answer?.(address.address, times);
      if (code === undefined) return callback();
      callback(Object.assign(new Error(`${code} as the test asked`), { responseCode: code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    to: (address) => mails.filter((mail) => mail.to.includes(address)),
    asked: (address) => asked.get(address) ?? 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
