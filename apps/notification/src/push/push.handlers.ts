import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Broker } from '@fidelis/broker';
import { GetPushPublicKey, SubscribePush, UnsubscribePush } from '@fidelis/contracts';
import { SubscribePushUseCase } from './subscribe-push.use-case';
import { UnsubscribePushUseCase } from './unsubscribe-push.use-case';
import { VAPID_DETAILS, VapidDetails } from './vapid-keys';

/** Answers the gateway's Web Push requests on `rpc.notification`, each validated first. */
@Injectable()
export class PushHandlers implements OnModuleInit {
  constructor(
    private readonly broker: Broker,
    @Inject(VAPID_DETAILS) private readonly vapid: VapidDetails,
    private readonly subscribePush: SubscribePushUseCase,
    private readonly unsubscribePush: UnsubscribePushUseCase,
  ) {}

  onModuleInit(): void {
    this.broker.handle(GetPushPublicKey, () =>
      Promise.resolve({ publicKey: this.vapid.publicKey }),
    );
    this.broker.handle(SubscribePush, (request) => this.subscribePush.execute(request));
    this.broker.handle(UnsubscribePush, (request) => this.unsubscribePush.execute(request));
  }
}
