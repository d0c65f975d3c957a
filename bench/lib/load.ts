import type { EventEmitter } from 'node:events';
import { Agent, request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

export type LoadRequest = {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The path of the next request: called once per request, so each can differ. */
  path: () => string;
  /** The JSON body of the next request, for writes. */
  body?: () => unknown;
};

export type LoadOptions = {
  url: string;
  request: LoadRequest;
  headers?: Record<string, string>;
  seconds: number;
  connections?: number;
  /**
   * Requests per second, evenly spaced. Without it every connection sends its next request as soon
   * as the last is answered, so the server runs flat out and latency is mostly queueing; with it,
   * latency is what a user sees while the server has headroom.
   */
  rate?: number;
  /** Unmeasured load first, so JIT compilation and cold caches do not land in p99. */
  warmupSeconds?: number;
  /** The server's CPU clock, to report CPU per request (see BenchServer.cpuSeconds). */
  serverCpuSeconds?: () => Promise<number | null>;
};

export type LoadMetrics = {
  'req/s': number;
  'p50 ms': number;
  'p99 ms': number;
  'max ms': number;
  requests: number;
  errors: number;
  'non-2xx': number;
  /** Server-process CPU per request (Node only, not the database), when the clock is known. */
  'server CPU ms/req'?: number;
};

/**
 * Drives the server for a fixed time and reports throughput and latency: flat out with autocannon,
 * or at a steady `rate`. Latency is taken from every 2xx response at full precision (autocannon's
 * own histogram keeps whole milliseconds, too coarse for single-digit p50s).
 */
export async function measureLoad(options: LoadOptions): Promise<LoadResult> {
  const run = options.rate ? runPaced : runFlatOut;
  if (options.warmupSeconds) await run(options, options.warmupSeconds);
  const cpuBefore = await options.serverCpuSeconds?.();
  const result = await run(options, options.seconds);
  const cpuAfter = await options.serverCpuSeconds?.();
  if (typeof cpuBefore === 'number' && typeof cpuAfter === 'number' && result.metrics.requests > 0) {
    result.metrics['server CPU ms/req'] = round(((cpuAfter - cpuBefore) * 1000) / result.metrics.requests, 2);
  }
  return result;
}

export type LoadResult = {
  metrics: LoadMetrics;
  /** Non-2xx answers by status, with the first body of each, e.g. `12 × 409 {"code":…}`. */
  failures: string[];
};

function runFlatOut(options: LoadOptions, seconds: number): Promise<LoadResult> {
  const { request } = options;
  const latencies: number[] = [];
  const failures = new Map<number, { count: number; body: string }>();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections ?? 10,
        duration: seconds,
        headers: { ...options.headers, ...(request.body ? { 'content-type': 'application/json' } : {}) },
        requests: [
          {
            method: request.method ?? 'GET',
            setupRequest: (next) => ({ ...next, path: request.path(), ...(request.body ? { body: JSON.stringify(request.body()) } : {}) }),
            onResponse: (status, body) => {
              if (status >= 200 && status < 300) return;
              const seen = failures.get(status);
              if (seen) seen.count++;
              else failures.set(status, { count: 1, body: body.slice(0, 200) });
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve(summarise(latencies, result.duration || seconds, result.errors, failures));
      },
    );
    // The run emits (client, status, bytes, ms); @types/autocannon types only the client's event.
    (instance as unknown as EventEmitter).on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

/**
 * An open-loop load at an even pace (autocannon's own rate limit fires each second's requests in
 * a burst at the start of the second, which measures a queue, not a steady load). Latency runs
 * from when a request was due, so a server that falls behind shows it instead of slowing the
 * generator down.
 */
async function runPaced(options: LoadOptions, seconds: number): Promise<LoadResult> {
  const { request } = options;
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections ?? 10 });
  const latencies: number[] = [];
  const failures = new Map<number, { count: number; body: string }>();
  let errors = 0;
  const interval = 1000 / options.rate!;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let sent = 0; sent * interval < seconds * 1000; sent++) {
    const due = started + sent * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const body = request.body ? JSON.stringify(request.body()) : undefined;
    inFlight.push(
      new Promise<void>((resolve) => {
        const outgoing = httpRequest(
          {
            agent,
            host: target.hostname,
            port: target.port,
            method: request.method ?? 'GET',
            path: request.path(),
            headers: { ...options.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => {
              const status = response.statusCode ?? 0;
              if (status >= 200 && status < 300) latencies.push(performance.now() - due);
              else {
                const seen = failures.get(status);
                if (seen) seen.count++;
                else failures.set(status, { count: 1, body: Buffer.concat(chunks).toString().slice(0, 200) });
              }
              resolve();
            });
          },
        );
        outgoing.on('error', () => {
          errors++;
          resolve();
        });
        outgoing.end(body);
      }),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  return summarise(latencies, (performance.now() - started) / 1000, errors, failures);
}

function summarise(latencies: number[], seconds: number, errors: number, failures: Map<number, { count: number; body: string }>): LoadResult {
  latencies.sort((a, b) => a - b);
  const nonSuccess = [...failures.values()].reduce((sum, f) => sum + f.count, 0);
  return {
    metrics: {
      'req/s': round(latencies.length / seconds, 0),
      'p50 ms': round(percentile(latencies, 0.5), 2),
      'p99 ms': round(percentile(latencies, 0.99), 2),
      'max ms': round(latencies.at(-1) ?? Number.NaN, 1),
      requests: latencies.length + nonSuccess,
      errors,
      'non-2xx': nonSuccess,
    },
    failures: [...failures].map(([status, { count, body }]) => `${count} × ${status} ${body}`),
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** One kind of request in a mixed workload, picked with probability weight / (sum of weights). */
export type MixRoute = {
  name: string;
  weight: number;
  method?: 'GET' | 'POST';
  path: () => string;
  body?: () => unknown;
  /** Per request (each rep sends their own key; each web visitor comes from their own address). */
  headers: () => Record<string, string>;
};

export type MixOptions = {
  /** One or more app processes; the connections are split evenly across them. */
  urls: string[];
  routes: MixRoute[];
  seconds: number;
  connections: number;
  warmupSeconds?: number;
  random: () => number;
};

export type MixResult = {
  total: LoadMetrics;
  routes: { name: string; metrics: LoadMetrics }[];
  /** Non-2xx answers by route and status, with the first body of each. */
  failures: string[];
};

/**
 * Drives a weighted mix of routes flat out with autocannon (one instance per app process, all at
 * once) and reports throughput and latency for the whole mix and for each route.
 */
export async function measureMix(options: MixOptions): Promise<MixResult> {
  if (options.warmupSeconds) await runMix(options, options.warmupSeconds);
  return runMix(options, options.seconds);
}

async function runMix(options: MixOptions, seconds: number): Promise<MixResult> {
  const totalWeight = options.routes.reduce((sum, route) => sum + route.weight, 0);
  const pick = (): MixRoute => {
    let roll = options.random() * totalWeight;
    for (const route of options.routes) {
      roll -= route.weight;
      if (roll < 0) return route;
    }
    return options.routes.at(-1)!;
  };
  const latencies = new Map<string, number[]>(options.routes.map((route) => [route.name, []]));
  const failures = new Map<string, { count: number; body: string }>();
  const failed = new Map<string, number>(options.routes.map((route) => [route.name, 0]));
  let errors = 0;
  const perUrl = Math.max(1, Math.round(options.connections / options.urls.length));
  const started = performance.now();
  await Promise.all(
    options.urls.map(
      (url) =>
        new Promise<void>((resolve, reject) => {
          // autocannon calls onResponse and then emits 'response' for the same answer, synchronously:
          // the route and status noted by the first are what the second's latency belongs to.
          let answered: { route: string; status: number } | null = null;
          const instance = autocannon(
            {
              url,
              connections: perUrl,
              duration: seconds,
              requests: [
                {
                  setupRequest: (request, context) => {
                    const route = pick();
                    (context as { route?: string }).route = route.name;
                    // In this order: a route may choose in path() what its headers and body then use.
                    const path = route.path();
                    const headers = route.headers();
                    const body = route.body ? JSON.stringify(route.body()) : undefined;
                    return {
                      ...request,
                      method: route.method ?? 'GET',
                      path,
                      headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
                      ...(body ? { body } : {}),
                    };
                  },
                  onResponse: (status, body, context) => {
                    const route = (context as { route?: string }).route ?? '?';
                    answered = { route, status };
                    if (status >= 200 && status < 300) return;
                    failed.set(route, (failed.get(route) ?? 0) + 1);
                    const key = `${route}: ${status}`;
                    const seen = failures.get(key);
                    if (seen) seen.count++;
                    else failures.set(key, { count: 1, body: body.slice(0, 160) });
                  },
                },
              ],
            },
            (error, result) => {
              if (error) return reject(error);
              errors += result.errors + result.timeouts;
              resolve();
            },
          );
          (instance as unknown as EventEmitter).on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
            if (answered && statusCode >= 200 && statusCode < 300) latencies.get(answered.route)?.push(responseTime);
            answered = null;
          });
        }),
    ),
  );
  const elapsed = (performance.now() - started) / 1000;
  const routeFailures = (name: string) => new Map(failed.get(name) ? [[0, { count: failed.get(name)!, body: '' }]] : []);
  const all = [...latencies.values()].flat();
  const totalFailures = new Map([...failures.values()].map((f, i) => [i, f] as const));
  return {
    total: summarise(all, elapsed, errors, totalFailures).metrics,
    routes: options.routes.map((route) => ({ name: route.name, metrics: summarise(latencies.get(route.name)!, elapsed, 0, routeFailures(route.name)).metrics })),
    failures: [...failures].map(([key, { count, body }]) => `${count} × ${key} ${body}`),
  };
}
