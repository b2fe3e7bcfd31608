import { commonEnvironment, loadConfig } from '@fidelis/config';
import { z } from 'zod';

export const numbersEnvironment = commonEnvironment;
export type NumbersConfig = z.infer<typeof numbersEnvironment>;

export const loadNumbersConfig = (env: NodeJS.ProcessEnv = process.env): NumbersConfig =>
  loadConfig(numbersEnvironment, env);
