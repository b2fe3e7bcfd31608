import 'reflect-metadata';
import { runService } from '@fidelis/runtime';
import { loadGatewayConfig } from './config';
import { createGateway, listenGateway } from './create-gateway';

runService('gateway', async () => {
  const config = loadGatewayConfig();
  const app = await createGateway(config);
  await listenGateway(app, config.PORT);
  return app;
});
