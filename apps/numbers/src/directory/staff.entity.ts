import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { Role } from '@fidelis/contracts';

@Entity({ name: 'staff' })
export class Staff {
  /** The platform's id for the staff member (`sub` of their dashboard token). */
  @PrimaryColumn()
  id: string;

  @Column()
  name: string;

  @Column()
  email: string;

  @Column({ type: 'text' })
  role: Role;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** The row's version, given by each write (`nextVersion`) and carried by its event. */
  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
