import { IsIn, IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import { ActorRequest } from '../directory/directory.requests';
import { Role, ROLES } from '../directory/roles';
import { defineRequest } from '../request-definition';
import { MessageView } from './message-view';

export const OPT_OUT_DECISIONS = ['confirm', 'dismiss'] as const;
export type OptOutDecision = (typeof OPT_OUT_DECISIONS)[number];

/**
 * Staff decide on a message flagged `possible-opt-out`: confirm opts the phone out of the number
 * it was sent to, as a STOP would; dismiss only clears the flag.
 */
export class DecideOptOutRequest extends ActorRequest {
  /** Admins and managers may decide on any message, others on the messages routed to them. */
  @IsIn(ROLES)
  actorRole: Role;

  @IsString()
  @IsNotEmpty()
  messageId: string;

  @IsIn(OPT_OUT_DECISIONS, { message: 'decision must be "confirm" or "dismiss"' })
  decision: OptOutDecision;
}

/** Who or what changed a student's SMS status for a number. */
export type ConsentSource =
  /** A keyword (STOP, START …) in this inbound message. */
  | { kind: 'message'; messageId: string | null }
  /**
   * A staff member: they confirmed that this inbound message asked to stop, or (no message) the
   * student asked them some other way — by email, on the phone, in person.
   */
  | { kind: 'staff'; staffId: string; messageId: string | null }
  /** Twilio refused this outbound message: the phone had opted out (21610). */
  | { kind: 'twilio'; messageId: string };

/** One change of a phone's SMS status for one of our numbers. */
export interface ConsentChangeView {
  /** Our number. */
  number: string;
  /** The student's phone it applies to. */
  studentPhone: string;
  optedOut: boolean;
  at: string;
  source: ConsentSource;
}

/**
 * A student's consent history, newest first: the changes for their SMS phone (`smsPhone`, as the
 * directory has it now) and those made by messages of theirs from another phone.
 */
export class StudentConsentRequest {
  @IsString()
  @IsNotEmpty()
  studentId: string;

  @IsOptional()
  @IsString()
  smsPhone?: string | null;
}

/**
 * A staff member records that the student asked, some other way than a text, to stop: their SMS
 * phone is opted out of `number` (one of ours), or of every number of ours without it.
 */
export class StaffOptOutRequest extends ActorRequest {
  @IsString()
  @IsNotEmpty()
  studentId: string;

  /** The student's SMS phone as the directory has it now (the gateway asks it first). */
  @IsOptional()
  @IsString()
  smsPhone?: string | null;

  @IsOptional()
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'number must be one of our numbers, in E.164' })
  number?: string;
}

export const StaffOptOut = defineRequest<StaffOptOutRequest, ConsentChangeView[]>(
  'messaging',
  'staff-opt-out',
  StaffOptOutRequest,
);
export const DecideOptOut = defineRequest<DecideOptOutRequest, MessageView>(
  'messaging',
  'decide-opt-out',
  DecideOptOutRequest,
);
export const StudentConsent = defineRequest<StudentConsentRequest, ConsentChangeView[]>(
  'messaging',
  'student-consent',
  StudentConsentRequest,
);
