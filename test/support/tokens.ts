import jwt from 'jsonwebtoken';
import { Role } from '@fidelis/contracts';

/** A dashboard token as the identity provider issues it (HS256 with the gateway's JWT_SECRET). */
export function tokenFor(staffId: string, role: Role, secret = 'dev-secret'): string {
  return jwt.sign({ sub: staffId, role }, secret, { algorithm: 'HS256', expiresIn: '1h' });
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
