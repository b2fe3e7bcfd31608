import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AssignmentView, NumberIdRequest } from '@fidelis/contracts';
import { NumberAssignment } from './number-assignment.entity';
import { NumberLedger } from './number-ledger';

/** Every assignment a number had, oldest first, with its start and end (null while it lasts). */
@Injectable()
export class NumberHistoryUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: NumberLedger,
  ) {}

  async execute(request: NumberIdRequest): Promise<AssignmentView[]> {
    const number = await this.ledger.find(this.dataSource.manager, request.numberId);
    const assignments = await this.dataSource.manager.find(NumberAssignment, {
      where: { numberId: number.id },
      order: { startedAt: 'ASC', endedAt: { direction: 'ASC', nulls: 'LAST' } },
    });
    return assignments.map((assignment) => ({
      staffId: assignment.staffId,
      startedAt: assignment.startedAt.toISOString(),
      endedAt: assignment.endedAt?.toISOString() ?? null,
    }));
  }
}
