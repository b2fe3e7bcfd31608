import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { createRootLogger, logFormat, maskPhone, runWithCorrelation } from '.';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => stripVTControlCharacters(text) };
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('logging', () => {
  it('masks the middle of a phone number', () => {
    expect(maskPhone('+14155550101')).toBe('+1415***0101');
    expect(maskPhone(null)).toBe('');
  });

  it('writes JSON lines that carry the service and the correlation id', () => {
    const out = capture();
    const log = createRootLogger('gateway', {
      level: 'info',
      format: 'json',
      destination: out.stream,
    });
    runWithCorrelation({ correlationId: 'corr-1', eventId: 'evt-1' }, () => log.info('inside'));
    log.info('outside');
    const [inside, outside] = jsonLines(out.text());
    expect(inside).toMatchObject({ service: 'gateway', correlationId: 'corr-1', eventId: 'evt-1' });
    expect(outside.correlationId).toBeUndefined();
  });

  it('never writes a message body', () => {
    const out = capture();
    const log = createRootLogger('gateway', {
      level: 'info',
      format: 'json',
      destination: out.stream,
    });
    log.info({ body: 'see you at 5', payload: { body: 'see you at 5' } }, 'received');
    const [line] = jsonLines(out.text());
    expect(JSON.stringify(line)).not.toContain('see you at 5');
  });

  it('prints one readable line per entry: time, level, service, logger, message and fields', () => {
    const out = capture();
    const log = createRootLogger('messaging', {
      level: 'info',
      format: 'pretty',
      destination: out.stream,
    });
    runWithCorrelation({ correlationId: 'corr-7' }, () =>
      log.child({ logger: 'StoreInbound' }).info({ stored: 3 }, 'stored replies'),
    );
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: messaging StoreInbound: stored replies \{.*"stored":3.*\}$/,
    );
    expect(lines[0]).toContain('"correlationId":"corr-7"');
    expect(() => JSON.parse(lines[0]) as unknown).toThrow();
  });

  it('keeps phone numbers masked and bodies out of the readable lines too', () => {
    const out = capture();
    const log = createRootLogger('messaging', {
      level: 'info',
      format: 'pretty',
      destination: out.stream,
    });
    log.info(
      { from: maskPhone('+14155550101'), body: 'see you at 5', payload: { body: 'see you at 5' } },
      'received',
    );
    const text = out.text();
    expect(text).toContain('+1415***0101');
    expect(text).not.toContain('+14155550101');
    expect(text).not.toContain('see you at 5');
    expect(text).toContain('[redacted]');
  });

  it('is readable on a terminal and JSON elsewhere, unless LOG_FORMAT says which', () => {
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({}, false)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
  });
});

describe('logs tell no secrets', () => {
  const jsonLog = () => {
    const out = capture();
    return {
      out,
      log: createRootLogger('messaging', {
        level: 'info',
        format: 'json',
        destination: out.stream,
      }),
    };
  };

  it('redacts message text at any depth, as routed events carry it', () => {
    const { out, log } = jsonLog();
    log.info(
      { event: { payload: { sms: { body: 'see you at 5', from: '+14155550101' } } } },
      'routed',
    );
    const text = out.text();
    expect(text).not.toContain('see you at 5');
    expect(text).not.toContain('+14155550101');
    expect(text).toContain('+1415***0101');
  });

  it('masks phone numbers inside messages, error messages and stacks', () => {
    const { out, log } = jsonLog();
    const error = new Error("Invalid 'To' Phone Number: +14155550101");
    log.error(error, 'send refused for +14155550102');
    log.warn({ err: error, reason: 'Twilio refused +14155550103' }, 'refused');
    log.warn({ err: String(error) }, 'refused again');
    const text = out.text();
    for (const phone of ['+14155550101', '+14155550102', '+14155550103']) {
      expect(text).not.toContain(phone);
    }
    const [first] = jsonLines(text);
    expect(first.msg).toBe('send refused for +1415***0102');
    expect(first.err).toMatchObject({
      type: 'Error',
      message: "Invalid 'To' Phone Number: +1415***0101",
    });
    expect(String((first.err as { stack: string }).stack)).toContain('+1415***0101');
  });

  it("never writes a failed query's parameters or a failing row", () => {
    const { out, log } = jsonLog();
    class QueryFailedError extends Error {
      query = 'INSERT INTO messaging.messages (from_phone, body) VALUES ($1, $2)';
      parameters = ['+14155550101', 'see you at 5'];
      detail = 'Failing row contains (+14155550101, see you at 5).';
    }
    log.error({ err: new QueryFailedError('null value in column "x"') }, 'request failed');
    const text = out.text();
    expect(text).not.toContain('see you at 5');
    expect(text).not.toContain('+14155550101');
    const [line] = jsonLines(text);
    expect(line.err).toMatchObject({
      type: 'QueryFailedError',
      message: 'null value in column "x"',
      parameters: '[redacted]',
      detail: '[redacted]',
    });
  });

  it('leaves ids, counts and masked phones as they are', () => {
    const { out, log } = jsonLog();
    log.info({ messageId: 'm-1', count: 3, from: maskPhone('+14155550101'), at: 1 }, 'sent');
    expect(jsonLines(out.text())[0]).toMatchObject({
      messageId: 'm-1',
      count: 3,
      from: '+1415***0101',
      msg: 'sent',
    });
  });
});
