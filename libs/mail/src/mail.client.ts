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
 * Outgoing mail: over SMTP when `SMTP_URL` is set, otherwise as `.eml` files (for development and
 * `npm start` without a mail server). Rejects when the mail could not be handed over.
 */
export class MailClient {
  private readonly transport: Transporter;
  private readonly directory: string;

  constructor(private readonly options: MailClientOptions) {
    this.directory = options.directory ?? path.resolve('var', 'mail');
    this.transport = options.smtpUrl
      ? nodemailer.createTransport(options.smtpUrl)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(mail: Mail): Promise<SentMail> {
    const info = (await this.transport.sendMail({
      from: this.options.from,
      to: mail.to,
      replyTo: mail.replyTo,
      subject: mail.subject,
      text: mail.text,
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
