import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiProperty,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Observable, firstValueFrom } from 'rxjs';
import {
  GetPushPublicKey,
  PushSubscriptionKeys,
  PushSubscriptionView,
  SubscribePush,
  UnsubscribePush,
} from '@fidelis/contracts';
import { BrokerClient } from '@fidelis/runtime';
import { Caller, CurrentCaller } from '../auth/auth.decorators';

// Shapes for the API description; the notification service validates every field (400).

class PushKeysBody {
  @ApiProperty({ description: 'base64url P-256 public key of the browser (65 bytes)' })
  p256dh: string;

  @ApiProperty({ description: 'base64url authentication secret (16 bytes)' })
  auth: string;
}

export class PushSubscriptionBody {
  @ApiProperty({ example: 'https://fcm.googleapis.com/fcm/send/dU4…', description: 'https only' })
  endpoint: string;

  @ApiProperty({ type: PushKeysBody })
  keys: PushKeysBody;
}

export class PushEndpointBody {
  @ApiProperty({ example: 'https://fcm.googleapis.com/fcm/send/dU4…' })
  endpoint: string;
}

/** The caller's Web Push subscriptions (`PushSubscription.toJSON()` of the dashboard's browser). */
@ApiTags('Web Push')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid token' })
@Controller('api/push')
export class PushController {
  constructor(private readonly services: BrokerClient) {}

  @Get('public-key')
  @ApiOperation({
    summary: 'The VAPID public key, the applicationServerKey of pushManager.subscribe',
  })
  publicKey(): Observable<{ publicKey: string }> {
    return this.services.send(GetPushPublicKey, {});
  }

  @Post('subscriptions')
  @ApiOperation({
    summary: "Keep a browser's push subscription for the caller (upsert by endpoint)",
  })
  @ApiBody({ type: PushSubscriptionBody })
  @ApiResponse({ status: 201, description: 'Kept' })
  @ApiResponse({ status: 400, description: 'endpoint not an https URL, or keys malformed' })
  subscribe(
    @CurrentCaller() caller: Caller,
    @Body() body: PushSubscriptionBody | undefined,
  ): Observable<PushSubscriptionView> {
    return this.services.send(SubscribePush, {
      staffId: caller.staffId,
      endpoint: body?.endpoint as string,
      keys: body?.keys as PushSubscriptionKeys,
    });
  }

  @Delete('subscriptions')
  @HttpCode(204)
  @ApiOperation({ summary: "Remove one of the caller's own subscriptions" })
  @ApiBody({ type: PushEndpointBody })
  @ApiResponse({ status: 204, description: 'Removed' })
  @ApiResponse({ status: 404, description: 'The caller has no subscription with this endpoint' })
  async unsubscribe(
    @CurrentCaller() caller: Caller,
    @Body() body: PushEndpointBody | undefined,
  ): Promise<void> {
    await firstValueFrom(
      this.services.send(UnsubscribePush, {
        staffId: caller.staffId,
        endpoint: body?.endpoint as string,
      }),
    );
  }
}
