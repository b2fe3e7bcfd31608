import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Role } from '@fidelis/contracts';

/** Messaging's copy of a staff member, kept from StaffUpserted (the Reply-To of fallback mail). */
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
