import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Role } from '@fidelis/contracts';

/** Notification's copy of a staff member, kept from StaffUpserted: whom to email. */
@Entity({ name: 'staff' })
export class StaffMember {
  @PrimaryColumn()
  staffId: string;

  @Column()
  name: string;

  @Column()
  email: string;

  @Column({ type: 'text' })
  role: Role;

  /** The `occurredAt` of the event this version of the row comes from. */
  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
