import { Injectable } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { DataSource, QueryFailedError } from 'typeorm';
import { DomainError, GetSendContext, SendContextView } from '@fidelis/contracts';
import { logger } from '@fidelis/logging';
import { BrokerClient } from '@fidelis/runtime';
import { DirectoryCopy } from '../directory/directory-copy';
import { NumberHolders } from '../number-holders/number-holders';

/** How long a send waits for the owner before it decides with messaging's copy alone. */
const OWNER_TIMEOUT_MS = 2_000;

/** What a send may conclude from messaging's copy: everything, or only what the copy has. */
export interface Freshness {
  /** The owner answered and its answer is in the copy: what the copy lacks does not exist. */
  fresh: boolean;
}

/**
 * Read-your-writes for sends. The copy of staff, students and numbers is kept from the owner's
 * (numbers') events, which arrive a moment after the API answered; so before a send is decided
 * the owner is asked for the sender, their number and the students as committed now, and the
 * answer goes into the copy with the events' own rule (an older version changes nothing, the
 * facts of an assignment only add up). The send then decides with the copy, as does everything
 * after it (fallback address, personalisation, the views).
 *
 * When the owner does not answer in time, the copy decides alone: what it has is sent (with a
 * warning), and what it lacks is refused as unavailable, never as unknown (`refusal`).
 */
@Injectable()
export class SendContext {
  private readonly log = logger(SendContext.name);

  constructor(
    private readonly services: BrokerClient,
    private readonly dataSource: DataSource,
    private readonly copy: DirectoryCopy,
    private readonly holders: NumberHolders,
  ) {}

  async refresh(senderId: string, studentIds: string[]): Promise<Freshness> {
    const answer = await firstValueFrom(
      this.services.send(GetSendContext, { senderId, studentIds }, OWNER_TIMEOUT_MS),
    ).catch((error: unknown) => {
      this.log.warn(
        { senderId, students: studentIds.length, err: String(error) },
        "the directory did not answer; the send is decided with messaging's copy",
      );
      return null;
    });
    if (!answer) return { fresh: false };
    await this.apply(answer);
    return { fresh: true };
  }

  /**
   * Each fact stands on its own (a row's version, an assignment's start or end), so they are
   * written side by side, without a transaction; when the copy is current, nothing is written.
   */
  private async apply(answer: SendContextView, attempt = 1): Promise<void> {
    const manager = this.dataSource.manager;
    try {
      await Promise.all([
        answer.sender && this.copy.upsertStaff(manager, answer.sender),
        answer.assignment && this.holders.record(manager, answer.assignment),
        answer.students.length > 0 && this.copy.upsertStudents(manager, answer.students),
      ]);
    } catch (error) {
      // An event handler writing the same students in its own order; Postgres chose us.
      if (attempt < 3 && isDeadlock(error)) return this.apply(answer, attempt + 1);
      throw error;
    }
  }
}

/**
 * A refusal for something the copy lacks: final when the owner answered; otherwise the owner may
 * know it already, so the caller is told to try again rather than that it does not exist.
 */
export function refusal({ fresh }: Freshness, error: DomainError): DomainError {
  if (fresh) return error;
  return new DomainError(
    'SERVICE_UNAVAILABLE',
    `the directory did not answer and messaging does not know it yet (${error.message}); try again`,
    error.details,
  );
}

function isDeadlock(error: unknown): boolean {
  return (
    error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '40P01'
  );
}
