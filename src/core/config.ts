import { z } from 'zod';

// Environment is parsed once, at start; a bad value stops the process with a readable list.
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  LEADFLOW_DATA_DIR: z.string().min(1).default('./data'),
  LEADFLOW_PUBLIC_URL: z.url().optional(),
  LEADFLOW_ADMIN_EMAIL: z.email().optional(),
  LEADFLOW_ADMIN_PASSWORD: z.string().min(10).optional(),
  LEADFLOW_ORG: z.string().min(1).max(200).optional(),
  LEADFLOW_SESSION_HOURS: z.coerce.number().positive().default(24 * 14),
  LEADFLOW_LOGIN_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(10),
  LEADFLOW_API_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6000),
  LEADFLOW_HSTS: z.enum(['auto', 'on', 'off']).default('auto'),
  LEADFLOW_TRUST_PROXY: z.string().min(1).default('loopback,linklocal,uniquelocal'),
  SMTP_URL: z.string().optional(),
  SMTP_FROM: z.string().default('Leadflow <no-reply@leadflow.local>'),
  LEADFLOW_SECRET_KEY: z.string().min(32, 'Use at least 32 random characters').optional(),
  LEADFLOW_IMPORT_MAX_MB: z.coerce.number().positive().default(500),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string;
  bootstrap: { email: string; password: string; org: string } | undefined;
  sessionHours: number;
  loginLimitPerMinute: number;
  /** Requests a minute one user may make to the API (API key or session); 0 turns the limit off. */
  apiLimitPerMinute: number;
  /** Strict-Transport-Security: `auto` sends it when LEADFLOW_PUBLIC_URL is https. */
  hsts: 'auto' | 'on' | 'off';
  /**
   * Whose X-Forwarded-For to believe for the client's address (rate limits, form submissions):
   * `true`, `false`, or addresses and ranges (proxy-addr names such as `loopback`, CIDRs).
   * Trusting every sender would let a client outside pick its own address and dodge the limits.
   */
  trustProxy: boolean | string;
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** Encrypts stored mail passwords and signs tracking and unsubscribe links (see core/secrets.ts). */
  secretKey: string | undefined;
  logLevel: string;
  /** The largest file an import accepts. */
  importMaxBytes: number;
  production: boolean;
};

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const bootstrapVars = [e.LEADFLOW_ADMIN_EMAIL, e.LEADFLOW_ADMIN_PASSWORD, e.LEADFLOW_ORG];
  const someBootstrap = bootstrapVars.some((v) => v !== undefined);
  if (someBootstrap && !bootstrapVars.every((v) => v !== undefined)) {
    throw new ConfigError(
      'Invalid configuration:\n  LEADFLOW_ADMIN_EMAIL, LEADFLOW_ADMIN_PASSWORD and LEADFLOW_ORG must be set together',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.LEADFLOW_DATA_DIR,
    publicUrl: e.LEADFLOW_PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    bootstrap: someBootstrap
      ? { email: e.LEADFLOW_ADMIN_EMAIL!, password: e.LEADFLOW_ADMIN_PASSWORD!, org: e.LEADFLOW_ORG! }
      : undefined,
    sessionHours: e.LEADFLOW_SESSION_HOURS,
    loginLimitPerMinute: e.LEADFLOW_LOGIN_LIMIT_PER_MINUTE,
    apiLimitPerMinute: e.LEADFLOW_API_LIMIT_PER_MINUTE,
    hsts: e.LEADFLOW_HSTS,
    trustProxy: e.LEADFLOW_TRUST_PROXY === 'true' ? true : e.LEADFLOW_TRUST_PROXY === 'false' ? false : e.LEADFLOW_TRUST_PROXY,
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM,
    secretKey: e.LEADFLOW_SECRET_KEY,
    logLevel: e.LOG_LEVEL,
    importMaxBytes: Math.round(e.LEADFLOW_IMPORT_MAX_MB * 1024 * 1024),
    production: e.NODE_ENV === 'production',
  };
}
