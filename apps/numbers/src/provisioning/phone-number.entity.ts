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

/** Who holds a number, since when. */
export interface Holding {
  staffId: string;
  startedAt: Date;
}

/** The number as the API shows it, with its current holder and since when (`null`: nobody). */
export function numberView(number: PhoneNumber, holding: Holding | null): NumberView {
  return {
    id: number.id,
    phoneNumber: number.phoneNumber,
    twilioSid: number.twilioSid,
    staffId: holding?.staffId ?? null,
    assignedAt: holding?.startedAt.toISOString() ?? null,
    status: number.status,
    createdAt: number.createdAt.toISOString(),
    releasedAt: number.releasedAt?.toISOString() ?? null,
  };
}
