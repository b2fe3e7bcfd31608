import { EntityManager } from 'typeorm';

/**
 * Retention for a service's outbox: envelopes older than `cutoff` that still carry message text
 * (`payload.body`, or `payload.sms.body` once routing wrapped it) keep their metadata and lose the
 * text and media. Such rows exist only when an event could not be published for that long; the
 * envelope of a held phone keeps its text. Returns how many envelopes were emptied.
 */
export async function purgeOutboxBodies(
  manager: EntityManager,
  schema: string,
  cutoff: Date,
  heldPhones: string[],
): Promise<number> {
  let purged = 0;
  // Inbound events carry the text in `payload`, routing's in `payload.sms`, a bulk's audit entry in
  // `payload.after`.
  for (const path of [['payload'], ['payload', 'sms'], ['payload', 'after']]) {
    const key = path.join(',');
    const at = `envelope #> '{${key}}'`;
    const [, count] = await manager.query<[unknown[], number]>(
      `UPDATE "${schema}".outbox
          SET envelope = CASE WHEN ${at} ? 'media'
                THEN jsonb_set(jsonb_set(envelope, '{${key},body}', '""'), '{${key},media}', '[]')
                ELSE jsonb_set(envelope, '{${key},body}', '""') END
        WHERE created_at < $1
          AND jsonb_typeof(${at} -> 'body') = 'string' AND ${at} ->> 'body' <> ''
          AND NOT (coalesce(${at} ->> 'from', '') = ANY ($2::text[])
                   OR coalesce(${at} ->> 'to', '') = ANY ($2::text[]))`,
      [cutoff, heldPhones],
    );
    purged += count;
  }
  return purged;
}
