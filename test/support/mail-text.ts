/** A received mail's headers and text, with quoted-printable and encoded-word headers decoded. */
export interface MailText {
  subject: string;
  to: string;
  replyTo: string | undefined;
  text: string;
}

function decodeQuotedPrintable(value: string): string {
  const bytes: number[] = [];
  const soft = value.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i += 1) {
    const hex = soft[i] === '=' ? /^[0-9A-Fa-f]{2}$/.exec(soft.slice(i + 1, i + 3)) : null;
    if (hex) {
      bytes.push(parseInt(hex[0], 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeWords(value: string): string {
  return value.replace(
    /=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi,
    (_word, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}

/** Reads a single-part text mail as nodemailer writes it. */
export function readMail(raw: string): MailText {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(headers)?.[1];
  let body = raw.slice(split + 4);
  const encoding = header('Content-Transfer-Encoding') ?? '';
  if (/quoted-printable/i.test(encoding)) body = decodeQuotedPrintable(body);
  else if (/base64/i.test(encoding)) body = Buffer.from(body, 'base64').toString('utf8');
  return {
    subject: decodeWords(header('Subject') ?? ''),
    to: header('To') ?? '',
    replyTo: header('Reply-To'),
    text: body.replace(/\r\n/g, '\n').trimEnd(),
  };
}
