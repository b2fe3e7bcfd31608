import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { MediaItem } from '@fidelis/contracts';

/** An SMS or MMS a student sent to one of our numbers, as Twilio delivered it. */
@Entity({ name: 'inbound_messages' })
export class InboundMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ unique: true })
  messageSid: string;

  @Column()
  accountSid: string;

  @Column({ name: 'from_phone' })
  from: string;

  @Column({ name: 'to_phone' })
  to: string;

  @Column()
  body: string;

  @Column({ type: 'jsonb' })
  media: MediaItem[];

  @Column({ type: 'timestamptz' })
  receivedAt: Date;

  @Column()
  correlationId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  storedAt: Date;
}
