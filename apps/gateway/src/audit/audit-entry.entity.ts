import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One audited change, as the service that made it reported it. */
@Entity({ name: 'audit_entries' })
export class AuditEntry {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid', unique: true })
  eventId: string;

  @Column()
  actorId: string;

  @Column()
  action: string;

  @Column()
  targetType: string;

  @Column()
  targetId: string;

  @Column({ type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;

  @Column({ type: 'timestamptz' })
  at: Date;
}
