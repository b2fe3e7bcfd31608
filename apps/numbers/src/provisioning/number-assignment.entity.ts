import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One staff member holding one number from `startedAt` until `endedAt` (null while it lasts).
 * Partial unique indexes allow one open assignment per number and one per staff member.
 */
@Entity({ name: 'number_assignments' })
export class NumberAssignment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  numberId: string;

  @Column()
  staffId: string;

  @Column({ type: 'timestamptz' })
  startedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}
