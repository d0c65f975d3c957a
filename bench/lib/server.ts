import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { deferCleanup } from './cleanup.ts';

const cli = fileURLToPath(new URL('../../bin/leadflow.mjs', import.meta.url));

export type BenchServer = {
  url: string;
  pid: number;
  /** Throws, with the end of the server's output, if the server process has died. */
  assertAlive: () => void;
  /** The end of the server's output (warnings and errors: LOG_LEVEL is warn). */
  output: () => string;
  /** The server process's resident-set high-water mark so far, in MB (Linux), or null. */
  peakRssMb: () => Promise<number | null>;
  /**
   * CPU seconds (user + system) the server process has used so far (Linux), or null. Per request it
   * is steadier than latency on a busy machine: waiting for a core costs latency, not CPU.
   */
  cpuSeconds: () => Promise<number | null>;
  stop: () => Promise<void>;
};

/**
 * Starts `leadflow start` as its own process, so the load generator never shares the server's
 * event loop, and resolves once /readyz answers 200.
 */
export async function startBenchServer(env: Record<string, string>, options: { readyTimeoutMs?: number } = {}): Promise<BenchServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [cli, 'start'], {
    // Load runs drive one API key far past the per-user API limit on purpose: it is off here.
    env: { LEADFLOW_API_LIMIT_PER_MINUTE: '0', ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The tail of the server's output, to explain a failed start or a crash mid-run.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = deferCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode} before it was ready:\n${output}`);
    if (await isReady(url)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The server was not ready within ${options.readyTimeoutMs ?? 60_000} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const assertAlive = () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The server died (${child.signalCode ?? `exit code ${child.exitCode}`}) during the run:\n${output}`);
    }
  };
  return { url, pid: child.pid!, assertAlive, output: () => output, peakRssMb: () => peakRssMb(child.pid!), cpuSeconds: () => cpuSeconds(child.pid!), stop };
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function peakRssMb(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

// /proc/<pid>/stat counts in clock ticks, which are 1/100 s on every Linux Node runs on.
const TICKS_PER_SECOND = 100;

async function cpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
