import {
  commonEnvironment,
  gatewayAddressEnvironment,
  loadConfig,
  phoneEnvironment,
  publicBaseUrl,
  twilioEnvironment,
} from '@fidelis/config';
import { EMULATOR_ACCOUNT_SID, EMULATOR_AUTH_TOKEN } from '@fidelis/twilio';
import { z } from 'zod';

export const numbersEnvironment = commonEnvironment
  .merge(twilioEnvironment)
  .merge(gatewayAddressEnvironment)
  .merge(phoneEnvironment)
  .transform((env) => ({
    ...env,
    PUBLIC_BASE_URL: publicBaseUrl(env),
    TWILIO_ACCOUNT_SID: env.TWILIO_ACCOUNT_SID ?? EMULATOR_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: env.TWILIO_AUTH_TOKEN ?? EMULATOR_AUTH_TOKEN,
  }));
export type NumbersConfig = z.infer<typeof numbersEnvironment>;

export const loadNumbersConfig = (env: NodeJS.ProcessEnv = process.env): NumbersConfig =>
  loadConfig(numbersEnvironment, env);

export const NUMBERS_CONFIG = Symbol('NUMBERS_CONFIG');
