import 'reflect-metadata';
import { runWorker } from '@fidelis/runtime';
import { loadNotificationConfig } from './config';
import { NotificationModule } from './notification.module';

runWorker('notification', () => NotificationModule.forRoot(loadNotificationConfig()));
