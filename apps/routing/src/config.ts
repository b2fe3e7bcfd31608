import { commonEnvironment, loadConfig } from '@fidelis/config';
import { z } from 'zod';

export const routingEnvironment = commonEnvironment;
export type RoutingConfig = z.infer<typeof routingEnvironment>;

export const loadRoutingConfig = (env: NodeJS.ProcessEnv = process.env): RoutingConfig =>
  loadConfig(routingEnvironment, env);
