import { IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { defineEvent } from '../event-definition';

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * A number got a holder. With NumberUnassigned it gives every consumer the full history of who
 * held which number when (routing needs the holder at the moment a message arrived).
 */
export class NumberAssignedPayload {
  @IsUUID()
  numberId: string;

  @Matches(E164)
  phoneNumber: string;

  @IsString()
  staffId: string;

  @IsUUID()
  assignmentId: string;

  @IsISO8601({ strict: true })
  startedAt: string;
}

export const NumberAssigned = defineEvent('numbers', 'NumberAssigned', 1, NumberAssignedPayload);

/** A number's holder gave it up (unassigned, reassigned to someone else, or released). */
export class NumberUnassignedPayload {
  @IsUUID()
  numberId: string;

  @Matches(E164)
  phoneNumber: string;

  @IsString()
  staffId: string;

  @IsUUID()
  assignmentId: string;

  @IsISO8601({ strict: true })
  endedAt: string;
}

export const NumberUnassigned = defineEvent(
  'numbers',
  'NumberUnassigned',
  1,
  NumberUnassignedPayload,
);

/** A number was released at Twilio; messages to it can no longer arrive. */
export class NumberReleasedPayload {
  @IsUUID()
  numberId: string;

  @Matches(E164)
  phoneNumber: string;

  @IsString()
  twilioSid: string;

  @IsISO8601({ strict: true })
  releasedAt: string;

  @IsOptional()
  @IsString()
  lastStaffId: string | null;
}

export const NumberReleased = defineEvent('numbers', 'NumberReleased', 1, NumberReleasedPayload);
