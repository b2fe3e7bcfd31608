import { Injectable, OnModuleInit } from '@nestjs/common';
import { Broker } from '@fidelis/broker';
import {
  Conversation,
  MarkConversationRead,
  SearchSms,
  SmsTile,
  StudentMessages,
} from '@fidelis/contracts';
import { SmsViewsQueries } from './sms-views.queries';

@Injectable()
export class SmsViewsHandlers implements OnModuleInit {
  constructor(
    private readonly broker: Broker,
    private readonly views: SmsViewsQueries,
  ) {}

  onModuleInit(): void {
    this.broker.handle(SmsTile, ({ staffId }) => this.views.tile(staffId));
    this.broker.handle(Conversation, (request) => this.views.conversation(request));
    this.broker.handle(MarkConversationRead, (request) => this.views.markRead(request));
    this.broker.handle(SearchSms, (request) => this.views.search(request));
    this.broker.handle(StudentMessages, (request) => this.views.studentHistory(request));
  }
}
