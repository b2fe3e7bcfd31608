import { commonEnvironment, loadConfig, twilioEnvironment, url } from '@fidelis/config';
import { EMULATOR_AUTH_TOKEN } from '@fidelis/twilio';
import { z } from 'zod';

export const gatewayEnvironment = commonEnvironment
  .merge(twilioEnvironment)
  .extend({
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** The gateway as Twilio sees it; webhook signatures are checked against it. */
    PUBLIC_BASE_URL: url(['http:', 'https:']).optional(),
    JWT_SECRET: z.string().min(1, 'must not be empty').default('dev-secret'),
  })
  .superRefine((env, context) => {
    if (env.NODE_ENV === 'production' && env.JWT_SECRET === 'dev-secret') {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['JWT_SECRET'],
        message: 'must be set to a secret of your own when NODE_ENV=production',
      });
    }
  })
  .transform((env) => ({
    ...env,
    PUBLIC_BASE_URL: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    TWILIO_AUTH_TOKEN: env.TWILIO_AUTH_TOKEN ?? EMULATOR_AUTH_TOKEN,
  }));

export type GatewayConfig = z.infer<typeof gatewayEnvironment>;

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig =>
  loadConfig(gatewayEnvironment, env);

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
