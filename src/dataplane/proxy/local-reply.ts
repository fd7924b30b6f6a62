// Responses Portico writes itself (no route, redirects, errors): a short
// plain-text body saying what happened, never echoing client input.
import type { ClientRequest } from './client-request.ts';

export function localReply(request: ClientRequest, status: number, message: string, headers: readonly string[] = []): void {
  if (message === '') request.respond(status, headers);
  else request.respond(status, ['content-type', 'text/plain; charset=utf-8', ...headers], `${message}\n`);
}
