import { Writable } from 'node:stream';
import { createRootLogger, maskPhone, runWithCorrelation } from '.';

function captureLines(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const lines = () =>
    text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('logging', () => {
  it('masks the middle of a phone number', () => {
    expect(maskPhone('+14155550101')).toBe('+1415***0101');
    expect(maskPhone(null)).toBe('');
  });

  it('writes JSON lines that carry the service and the correlation id', () => {
    const out = captureLines();
    const log = createRootLogger('gateway', 'info', out.stream);
    runWithCorrelation({ correlationId: 'corr-1', eventId: 'evt-1' }, () => log.info('inside'));
    log.info('outside');
    const [inside, outside] = out.lines();
    expect(inside).toMatchObject({ service: 'gateway', correlationId: 'corr-1', eventId: 'evt-1' });
    expect(outside.correlationId).toBeUndefined();
  });

  it('never writes a message body', () => {
    const out = captureLines();
    const log = createRootLogger('gateway', 'info', out.stream);
    log.info({ body: 'see you at 5', payload: { body: 'see you at 5' } }, 'received');
    const [line] = out.lines();
    expect(JSON.stringify(line)).not.toContain('see you at 5');
  });
});
