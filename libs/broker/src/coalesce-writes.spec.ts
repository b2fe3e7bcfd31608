import { AddressInfo, createServer, Server, Socket, connect } from 'node:net';
import { coalesceWrites } from './coalesce-writes';

/** A real TCP connection: the client socket, and each chunk the server side read. */
async function connection(): Promise<{
  client: Socket;
  chunks: Buffer[];
  close: () => Promise<void>;
}> {
  const chunks: Buffer[] = [];
  let accepted!: Socket;
  const server: Server = createServer((socket) => {
    accepted = socket;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = connect({
    port: (server.address() as AddressInfo).port,
    host: '127.0.0.1',
    noDelay: true,
  });
  await new Promise((resolve) => client.once('connect', resolve));
  return {
    client,
    chunks,
    close: async () => {
      client.destroy();
      accepted?.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const received = (chunks: Buffer[], bytes: number) =>
  new Promise<void>((resolve) => {
    const check = () =>
      chunks.reduce((sum, chunk) => sum + chunk.length, 0) >= bytes
        ? resolve()
        : setTimeout(check, 5);
    check();
  });

describe('coalesceWrites', () => {
  it('sends what one turn wrote in one go, and what later turns write after it, in order', async () => {
    const { client, chunks, close } = await connection();
    try {
      coalesceWrites(client);
      const frames = Array.from({ length: 100 }, (_, index) => Buffer.from(`frame ${index};`));
      for (const frame of frames) client.write(frame);
      // Held back for the rest of the turn, not handed to the system one write at a time.
      expect(client.writableCorked).toBe(1);
      expect(client.writableLength).toBe(Buffer.concat(frames).length);
      await new Promise((resolve) => setImmediate(resolve));
      expect(client.writableCorked).toBe(0);
      await received(chunks, Buffer.concat(frames).length);

      client.write('next turn');
      await received(chunks, Buffer.concat(frames).length + 'next turn'.length);
      expect(Buffer.concat(chunks).toString()).toBe(`${Buffer.concat(frames).toString()}next turn`);
    } finally {
      await close();
    }
  });
});
