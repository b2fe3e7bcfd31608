import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';

export interface MailClientOptions {
  /** `smtp://` or `smtps://`; unset: every mail is written as an `.eml` file under `directory`. */
  smtpUrl?: string;
  /** The sender, e.g. `Fidelis SMS <no-reply@localhost>`. */
  from: string;
  /** Where `.eml` files go without SMTP; `./var/mail` by default. */
  directory?: string;
}

export interface Mail {
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
}

export interface SentMail {
  messageId: string;
  /** The `.eml` file written, when there is no SMTP server. */
  file?: string;
}

/**
 * Why a mail was not handed over, read from the SMTP reply (or its absence):
 * - `refused`: a 5xx reply to its recipient or to its content (550 no such user, 553 bad mailbox,
 *   554 rejected) — the server's final word on this mail; sending it again cannot help.
 * - `deferred`: a 4xx reply to its recipient or its content (450, 451, 452: greylisting, a full
 *   mailbox, a local error) — this mail, later.
 * - `unreachable`: no server (connection refused, reset, timeout), 421, or the session refused
 *   before any recipient (greeting, sender, authentication) — the server, later: every mail waits.
 */
export class MailNotSentError extends Error {
  override readonly name = 'MailNotSentError';

  constructor(
    readonly kind: 'refused' | 'deferred' | 'unreachable',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** nodemailer's error: the SMTP command that failed and the server's reply code, if any. */
interface SmtpError {
  message: string;
  code?: string;
  command?: string;
  responseCode?: number;
}

function notSent(error: unknown): MailNotSentError {
  const { message, code, command, responseCode } = error as SmtpError;
  const kind = kindOf(command, responseCode ?? 0);
  const where = [code, command].filter(Boolean).join(' ');
  return new MailNotSentError(kind, `${kind}: ${message}${where ? ` (${where})` : ''}`, {
    cause: error,
  });
}

function kindOf(command: string | undefined, reply: number): MailNotSentError['kind'] {
  if (command !== 'RCPT TO' && command !== 'DATA') return 'unreachable';
  if (reply >= 500) return 'refused';
  // 421 is the server closing the session, whatever it was asked.
  if (reply >= 400 && reply !== 421) return 'deferred';
  return 'unreachable';
}

/**
 * Outgoing mail: over SMTP when `SMTP_URL` is set, otherwise as `.eml` files (for development and
 * `npm start` without a mail server). Rejects with a `MailNotSentError` that says whether the
 * mail was refused for good or can be sent later, when it could not be handed over.
 */
export class MailClient {
  private readonly transport: Transporter;
  private readonly directory: string;

  constructor(private readonly options: MailClientOptions) {
    this.directory = options.directory ?? path.resolve('var', 'mail');
    this.transport = options.smtpUrl
      ? nodemailer.createTransport({
          url: options.smtpUrl,
          // nodemailer waits 2 minutes for a connection by default; a server that drops packets
          // would hold each attempt (and the rows it locked) that long. Query parameters of
          // SMTP_URL (`?connectionTimeout=…`) still win.
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        })
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(mail: Mail): Promise<SentMail> {
    const info = (await this.transport
      .sendMail({
        from: this.options.from,
        to: mail.to,
        replyTo: mail.replyTo,
        subject: mail.subject,
        text: mail.text,
      })
      .catch((error: unknown) => {
        throw notSent(error);
      })) as { messageId: string; message?: Buffer };
    if (this.options.smtpUrl || !info.message) return { messageId: info.messageId };
    const file = path.join(this.directory, `${new Date().toISOString()}-${randomUUID()}.eml`);
    try {
      await writeFile(file, info.message);
    } catch (error) {
      // The directory is made when first needed (and again if someone removed it), not per mail.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(this.directory, { recursive: true });
      await writeFile(file, info.message);
    }
    return { messageId: info.messageId, file };
  }

  close(): void {
    this.transport.close();
  }
}
