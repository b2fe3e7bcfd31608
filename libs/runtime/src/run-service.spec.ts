import { loadConfig, commonEnvironment } from '@fidelis/config';
import { eventually } from '../../../test/support/eventually';
import { runService, runWorker } from './run-service';

describe('runService', () => {
  it('refuses to start with one line naming the bad variable, and exits 78 (EX_CONFIG)', async () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      runService('routing', async () => {
        loadConfig(commonEnvironment, { RABBITMQ_URL: 'localhost:5672' });
        throw new Error('unreachable');
      });
      await eventually(() => expect(exit).toHaveBeenCalledWith(78));
      expect(stderr).toHaveBeenCalledTimes(1);
      expect(stderr.mock.calls[0][0]).toBe(
        'routing: Invalid environment: RABBITMQ_URL: must be a URL starting with amqp:// or amqps://\n',
      );
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
    }
  });
  it('refuses a worker whose config is read while its module is built the same way', async () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      runWorker('messaging', () => {
        loadConfig(commonEnvironment, { LOG_FORMAT: 'fancy' });
        throw new Error('unreachable');
      });
      await eventually(() => expect(exit).toHaveBeenCalledWith(78));
      expect(stderr.mock.calls).toEqual([
        [
          "messaging: Invalid environment: LOG_FORMAT: Invalid enum value. Expected 'json' | 'pretty', received 'fancy'\n",
        ],
      ]);
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
    }
  });
});
