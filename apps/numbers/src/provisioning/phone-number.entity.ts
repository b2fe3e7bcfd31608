import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NumberView } from '@fidelis/contracts';

/** A Twilio number we bought. Released numbers keep their row (and their history). */
@Entity({ name: 'phone_numbers' })
export class PhoneNumber {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** E.164. */
  @Column()
  phoneNumber: string;

  /** Twilio's IncomingPhoneNumber sid (`PN…`). */
  @Column()
  twilioSid: string;

  @Column({ type: 'text' })
  status: 'active' | 'released';

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  releasedAt: Date | null;
}

/** The number as the API shows it, with its current holder. */
export function numberView(number: PhoneNumber, staffId: string | null): NumberView {
  return {
    id: number.id,
    phoneNumber: number.phoneNumber,
    twilioSid: number.twilioSid,
    staffId,
    status: number.status,
    createdAt: number.createdAt.toISOString(),
    releasedAt: number.releasedAt?.toISOString() ?? null,
  };
}
