import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull, QueryFailedError } from 'typeorm';
import { Outbox } from '@fidelis/broker';
import {
  createEnvelope,
  DomainError,
  EventDefinition,
  NumberAssigned,
  NumberUnassigned,
} from '@fidelis/contracts';
import { currentCorrelation } from '@fidelis/logging';
import { NumberAssignment } from './number-assignment.entity';
import { PhoneNumber } from './phone-number.entity';

/** Names given in migration NumberTables1764240000400. */
const ONE_NUMBER_PER_STAFF = 'number_assignments_one_number_per_staff';
const STAFF_EXISTS = 'number_assignments_staff_exists';

/**
 * The numbers and their assignments inside one transaction: row locks, the staff check, and the
 * NumberAssigned/NumberUnassigned events that go to the outbox with every change of holder.
 */
@Injectable()
export class NumberLedger {
  constructor(private readonly outbox: Outbox) {}

  /** The number, locked (FOR UPDATE) until the transaction ends: changes to it run one at a time. */
  async lock(manager: EntityManager, numberId: string): Promise<PhoneNumber> {
    const number = await manager.findOne(PhoneNumber, {
      where: { id: numberId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!number) throw notFound(numberId);
    return number;
  }

  async find(manager: EntityManager, numberId: string): Promise<PhoneNumber> {
    const number = await manager.findOneBy(PhoneNumber, { id: numberId });
    if (!number) throw notFound(numberId);
    return number;
  }

  /** The open assignment of a number, if it has a holder. */
  holderOf(manager: EntityManager, numberId: string): Promise<NumberAssignment | null> {
    return manager.findOneBy(NumberAssignment, { numberId, endedAt: IsNull() });
  }

  /** The open assignment of a staff member, if they hold a number. */
  heldBy(manager: EntityManager, staffId: string): Promise<NumberAssignment | null> {
    return manager.findOneBy(NumberAssignment, { staffId, endedAt: IsNull() });
  }

  /** Refuses a staff member the directory does not know (STAFF_NOT_FOUND), or one holding a number. */
  async assertCanHold(manager: EntityManager, staffId: string): Promise<void> {
    const staff = await manager.query<unknown[]>('SELECT 1 FROM numbers.staff WHERE id = $1', [
      staffId,
    ]);
    if (staff.length === 0) throw staffNotFound(staffId);
    const held = await this.heldBy(manager, staffId);
    if (held) throw staffHasNumber(staffId, held.numberId);
  }

  /**
   * The database's clock, read after the locks were taken: an assignment that waited for another
   * never starts before the one it follows.
   */
  async now(manager: EntityManager): Promise<Date> {
    const [row] = await manager.query<{ now: Date }[]>('SELECT clock_timestamp() AS now');
    return row.now;
  }

  /** Gives the number to a staff member; the unique indexes refuse a second holder or number. */
  async start(
    manager: EntityManager,
    number: PhoneNumber,
    staffId: string,
    at: Date,
  ): Promise<NumberAssignment> {
    let assignment: NumberAssignment;
    try {
      assignment = await manager.save(
        manager.create(NumberAssignment, { numberId: number.id, staffId, startedAt: at }),
      );
    } catch (error) {
      // Another admin won a race the checks before could not see (both not yet committed).
      if (violated(error, '23505') === ONE_NUMBER_PER_STAFF) throw staffHasNumber(staffId);
      if (violated(error, '23503') === STAFF_EXISTS) throw staffNotFound(staffId);
      throw error;
    }
    await this.emit(manager, NumberAssigned, {
      numberId: number.id,
      phoneNumber: number.phoneNumber,
      staffId,
      assignmentId: assignment.id,
      startedAt: at.toISOString(),
    });
    return assignment;
  }

  /** Ends a holder's assignment; it stays in the history with its start and end. */
  async end(
    manager: EntityManager,
    number: PhoneNumber,
    assignment: NumberAssignment,
    at: Date,
  ): Promise<void> {
    await manager.update(NumberAssignment, { id: assignment.id }, { endedAt: at });
    await this.emit(manager, NumberUnassigned, {
      numberId: number.id,
      phoneNumber: number.phoneNumber,
      staffId: assignment.staffId,
      assignmentId: assignment.id,
      endedAt: at.toISOString(),
    });
  }

  /** Adds an event to the transaction's outbox, in the chain of the request being answered. */
  async emit<P extends object>(
    manager: EntityManager,
    definition: EventDefinition<P>,
    payload: P,
  ): Promise<void> {
    const correlationId = currentCorrelation()?.correlationId;
    await this.outbox.add(
      manager,
      definition,
      createEnvelope(definition, payload, { correlationId }),
    );
  }
}

/** The constraint a failed statement violated, when it failed with this SQLSTATE. */
export function violated(error: unknown, sqlState: string): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === sqlState ? driverError.constraint : undefined;
}

const notFound = (numberId: string) =>
  new DomainError('NUMBER_NOT_FOUND', `number ${numberId} does not exist`);

const staffNotFound = (staffId: string) =>
  new DomainError('STAFF_NOT_FOUND', `staff member ${staffId} does not exist`);

const staffHasNumber = (staffId: string, numberId?: string) =>
  new DomainError(
    'STAFF_HAS_NUMBER',
    `staff member ${staffId} already holds a number; unassign it first`,
    numberId ? { staffId, numberId } : { staffId },
  );
