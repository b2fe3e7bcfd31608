import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Routing's copy of a student, kept from StudentUpserted: enough to match an SMS's `From`. */
@Entity({ name: 'students' })
export class Student {
  @PrimaryColumn()
  studentId: string;

  @Column()
  name: string;

  /** E.164, or null when the student has no SMS phone. */
  @Column({ type: 'text', nullable: true })
  smsPhone: string | null;

  /** The `occurredAt` of the event this version of the row comes from. */
  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
