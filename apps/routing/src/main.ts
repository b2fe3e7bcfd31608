import 'reflect-metadata';
import { runWorker } from '@fidelis/runtime';
import { loadRoutingConfig } from './config';
import { RoutingModule } from './routing.module';

runWorker('routing', () => RoutingModule.forRoot(loadRoutingConfig()));
