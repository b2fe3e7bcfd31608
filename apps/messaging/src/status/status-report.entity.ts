import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One delivery status Twilio reported for an outbound message (kept as reported, in any order). */
@Entity({ name: 'status_reports' })
export class StatusReport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  messageSid: string;

  @Column()
  status: string;

  @Column({ type: 'text', nullable: true })
  errorCode: string | null;

  @Column({ type: 'timestamptz' })
  reportedAt: Date;
}
