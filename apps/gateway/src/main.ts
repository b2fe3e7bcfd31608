import 'reflect-metadata';
import { runService } from '@fidelis/runtime';
import { loadGatewayConfig } from './config';
import { createGateway } from './create-gateway';

runService('gateway', async () => {
  const config = loadGatewayConfig();
  const app = await createGateway(config);
  await app.listen(config.PORT);
  return app;
});
