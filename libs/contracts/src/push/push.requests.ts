import { Type } from 'class-transformer';
import {
  IsNotEmpty,
  IsObject,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { defineRequest } from '../request-definition';

/** Push services' endpoints are a few hundred characters; anything much longer is not one. */
export const MAX_PUSH_ENDPOINT_LENGTH = 2048;

/**
 * The browser's keys of a push subscription (`PushSubscription.toJSON().keys`), base64url:
 * `p256dh` is an uncompressed P-256 point (65 bytes), `auth` a 16-byte secret.
 */
export class PushSubscriptionKeys {
  @Matches(/^[A-Za-z0-9_-]{87}=?$/, {
    message: 'p256dh must be a base64url P-256 public key (65 bytes)',
  })
  p256dh: string;

  @Matches(/^[A-Za-z0-9_-]{22}(==)?$/, { message: 'auth must be a base64url 16-byte secret' })
  auth: string;
}

export class SubscribePushRequest {
  /** The caller: the subscription is theirs (taken over if another staff member had it). */
  @IsString()
  @IsNotEmpty()
  staffId: string;

  @IsUrl(
    { protocols: ['https'], require_protocol: true, require_tld: false },
    { message: 'endpoint must be an https URL' },
  )
  @MaxLength(MAX_PUSH_ENDPOINT_LENGTH)
  endpoint: string;

  @IsObject()
  @ValidateNested()
  @Type(() => PushSubscriptionKeys)
  keys: PushSubscriptionKeys;
}

export class UnsubscribePushRequest {
  @IsString()
  @IsNotEmpty()
  staffId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PUSH_ENDPOINT_LENGTH)
  endpoint: string;
}

export class PushPublicKeyRequest {}

export interface PushSubscriptionView {
  endpoint: string;
  staffId: string;
  createdAt: string;
  updatedAt: string;
}

/** The VAPID public key the dashboard passes to `pushManager.subscribe({ applicationServerKey })`. */
export const GetPushPublicKey = defineRequest<PushPublicKeyRequest, { publicKey: string }>(
  'notification',
  'get-push-public-key',
  PushPublicKeyRequest,
);
/** Upserts a subscription by endpoint, owned by the caller. */
export const SubscribePush = defineRequest<SubscribePushRequest, PushSubscriptionView>(
  'notification',
  'subscribe-push',
  SubscribePushRequest,
);
/** Removes one of the caller's own subscriptions (PUSH_SUBSCRIPTION_NOT_FOUND otherwise). */
export const UnsubscribePush = defineRequest<UnsubscribePushRequest, { removed: true }>(
  'notification',
  'unsubscribe-push',
  UnsubscribePushRequest,
);
