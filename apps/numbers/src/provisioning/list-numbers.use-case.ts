import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull } from 'typeorm';
import { NumberView } from '@fidelis/contracts';
import { NumberAssignment } from './number-assignment.entity';
import { numberView, PhoneNumber } from './phone-number.entity';

/** Every number we bought (released ones too), oldest first, each with its current holder. */
@Injectable()
export class ListNumbersUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(): Promise<NumberView[]> {
    const numbers = await this.dataSource.manager.find(PhoneNumber, {
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const open = await this.dataSource.manager.findBy(NumberAssignment, {
      numberId: In(numbers.map((number) => number.id)),
      endedAt: IsNull(),
    });
    const holders = new Map(open.map((assignment) => [assignment.numberId, assignment]));
    return numbers.map((number) => numberView(number, holders.get(number.id) ?? null));
  }
}
