import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Outbox } from '@fidelis/broker';

/**
 * A transaction of the service's database whose outbox events are published once it commits:
 * `unitOfWork.run(async (manager) => { …change…; await outbox.add(manager, …) })`.
 */
@Injectable()
export class UnitOfWork {
  constructor(private readonly outbox: Outbox) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.outbox.transaction(work);
  }
}
