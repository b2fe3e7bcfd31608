import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** Looks up routing's copy of the students. */
@Injectable()
export class StudentDirectory {
  constructor(private readonly dataSource: DataSource) {}

  /** The ids of every student whose SMS phone is `phone` (E.164), in id order; several may share one. */
  async byPhone(
    phone: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string[]> {
    return (await this.byPhones([phone], manager)).get(phone) ?? [];
  }

  /** `byPhone` for many phones with one statement: by phone, the ids of its students. */
  async byPhones(
    phones: string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, string[]>> {
    const rows = await manager.query<{ student_id: string; sms_phone: string }[]>(
      `SELECT student_id, sms_phone FROM routing.students
        WHERE sms_phone = ANY($1::text[]) ORDER BY student_id`,
      [phones],
    );
    const found = new Map<string, string[]>();
    for (const row of rows)
      found.set(row.sms_phone, [...(found.get(row.sms_phone) ?? []), row.student_id]);
    return found;
  }
}
