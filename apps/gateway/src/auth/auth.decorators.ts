import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { Role } from '@fidelis/contracts';

/** The verified caller: `sub` and `role` of their token. */
export interface Caller {
  staffId: string;
  role: Role;
}

export const PUBLIC_ROUTE = 'fidelis:public';
export const ALLOWED_ROLES = 'fidelis:roles';

/** No token needed: Twilio's webhooks (they carry a signature instead) and health checks. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Only these roles may call the route (403 for the others); without it, any staff member may. */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

export const CurrentCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller =>
    context.switchToHttp().getRequest<Request & { caller: Caller }>().caller,
);
