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
