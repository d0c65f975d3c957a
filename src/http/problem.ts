import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type FieldError } from '../core/errors.ts';

// RFC 9457 problem details: the one shape every error leaves the API in.
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, code: string, detail: string, errors?: FieldError[]): Problem {
  return {
    type: `https://leadflow.dev/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

type ZodIssueLike = { instancePath: string; message: string; keyword: string; params: Record<string, unknown> };

function zodFields(issues: ZodIssueLike[], context: string | undefined): FieldError[] {
  const where = context === 'querystring' ? 'query' : context;
  return issues.flatMap((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const prefix = where && where !== 'body' ? `${where}.` : '';
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params.keys)) {
      return (issue.params.keys as string[]).map((key) => ({
        field: `${prefix}${path ? `${path}.` : ''}${key}`,
        message: 'Unknown field',
      }));
    }
    return [{ field: `${prefix}${path}` || where || 'body', message: issue.message }];
  });
}

const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** The database went away (restart, failover, network): drizzle wraps the driver's error as its `cause`. */
function isDatabaseUnavailable(error: { code?: unknown; message?: string; cause?: unknown }, depth = 0): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  if (
    POSTGRES_UNAVAILABLE.has(code) ||
    NETWORK_ERRORS.has(code) ||
    /^(Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error)/i.test(error.message ?? '')
  ) {
    return true;
  }
  return depth < 3 && typeof error.cause === 'object' && error.cause !== null && isDatabaseUnavailable(error.cause as typeof error, depth + 1);
}

// Values the database refused as data (a number past a column's range, a date it cannot hold, text
// in no encoding, an index entry too large): the caller's input, not our failure. Routes validate
// what they know; this keeps anything they missed a 400 instead of a 500.
const POSTGRES_BAD_VALUE = new Set(['22001', '22003', '22007', '22008', '22021', '22P02', '22P05', '54000']);

function postgresCode(error: unknown): string {
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string' && /^[0-9A-Z]{5}$/.test(own)) return own;
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof cause === 'string' ? cause : '';
}

/**
 * What a failed request leaves in the log. A failed query's error carries its parameters (and its
 * message repeats them): the values of the write, which may be personal data, password hashes or
 * sealed secrets. The log keeps the SQL text, the database's own message and code, and the stack.
 */
export function loggableError(error: unknown): unknown {
  const failed = error as { query?: unknown; params?: unknown; cause?: { message?: unknown }; stack?: unknown; name?: unknown };
  if (typeof failed !== 'object' || failed === null || typeof failed.query !== 'string' || !Array.isArray(failed.params)) return error;
  const cause = typeof failed.cause?.message === 'string' ? failed.cause.message : '';
  return {
    type: typeof failed.name === 'string' ? failed.name : 'Error',
    message: `Failed query: ${failed.query}${cause ? ` (${cause})` : ''}`,
    code: postgresCode(error) || undefined,
    params: `${failed.params.length} values left out`,
    stack: typeof failed.stack === 'string' ? failed.stack.split('\n').filter((line) => /^\s+at /.test(line)).join('\n') : undefined,
  };
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let body: Problem;
    if (error instanceof AppError) {
      body = problem(error.status, error.code, error.message, error.fields);
    } else if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = zodFields(error.validation as unknown as ZodIssueLike[], error.validationContext);
      body = problem(400, 'validation_failed', 'The request has invalid fields', fields);
    } else if (postgresCode(error) === '23505') {
      body = problem(409, 'duplicate', 'A record with the same unique value already exists');
    } else if (POSTGRES_BAD_VALUE.has(postgresCode(error))) {
      request.log.warn({ err: loggableError(error) }, 'database refused a value');
      body = problem(400, 'invalid_value', 'A value is out of range or cannot be stored (too large a number, date or text)');
    } else if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: loggableError(error) }, 'database unavailable');
      body = problem(503, 'database_unavailable', 'The database is not reachable; try again shortly');
      reply.header('retry-after', '2');
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      body = problem(error.statusCode, (error.code ?? 'bad_request').toLowerCase(), error.message);
    } else {
      request.log.error({ err: loggableError(error) }, 'unhandled error');
      body = problem(500, 'internal', 'Something went wrong on our side; it has been logged');
    }
    if (body.status === 429) reply.header('retry-after', reply.getHeader('retry-after') ?? '60');
    return reply.code(body.status).type('application/problem+json').send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    return reply
      .code(404)
      .type('application/problem+json')
      .send(problem(404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
