import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, MessageIdRequest, MessageView } from '@fidelis/contracts';
import { isUuid } from '../sending/message-body';
import { toMessageView } from './message-row';
import { MessageStore } from './message-store';

@Injectable()
export class GetMessageUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: MessageStore,
  ) {}

  async execute(request: MessageIdRequest): Promise<MessageView> {
    const message = isUuid(request.messageId)
      ? await this.store.find(this.dataSource.manager, request.messageId)
      : undefined;
    if (!message) throw new DomainError('MESSAGE_NOT_FOUND', `no message ${request.messageId}`);
    return toMessageView(message);
  }
}
