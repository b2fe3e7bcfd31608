import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AttributeMessage,
  AttributeMessageRequest,
  BulkIdRequest,
  CancelMessage,
  CancelMessageRequest,
  ScheduledMessages,
  SendTime,
  SendTimeRequest,
  StaffIdRequest,
  GetBulkProgress,
  GetBulkUndelivered,
  GetMessage,
  MessageIdRequest,
  SendBulk,
  SendBulkRequest,
  SendMessage,
  SendMessageRequest,
} from '@fidelis/contracts';
import { OnRequest } from '@fidelis/runtime';
import { AttributeMessageUseCase } from '../messages/attribute-message.use-case';
import { GetMessageUseCase } from '../messages/get-message.use-case';
import { BulkProgressUseCase } from './bulk-progress.use-case';
import { BulkUndeliveredUseCase } from './bulk-undelivered.use-case';
import { ScheduledMessagesQueries } from './scheduled-messages.queries';
import { SendBulkUseCase } from './send-bulk.use-case';
import { SendMessageUseCase } from './send-message.use-case';

/** Sends and what became of them, asked by the gateway (and notification). */
@Controller()
export class SendingController {
  constructor(
    private readonly sendMessage: SendMessageUseCase,
    private readonly sendBulk: SendBulkUseCase,
    private readonly bulkProgress: BulkProgressUseCase,
    private readonly bulkUndelivered: BulkUndeliveredUseCase,
    private readonly getMessage: GetMessageUseCase,
    private readonly attributeMessage: AttributeMessageUseCase,
    private readonly scheduled: ScheduledMessagesQueries,
  ) {}

  @OnRequest(SendMessage)
  send(@Payload() request: SendMessageRequest) {
    return this.sendMessage.execute(request);
  }

  @OnRequest(SendBulk)
  bulk(@Payload() request: SendBulkRequest) {
    return this.sendBulk.execute(request);
  }

  @OnRequest(GetBulkProgress)
  progress(@Payload() request: BulkIdRequest) {
    return this.bulkProgress.execute(request);
  }

  @OnRequest(GetBulkUndelivered)
  undelivered(@Payload() request: BulkIdRequest) {
    return this.bulkUndelivered.execute(request);
  }

  @OnRequest(GetMessage)
  message(@Payload() request: MessageIdRequest) {
    return this.getMessage.execute(request);
  }

  @OnRequest(CancelMessage)
  cancel(@Payload() request: CancelMessageRequest) {
    return this.scheduled.cancel(request);
  }

  @OnRequest(SendTime)
  sendTime(@Payload() request: SendTimeRequest) {
    return this.scheduled.sendTime(request);
  }

  @OnRequest(ScheduledMessages)
  scheduledOf(@Payload() { staffId }: StaffIdRequest) {
    return this.scheduled.of(staffId);
  }

  @OnRequest(AttributeMessage)
  attribute(@Payload() request: AttributeMessageRequest) {
    return this.attributeMessage.execute(request);
  }
}
