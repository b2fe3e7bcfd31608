import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** Twilio's official OpenAPI description of the 2010-04-01 API. */
const SPEC_PATH = '/work/shared/twilio/twilio_api_v2010.json';

interface OpenApiSchema {
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}
interface OpenApiDocument {
  components: { schemas: Record<string, OpenApiSchema> };
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
}
interface ResponseObject {
  content?: Record<string, { schema: OpenApiSchema }>;
}

const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as OpenApiDocument;

const RFC_2822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/;

const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
addFormats(ajv);
// Twilio's own formats.
// Twilio's `phone-number` covers formatted numbers too: its own examples give friendly_name
// "(808) 925-1571" under that format. So: E.164, or a number libphonenumber reads as valid.
ajv.addFormat(
  'phone-number',
  (s: string) =>
    /^\+[1-9]\d{1,14}$/.test(s) || parsePhoneNumberFromString(s, 'US')?.isValid() === true,
);
ajv.addFormat(
  'date-time-rfc-2822',
  (s: string) => RFC_2822.test(s) && !Number.isNaN(Date.parse(s)),
);
// Twilio's URIs are relative to https://api.twilio.com, and unset URL fields are "" (as in its examples).
ajv.addFormat('uri', (s: string) => s === '' || s.startsWith('/') || URL.canParse(s));
ajv.addFormat('currency', /^[A-Za-z]{3}$/);
ajv.addFormat('iso-country-code', /^[A-Z]{2}$/);
ajv.addFormat('http-method', /^(GET|POST|PUT|DELETE|HEAD|PATCH)$/);
for (const opaque of [
  'uri-map',
  'phone-number-capabilities',
  'ice-server',
  'endpoint',
  'twiml',
  'int64',
  'int32',
]) {
  ajv.addFormat(opaque, true);
}

const cache = new Map<string, ValidateFunction>();

/** Compiles a schema with the whole document's components, so `#/components/schemas/…` resolves. */
function validatorFor(key: string, schema: OpenApiSchema): ValidateFunction {
  let validate = cache.get(key);
  if (!validate) {
    validate = ajv.compile({ ...schema, components: spec.components });
    cache.set(key, validate);
  }
  return validate;
}

export function componentSchema(name: string): OpenApiSchema {
  const schema = spec.components.schemas[name];
  if (!schema) throw new Error(`No schema ${name} in Twilio's description`);
  return schema;
}

/** Asserts that `body` is valid against `components.schemas[name]` and has exactly its fields. */
export function expectTwilioResource(name: string, body: unknown): void {
  const validate = validatorFor(name, componentSchema(name));
  expect({ valid: validate(body), errors: validate.errors ?? null }).toEqual({
    valid: true,
    errors: null,
  });
  const expectedKeys = Object.keys(componentSchema(name).properties ?? {}).sort();
  expect(Object.keys(body as object).sort()).toEqual(expectedKeys);
}

/** Asserts that `body` is valid against the response schema of an operation in Twilio's description. */
export function expectTwilioResponse(
  path: string,
  method: 'get' | 'post',
  status: string,
  body: unknown,
): void {
  const schema =
    spec.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`No ${status} response schema for ${method.toUpperCase()} ${path}`);
  const validate = validatorFor(`${method} ${path} ${status}`, schema);
  expect({ valid: validate(body), errors: validate.errors ?? null }).toEqual({
    valid: true,
    errors: null,
  });
}

export const TWILIO_PATHS = {
  messages: '/2010-04-01/Accounts/{AccountSid}/Messages.json',
  message: '/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json',
  incomingNumbers: '/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json',
  incomingNumber: '/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json',
  availableLocal:
    '/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/Local.json',
} as const;
