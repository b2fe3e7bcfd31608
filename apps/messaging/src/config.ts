import { commonEnvironment, loadConfig } from '@fidelis/config';
import { z } from 'zod';

export const messagingEnvironment = commonEnvironment;
export type MessagingConfig = z.infer<typeof messagingEnvironment>;

export const loadMessagingConfig = (env: NodeJS.ProcessEnv = process.env): MessagingConfig =>
  loadConfig(messagingEnvironment, env);
