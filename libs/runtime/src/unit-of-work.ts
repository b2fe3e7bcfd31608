import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Outbox } from '@fidelis/broker';

/**
 * A transaction of the service's database whose outbox events are published once it commits:
 * `unitOfWork.run(async (manager) => { …change…; await outbox.add(manager, …) })`.
 */
@Injectable()
export class UnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(work);
    void this.outbox.flush();
    return result;
  }
}
