import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { Role, ROLES } from '@fidelis/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { ALLOWED_ROLES, Caller, PUBLIC_ROUTE } from './auth.decorators';

/**
 * Every route needs a valid dashboard token (HS256 with JWT_SECRET, `sub` = staff id, a known
 * `role`) unless marked @Public(); @Roles() narrows who may call it. 401 for a missing or invalid
 * token, 403 for a role that may not.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { caller?: Caller }>();
    const caller = this.verify(this.tokenOf(request));
    request.caller = caller;

    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (allowed && !allowed.includes(caller.role)) {
      throw new ForbiddenException(`this needs one of the roles: ${allowed.join(', ')}`);
    }
    return true;
  }

  private tokenOf(request: Request): string {
    const header = request.header('authorization');
    if (header) {
      const [scheme, token] = header.split(' ');
      if (scheme?.toLowerCase() === 'bearer' && token) return token;
      throw new UnauthorizedException('Authorization must be "Bearer <token>"');
    }
    // EventSource cannot send headers: the token may come as ?access_token= instead.
    const query = request.query.access_token;
    if (typeof query === 'string' && query) return query;
    throw new UnauthorizedException('a bearer token is required');
  }

  private verify(token: string): Caller {
    let claims: { sub?: unknown; role?: unknown };
    try {
      claims = this.jwt.verify(token, { secret: this.config.JWT_SECRET, algorithms: ['HS256'] });
    } catch (error) {
      throw new UnauthorizedException(`invalid token: ${(error as Error).message}`);
    }
    if (typeof claims.sub !== 'string' || claims.sub === '') {
      throw new UnauthorizedException('invalid token: no staff id (sub)');
    }
    if (!ROLES.includes(claims.role as Role)) {
      throw new UnauthorizedException('invalid token: unknown role');
    }
    return { staffId: claims.sub, role: claims.role as Role };
  }
}
