import 'reflect-metadata';
import { runWorker } from '@fidelis/runtime';
import { loadNumbersConfig } from './config';
import { NumbersModule } from './numbers.module';

runWorker('numbers', () => NumbersModule.forRoot(loadNumbersConfig()));
