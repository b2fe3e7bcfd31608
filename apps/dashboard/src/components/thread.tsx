import { Anchor, Button, Paper, Text, VisuallyHidden } from '@mantine/core';
import type { RoutedMessageView } from '@fidelis/contracts';
import { memo, useEffect, useLayoutEffect, useRef } from 'react';
import { formatWhen, statusWords } from '../lib/format';
import type { Pending } from './composer';
import { WhyHere } from './route-words';
import classes from './thread.module.css';

/** How far the server's clock may be ahead of the browser's when a sent message is recognised. */
const CLOCK_SKEW_MS = 60_000;

/** Older messages the thread can load, when there are any. */
export interface Earlier {
  load: () => void;
  loading: boolean;
}

/** "Earlier messages" for a paged thread query, while it has older pages. */
export const earlierOf = (thread: {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}): Earlier | undefined =>
  thread.hasNextPage
    ? { load: () => void thread.fetchNextPage(), loading: thread.isFetchingNextPage }
    : undefined;

/**
 * A conversation, oldest first: theirs on the left, ours on the right with its status, then what
 * is being sent (`sending`, bodies) as "Sending…". Long histories show their newest page first,
 * with "Earlier messages" above.
 */
export function Thread({
  messages,
  them,
  earlier,
  sending = [],
}: {
  messages: RoutedMessageView[];
  them: string;
  earlier?: Earlier;
  sending?: Pending[];
}) {
  // A live event can bring the sent message before the send's own answer does: from then on the
  // thread shows it with its real status, and not a second time as "Sending…".
  const pending = sending.filter(
    ({ body, since }) =>
      !messages.some(
        (message) =>
          message.direction === 'outbound' &&
          message.body === body &&
          Date.parse(message.createdAt) >= since - CLOCK_SKEW_MS,
      ),
  );
  // Follows the newest message (arriving or sent), not older ones loaded above: to the page's
  // end, so the composer below the thread stays in view too.
  const newest = messages.at(-1)?.id;
  useEffect(() => {
    window.scrollTo({ top: document.documentElement.scrollHeight });
  }, [newest, sending.length]);

  // Earlier messages go in above without moving what one was reading: the message that was
  // first stays where it was on screen (the browser's own scroll anchoring does nothing at the
  // top of the page, which is where "Earlier messages" is clicked).
  const list = useRef<HTMLOListElement>(null);
  const readingFrom = useRef<{ item: Element; top: number } | null>(null);
  const loadEarlier = (load: () => void) => {
    const item = list.current?.firstElementChild;
    readingFrom.current = item ? { item, top: item.getBoundingClientRect().top } : null;
    load();
  };
  const oldest = messages[0]?.id;
  useLayoutEffect(() => {
    const reading = readingFrom.current;
    if (!reading?.item.isConnected) return;
    window.scrollBy(0, reading.item.getBoundingClientRect().top - reading.top);
    readingFrom.current = null;
  }, [oldest]);

  if (messages.length === 0 && sending.length === 0) {
    return <Text c="dimmed">No messages yet.</Text>;
  }
  return (
    <>
      {earlier && (
        <Button
          variant="subtle"
          className={classes.earlier}
          loading={earlier.loading}
          onClick={() => loadEarlier(earlier.load)}
        >
          Earlier messages
        </Button>
      )}
      <ol ref={list} className={classes.thread} aria-label="Messages">
        {messages.map((message) => (
          <MessageItem key={message.id} message={message} them={them} />
        ))}
        {pending.map(({ body }, index) => (
          <li key={index} className={classes.ours}>
            <Paper className={classes.bubble} bg="blue.0" p="xs" radius="md">
              <VisuallyHidden>You: </VisuallyHidden>
              <Text size="sm" className={classes.body}>
                {body}
              </Text>
            </Paper>
            <Text size="xs" c="dimmed">
              Sending…
            </Text>
          </li>
        ))}
      </ol>
    </>
  );
}

/**
 * One message. Memoised: a refetch keeps unchanged messages as they were, so a new page or a
 * status change renders only what changed, not the whole history.
 */
const MessageItem = memo(function MessageItem({
  message,
  them,
}: {
  message: RoutedMessageView;
  them: string;
}) {
  const ours = message.direction === 'outbound';
  return (
    <li className={ours ? classes.ours : classes.theirs}>
      <Paper className={classes.bubble} bg={ours ? 'blue.0' : 'gray.1'} p="xs" radius="md">
        <VisuallyHidden>{ours ? 'You:' : `${them}:`} </VisuallyHidden>
        <Text size="sm" className={classes.body}>
          {message.body}
        </Text>
        {message.media.map((media) => (
          <Anchor key={media.url} href={media.url} size="sm" target="_blank">
            Attachment
          </Anchor>
        ))}
      </Paper>
      <div className={classes.meta}>
        <Text size="xs" c="dimmed">
          <time dateTime={message.createdAt}>{formatWhen(message.createdAt)}</time>
          {ours && ` · ${statusWords(message)}`}
        </Text>
        {/* Theirs: how it reached this conversation (matched phone, shared phone, holder). */}
        {!ours && <WhyHere message={message} size="xs" />}
      </div>
    </li>
  );
});
