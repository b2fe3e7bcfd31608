import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import { EventEnvelope, RetentionAppliedPayload, SUBSCRIPTIONS } from '@fidelis/contracts';
import { EventContext, OnEvent, RetentionCopies } from '@fidelis/runtime';

/**
 * The gateway's copies of message text: envelopes waiting in its outbox (inbound webhooks) and
 * the audit trail, whose `bulk.sent` entries carry the bulk's text. The received webhooks table
 * keeps only MessageSids. An entry about a held student, or about a bulk whose text messaging
 * still keeps, keeps its text.
 */
@Controller()
export class GatewayRetentionController {
  constructor(private readonly copies: RetentionCopies) {}

  @OnEvent(SUBSCRIPTIONS.gatewayRetentionApplied)
  async retentionApplied(
    @Payload() event: EventEnvelope<RetentionAppliedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    const audit = await purgeAuditBodies(context.manager, event.payload);
    await this.copies.purge(context.manager, 'gateway', event.payload, {
      'gateway.audit_entries': audit,
    });
  }
}

async function purgeAuditBodies(
  manager: EntityManager,
  retention: RetentionAppliedPayload,
): Promise<number> {
  const [, count] = await manager.query<[unknown[], number]>(
    `UPDATE gateway.audit_entries
        SET after = CASE WHEN jsonb_typeof(after -> 'body') = 'string'
                         THEN jsonb_set(after, '{body}', '""') ELSE after END,
            before = CASE WHEN jsonb_typeof(before -> 'body') = 'string'
                          THEN jsonb_set(before, '{body}', '""') ELSE before END
      WHERE at < $1
        AND (coalesce(after ->> 'body', '') <> '' OR coalesce(before ->> 'body', '') <> '')
        AND NOT (target_type = 'bulk' AND target_id = ANY ($2::text[]))
        AND NOT (target_type = 'student' AND target_id = ANY ($3::text[]))`,
    [retention.cutoff, retention.heldBulkIds, retention.heldStudentIds],
  );
  return count;
}
