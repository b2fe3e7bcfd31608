import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  Conversation,
  ConversationPageRequest,
  MarkConversationRead,
  MarkConversationReadRequest,
  SearchSms,
  SearchSmsRequest,
  SmsTile,
  StaffRequest,
  StudentMessages,
  StudentMessagesRequest,
} from '@fidelis/contracts';
import { OnRequest } from '@fidelis/runtime';
import { SmsViewsQueries } from './sms-views.queries';

/** The dashboard's SMS views, asked by the gateway. */
@Controller()
export class SmsViewsController {
  constructor(private readonly views: SmsViewsQueries) {}

  @OnRequest(SmsTile)
  tile(@Payload() { staffId }: StaffRequest) {
    return this.views.tile(staffId);
  }

  @OnRequest(Conversation)
  conversation(@Payload() request: ConversationPageRequest) {
    return this.views.conversation(request);
  }

  @OnRequest(MarkConversationRead)
  markRead(@Payload() request: MarkConversationReadRequest) {
    return this.views.markRead(request);
  }

  @OnRequest(SearchSms)
  search(@Payload() request: SearchSmsRequest) {
    return this.views.search(request);
  }

  @OnRequest(StudentMessages)
  studentMessages(@Payload() request: StudentMessagesRequest) {
    return this.views.studentHistory(request);
  }
}
