// The one error type the app throws on purpose. The HTTP layer turns it into problem+json;
// anything else is a bug and becomes a logged 500 with no details sent.
export type FieldError = { field: string; message: string };

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
  }
}

export const badRequest = (message: string, fields?: FieldError[]) =>
  new AppError(400, 'bad_request', message, fields);
export const validationFailed = (fields: FieldError[]) =>
  new AppError(400, 'validation_failed', 'The request has invalid fields', fields);
export const unauthorized = (message = 'Sign in or send an API key') =>
  new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'Your role does not allow this') => new AppError(403, 'forbidden', message);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, code = 'conflict') => new AppError(409, code, message);
export const preconditionFailed = (message: string) => new AppError(412, 'precondition_failed', message);
