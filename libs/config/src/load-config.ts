import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's schema; its message is one line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * The exit code of a process that refused its environment (sysexits' EX_CONFIG): a supervisor
 * does not start it again, as the same environment would be refused again.
 */
export const CONFIG_REFUSED_EXIT_CODE = 78;

/**
 * Parses the environment with a zod schema. Every problem is named by its variable, in one line,
 * so a service that refuses to start says exactly what to fix.
 */
export function loadConfig<S extends z.ZodTypeAny>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data as z.infer<S>;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`,
  );
  throw new ConfigError(`Invalid environment: ${problems.join('; ')}`);
}
