import {
  commonEnvironment,
  gatewayAddressEnvironment,
  loadConfig,
  publicBaseUrl,
  twilioEnvironment,
} from '@fidelis/config';
import { EMULATOR_AUTH_TOKEN } from '@fidelis/twilio';
import { z } from 'zod';
import { DEFAULT_DASHBOARD_DIR } from './dashboard/serve-dashboard';

export const gatewayEnvironment = commonEnvironment
  .merge(twilioEnvironment)
  .merge(gatewayAddressEnvironment)
  .extend({
    JWT_SECRET: z.string().min(1, 'must not be empty').default('dev-secret'),
    /** The built dashboard the gateway serves at `/`. */
    DASHBOARD_DIR: z.string().min(1, 'must not be empty').default(DEFAULT_DASHBOARD_DIR),
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
    PUBLIC_BASE_URL: publicBaseUrl(env),
    TWILIO_AUTH_TOKEN: env.TWILIO_AUTH_TOKEN ?? EMULATOR_AUTH_TOKEN,
  }));

export type GatewayConfig = z.infer<typeof gatewayEnvironment>;

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig =>
  loadConfig(gatewayEnvironment, env);

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
