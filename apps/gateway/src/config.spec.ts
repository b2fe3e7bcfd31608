import { ConfigError } from '@fidelis/config';
import { loadGatewayConfig } from './config';

describe('gateway configuration', () => {
  it('derives PUBLIC_BASE_URL from PORT when unset', () => {
    expect(loadGatewayConfig({ PORT: '8080' }).PUBLIC_BASE_URL).toBe('http://localhost:8080');
  });

  it('refuses the development JWT secret in production', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: must be set/);
    expect(loadGatewayConfig({ NODE_ENV: 'production', JWT_SECRET: 's3cret' }).JWT_SECRET).toBe(
      's3cret',
    );
  });

  it('refuses a port that is not a number', () => {
    expect(() => loadGatewayConfig({ PORT: 'http' })).toThrow(/^Invalid environment: PORT: /);
  });
});
