// HTTPRouteRule timeouts (GEP-1742), retry (GEP-1731) and session persistence.
//
// - Durations are GEP-2257; an invalid one makes the rule invalid. "0s"
//   disables a timeout and is passed on as 0.
// - backendRequest longer than request (unless request is 0) is invalid
//   (HTTPRouteTimeouts).
// - Retry: attempts default to 2 and backoff to 25ms (Envoy Gateway's
//   defaults), codes default to none; connection failures are always retried
//   (HTTPRouteRetry: "SHOULD retry on connection errors").
// - sessionPersistence is not implemented yet. Rather than silently balancing
//   requests the user asked to keep sticky, the rule is reported invalid
//   (UnsupportedValue): a feature a resource uses must be supported for it to
//   be Accepted (GEP-1364).
import type { IRRetry } from '../ir/types.ts';
import type { HTTPRouteRetry, HTTPRouteTimeouts, SessionPersistence } from '../model/gatewayapi.ts';
import { parseDuration } from './duration.ts';
import type { RouteProblem, RuleAction } from './route-model.ts';
import { RouteReason } from './status/reasons.ts';

export const DEFAULT_RETRY_ATTEMPTS = 2;
export const DEFAULT_RETRY_BACKOFF_MS = 25;

type Result<T> = { ok: true; value: T } | { ok: false; problem: RouteProblem };

function invalid(message: string): { ok: false; problem: RouteProblem } {
  return { ok: false, problem: { reason: RouteReason.UnsupportedValue, message } };
}

function duration(text: string, field: string): Result<number> {
  const ms = parseDuration(text);
  return ms === undefined ? invalid(`${field} "${text}" is not a duration such as 10s, 1m30s or 500ms (GEP-2257)`) : { ok: true, value: ms };
}

export function compileTimeouts(timeouts: HTTPRouteTimeouts | undefined): Result<RuleAction['timeouts']> {
  if (timeouts === undefined || (timeouts.request === undefined && timeouts.backendRequest === undefined)) return { ok: true, value: undefined };
  const value: NonNullable<RuleAction['timeouts']> = {};
  if (timeouts.request !== undefined) {
    const request = duration(timeouts.request, 'timeouts.request');
    if (!request.ok) return request;
    value.requestMs = request.value;
  }
  if (timeouts.backendRequest !== undefined) {
    const backend = duration(timeouts.backendRequest, 'timeouts.backendRequest');
    if (!backend.ok) return backend;
    value.backendRequestMs = backend.value;
  }
  if (value.requestMs !== undefined && value.requestMs !== 0 && value.backendRequestMs !== undefined && value.backendRequestMs > value.requestMs) {
    return invalid('timeouts.backendRequest must not be longer than timeouts.request');
  }
  return { ok: true, value };
}

export function compileRetry(retry: HTTPRouteRetry | undefined): Result<IRRetry | undefined> {
  if (retry === undefined) return { ok: true, value: undefined };
  const codes = [...new Set(retry.codes ?? [])].sort((a, b) => a - b);
  const badCode = codes.find((code) => !Number.isInteger(code) || code < 400 || code > 599);
  if (badCode !== undefined) return invalid(`retry code ${badCode} is not an HTTP status between 400 and 599`);
  const attempts = retry.attempts ?? DEFAULT_RETRY_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 1) return invalid(`retry.attempts ${attempts} must be at least 1`);
  let backoffMs = DEFAULT_RETRY_BACKOFF_MS;
  if (retry.backoff !== undefined) {
    const backoff = duration(retry.backoff, 'retry.backoff');
    if (!backoff.ok) return backoff;
    backoffMs = backoff.value;
  }
  return { ok: true, value: { codes, attempts, backoffMs, onConnectFailure: true } };
}

export function checkSessionPersistence(sessionPersistence: SessionPersistence | undefined): RouteProblem | undefined {
  return sessionPersistence === undefined
    ? undefined
    : { reason: RouteReason.UnsupportedValue, message: 'sessionPersistence is not supported by Portico yet' };
}
