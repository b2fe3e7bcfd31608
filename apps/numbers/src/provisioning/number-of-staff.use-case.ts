import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NumberOfStaffRequest, NumberView } from '@fidelis/contracts';
import { NumberLedger } from './number-ledger';
import { numberView } from './phone-number.entity';

/** The number a staff member holds now, or null (`GET /api/me`). */
@Injectable()
export class NumberOfStaffUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: NumberLedger,
  ) {}

  async execute(request: NumberOfStaffRequest): Promise<NumberView | null> {
    const manager = this.dataSource.manager;
    const held = await this.ledger.heldBy(manager, request.staffId);
    if (!held) return null;
    return numberView(await this.ledger.find(manager, held.numberId), held);
  }
}
