/**
 * Where to go after signing in: a path inside the app only. "//host" and "/\host" would leave
 * for another site (browsers read a backslash as a slash), so they fall back to Today.
 */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !/^\/[/\\]/.test(next) ? next : '/';
}
