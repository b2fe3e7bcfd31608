import { Public } from '../auth/auth.decorators';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { firstValueFrom } from 'rxjs';
import { ping, ServiceName, SERVICES } from '@fidelis/contracts';
import { BrokerClient } from '@fidelis/runtime';

@ApiTags('Health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly services: BrokerClient,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the gateway process answers' })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: 200 only when all five services answer over the broker' })
  ready() {
    return this.health.check(SERVICES.map((service) => () => this.answersOverBroker(service)));
  }

  private async answersOverBroker(service: ServiceName) {
    const indicator = this.indicators.check(service);
    try {
      await firstValueFrom(this.services.send(ping(service), {}, 2_000));
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
