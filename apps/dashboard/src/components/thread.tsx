import { Anchor, Paper, Text, VisuallyHidden } from '@mantine/core';
import type { RoutedMessageView } from '@fidelis/contracts';
import { useEffect, useRef } from 'react';
import { formatWhen, statusWords } from '../lib/format';
import classes from './thread.module.css';

/** A conversation, oldest first: theirs on the left, ours on the right with its status. */
export function Thread({ messages, them }: { messages: RoutedMessageView[]; them: string }) {
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [messages.length]);

  if (messages.length === 0) return <Text c="dimmed">No messages yet.</Text>;
  return (
    <>
      <ol className={classes.thread} aria-label="Messages">
        {messages.map((message) => {
          const ours = message.direction === 'outbound';
          return (
            <li key={message.id} className={ours ? classes.ours : classes.theirs}>
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
              <Text size="xs" c="dimmed">
                <time dateTime={message.createdAt}>{formatWhen(message.createdAt)}</time>
                {ours && ` · ${statusWords(message)}`}
              </Text>
            </li>
          );
        })}
      </ol>
      <div ref={end} />
    </>
  );
}
