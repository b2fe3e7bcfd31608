import { ArrayMaxSize, IsArray, IsNotEmpty, IsString } from 'class-validator';
import { MAX_BULK_RECIPIENTS } from '../messages/messages.requests';
import { defineRequest } from '../request-definition';
import { StaffUpsertedPayload, StudentUpsertedPayload } from './directory.events';

/**
 * A row as the owner has it now. `updatedAt` is its version: the `occurredAt` of the
 * StaffUpserted/StudentUpserted event the same write published, so that a copy can weigh the
 * answer and the events against each other.
 */
export type Versioned<P> = P & { updatedAt: string };

/** An assignment of a number, with its end once it has one. */
export interface AssignmentRecord {
  assignmentId: string;
  numberId: string;
  phoneNumber: string;
  staffId: string;
  startedAt: string;
  endedAt: string | null;
}

/**
 * What messaging needs to decide a send, asked of the owner before deciding so that a write the
 * API acknowledged a moment ago counts even before its events reach messaging's copy.
 */
export class SendContextRequest {
  @IsString()
  @IsNotEmpty()
  senderId: string;

  @IsArray()
  @ArrayMaxSize(MAX_BULK_RECIPIENTS)
  @IsString({ each: true })
  studentIds: string[];
}

export interface SendContextView {
  /** The sender as the directory has them, or null when it does not know them. */
  sender: Versioned<StaffUpsertedPayload> | null;
  /** The sender's latest assignment (open: the number they send from), or null if they never held one. */
  assignment: AssignmentRecord | null;
  /** The wanted students the directory knows; an id missing here is truly unknown. */
  students: Versioned<StudentUpsertedPayload>[];
}

export const GetSendContext = defineRequest<SendContextRequest, SendContextView>(
  'numbers',
  'send-context',
  SendContextRequest,
);
