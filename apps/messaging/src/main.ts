import 'reflect-metadata';
import { runWorker } from '@fidelis/runtime';
import { loadMessagingConfig } from './config';
import { MessagingModule } from './messaging.module';

runWorker('messaging', () => MessagingModule.forRoot(loadMessagingConfig()));
