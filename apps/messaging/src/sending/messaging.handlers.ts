import { Injectable, OnModuleInit } from '@nestjs/common';
import { Broker } from '@fidelis/broker';
import {
  GetBulkProgress,
  GetBulkUndelivered,
  GetMessage,
  SendBulk,
  SendMessage,
} from '@fidelis/contracts';
import { GetMessageUseCase } from '../messages/get-message.use-case';
import { BulkProgressUseCase } from './bulk-progress.use-case';
import { BulkUndeliveredUseCase } from './bulk-undelivered.use-case';
import { SendBulkUseCase } from './send-bulk.use-case';
import { SendMessageUseCase } from './send-message.use-case';

/** Answers the gateway's message requests on `rpc.messaging`. */
@Injectable()
export class MessagingHandlers implements OnModuleInit {
  constructor(
    private readonly broker: Broker,
    private readonly sendMessage: SendMessageUseCase,
    private readonly sendBulk: SendBulkUseCase,
    private readonly bulkProgress: BulkProgressUseCase,
    private readonly bulkUndelivered: BulkUndeliveredUseCase,
    private readonly getMessage: GetMessageUseCase,
  ) {}

  onModuleInit(): void {
    this.broker.handle(SendMessage, (request) => this.sendMessage.execute(request));
    this.broker.handle(SendBulk, (request) => this.sendBulk.execute(request));
    this.broker.handle(GetBulkProgress, (request) => this.bulkProgress.execute(request));
    this.broker.handle(GetBulkUndelivered, (request) => this.bulkUndelivered.execute(request));
    this.broker.handle(GetMessage, (request) => this.getMessage.execute(request));
  }
}
