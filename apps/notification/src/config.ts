import { commonEnvironment, loadConfig } from '@fidelis/config';
import { z } from 'zod';

export const notificationEnvironment = commonEnvironment;
export type NotificationConfig = z.infer<typeof notificationEnvironment>;

export const loadNotificationConfig = (env: NodeJS.ProcessEnv = process.env): NotificationConfig =>
  loadConfig(notificationEnvironment, env);
