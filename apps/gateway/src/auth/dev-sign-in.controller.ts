import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { firstValueFrom, forkJoin } from 'rxjs';
import {
  DevSignInView,
  DevStaffView,
  DomainError,
  GetStaff,
  ListNumbers,
  ListStaff,
} from '@fidelis/contracts';
import { BrokerClient } from '@fidelis/runtime';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { Public } from './auth.decorators';

/** As long as a working day: a dev token need not be renewed while someone tries the system. */
const DEV_TOKEN_LIFETIME = '8h';

class DevSignInBody {
  @ApiProperty({ example: 'coach-carla' })
  staffId: string;
}

/**
 * Signing in without the platform's identity provider, to try the system (CONTRACT.md §7). The
 * gateway registers this controller only outside production, so there both addresses are 404.
 */
@ApiTags('Development sign-in')
@Public()
@Controller('api/dev')
export class DevSignInController {
  constructor(
    private readonly services: BrokerClient,
    private readonly jwt: JwtService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('staff')
  @ApiOperation({ summary: 'Whom one may sign in as (not in production)' })
  async staff(): Promise<DevStaffView[]> {
    const [staff, numbers] = await firstValueFrom(
      forkJoin([this.services.send(ListStaff, {}), this.services.send(ListNumbers, {})]),
    );
    const numberOf = new Map(
      numbers
        .filter((number) => number.status === 'active' && number.staffId !== null)
        .map((number) => [number.staffId, number.phoneNumber]),
    );
    return staff.map(({ id, name, role }) => ({
      id,
      name,
      role,
      phoneNumber: numberOf.get(id) ?? null,
    }));
  }

  @Post('sign-in')
  @HttpCode(200)
  @ApiOperation({ summary: 'A dashboard token (8 hours) for a staff member (not in production)' })
  @ApiResponse({ status: 400, description: 'No staffId' })
  @ApiResponse({ status: 404, description: 'Unknown staff member' })
  async signIn(@Body() body: DevSignInBody): Promise<DevSignInView> {
    const staffId: unknown = body?.staffId;
    if (typeof staffId !== 'string' || staffId === '') {
      throw new DomainError('INVALID_INPUT', 'staffId: the id of a staff member is required');
    }
    const staff = await firstValueFrom(this.services.send(GetStaff, { staffId }));
    const token = await this.jwt.signAsync(
      { sub: staff.id, role: staff.role },
      { secret: this.config.JWT_SECRET, algorithm: 'HS256', expiresIn: DEV_TOKEN_LIFETIME },
    );
    return { token };
  }
}
