import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Messaging's copy of a student, kept from StudentUpserted: where to send, and the fallback. */
@Entity({ name: 'students' })
export class Student {
  @PrimaryColumn()
  studentId: string;

  @Column()
  name: string;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  /** E.164, or null when the student has no SMS phone. */
  @Column({ type: 'text', nullable: true })
  smsPhone: string | null;

  /** IANA time zone, for quiet hours (null: DEFAULT_TIMEZONE). */
  @Column({ type: 'text', nullable: true })
  timezone: string | null;

  /** The `occurredAt` of the event this version of the row comes from. */
  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
