import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.ts';
import { sameSecret } from './tokens.ts';

// One server secret, two uses: AES-256-GCM for credentials the app must read back (SMTP and IMAP
// passwords), HMAC-SHA-256 for links it hands out and must recognise (tracking, unsubscribe).
// LEADFLOW_SECRET_KEY sets it; several processes on one PostgreSQL must share it. Without it a
// production server keeps a random one in its data directory; development uses a fixed key.
export type Secrets = {
  encrypt: (plain: string) => string;
  decrypt: (sealed: string) => string;
  sign: (payload: object) => string;
  verify: <T>(token: string) => T | null;
};

const DEVELOPMENT_KEY = 'leadflow-development-key-not-for-production-use';
const cache = new Map<string, Secrets>();

function rootKey(config: Pick<Config, 'secretKey' | 'production' | 'dataDir'>): string {
  if (config.secretKey) return config.secretKey;
  if (!config.production) return DEVELOPMENT_KEY;
  const file = join(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx' });
    chmodSync(file, 0o600);
  }
  return readFileSync(file, 'utf8').trim();
}

export function secretsOf(config: Pick<Config, 'secretKey' | 'production' | 'dataDir'>): Secrets {
  const root = rootKey(config);
  const cached = cache.get(root);
  if (cached) return cached;
  const derive = (purpose: string) => createHash('sha256').update(`${purpose}\0${root}`).digest();
  const encryptionKey = derive('encrypt');
  const signingKey = derive('sign');
  const mac = (body: string) => createHmac('sha256', signingKey).update(body).digest('base64url').slice(0, 32);
  const secrets: Secrets = {
    encrypt: (plain) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    decrypt: (sealed) => {
      const raw = Buffer.from(sealed.replace(/^v1\./, ''), 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', encryptionKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
    sign: (payload) => {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${mac(body)}`;
    },
    verify: <T>(token: string) => {
      const [body, signature, extra] = token.split('.');
      if (!body || !signature || extra !== undefined || !sameSecret(signature, mac(body))) return null;
      try {
        return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
      } catch {
        return null;
      }
    },
  };
  cache.set(root, secrets);
  return secrets;
}
