import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'students' })
export class Student {
  /** The platform's id for the student. */
  @PrimaryColumn()
  id: string;

  @Column()
  name: string;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  /** E.164; several students may share one (siblings, a parent's phone). */
  @Column({ type: 'text', nullable: true })
  smsPhone: string | null;

  @Column({ type: 'text', nullable: true })
  timezone: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** The row's version, given by each write (`nextVersion`) and carried by its event. */
  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
