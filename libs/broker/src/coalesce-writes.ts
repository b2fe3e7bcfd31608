import type { Socket } from 'node:net';

/**
 * Makes what is written to `socket` in one turn of the event loop leave in one system call:
 * corked at the turn's first write, uncorked once the turn's code has run, when Node writes what
 * gathered with one `writev`. For amqplib, which writes every frame (a publish, an ack) with a
 * write of its own — with TCP_NODELAY each a packet of its own that wakes the broker — so a
 * batch's hundred publishes were a hundred system calls and a hundred wake-ups. (pg corks each
 * query itself.)
 */
export function coalesceWrites(socket: Socket): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = (...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  };
}
