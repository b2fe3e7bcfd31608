import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  GetPushPublicKey,
  SubscribePush,
  SubscribePushRequest,
  UnsubscribePush,
  UnsubscribePushRequest,
} from '@fidelis/contracts';
import { OnRequest } from '@fidelis/runtime';
import { SubscribePushUseCase } from './subscribe-push.use-case';
import { UnsubscribePushUseCase } from './unsubscribe-push.use-case';
import { VAPID_DETAILS, VapidDetails } from './vapid-keys';

/** The gateway's Web Push requests. */
@Controller()
export class PushController {
  constructor(
    @Inject(VAPID_DETAILS) private readonly vapid: VapidDetails,
    private readonly subscribePush: SubscribePushUseCase,
    private readonly unsubscribePush: UnsubscribePushUseCase,
  ) {}

  @OnRequest(GetPushPublicKey)
  publicKey() {
    return { publicKey: this.vapid.publicKey };
  }

  @OnRequest(SubscribePush)
  subscribe(@Payload() request: SubscribePushRequest) {
    return this.subscribePush.execute(request);
  }

  @OnRequest(UnsubscribePush)
  unsubscribe(@Payload() request: UnsubscribePushRequest) {
    return this.unsubscribePush.execute(request);
  }
}
