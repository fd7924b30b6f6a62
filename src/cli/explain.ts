// `portico explain --config DIR [-H 'name: value']... [METHOD] URL`: which
// listener, route, rule and backend a request reaches, and why the other
// candidates did not match. Uses the reference matcher (the executable spec),
// which the compiled router is tested to agree with.
import { CONTROLLER_NAME } from '../control/loop.ts';
import type { IRBackendTls, IRGateway, IRHttpPort, IRHttpRule } from '../ir/types.ts';
import { explainRoute } from '../dataplane/router/reference.ts';
import type { ConditionFailure, RouteExplanation } from '../dataplane/router/reference.ts';
import { normalizePath } from '../dataplane/filters/index.ts';
import { loadDirectoryOnce } from '../providers/file/index.ts';
import { translate } from '../translate/index.ts';
import type { StatusUpdate } from '../translate/index.ts';
import { parse, requireFlag, UsageError, withUsage } from './args.ts';
import { findProblems } from './status-table.ts';

const usage = `usage: portico explain --config DIR [--output text|json] [-H 'name: value']... [METHOD] URL

Shows which listener, route, rule and backend the request reaches and why the
other candidates did not match. Example:
  portico explain --config examples/quickstart -H 'x-canary: always' GET http://store.example.com:8080/
`;

interface ParsedRequest {
  method: string;
  host: string;
  port: number;
  path: string;
  query: string;
  headers: string[];
}

export function parseRequest(positionals: string[], headerFlags: string[]): ParsedRequest {
  const [first, second] = positionals;
  const [method, target] = second === undefined ? ['GET', first] : [first ?? 'GET', second];
  if (target === undefined) throw new UsageError('a request URL is required');
  let url: URL;
  try {
    url = new URL(target.includes('://') ? target : `http://${target}`);
  } catch {
    throw new UsageError(`not a URL: "${target}"`);
  }
  const headers: string[] = [];
  for (const flag of headerFlags) {
    const colon = flag.indexOf(':');
    if (colon <= 0) throw new UsageError(`-H needs "name: value", got "${flag}"`);
    headers.push(flag.slice(0, colon).trim(), flag.slice(colon + 1).trim());
  }
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { method: method.toUpperCase(), host: url.hostname.toLowerCase().replace(/\.$/, ''), port, path: url.pathname, query: url.search.slice(1), headers };
}

interface PortExplanation {
  gateway: string;
  port: string;
  explanation: RouteExplanation;
  rule?: { name: string; summary: string[] };
}

function failureText(failure: ConditionFailure): string {
  switch (failure.condition) {
    case 'path':
      return `path ${failure.actual} is not ${failure.type} ${failure.expected}${failure.error ? ` (${failure.error})` : ''}`;
    case 'method':
      return `method ${failure.actual} is not ${failure.expected}`;
    case 'header':
      return `header ${failure.name}: ${failure.actual === null ? 'absent' : `"${failure.actual}"`}, wanted ${failure.type} "${failure.expected}"`;
    case 'queryParam':
      return `query ${failure.name}: ${failure.actual === null ? 'absent' : `"${failure.actual}"`}, wanted ${failure.type} "${failure.expected}"`;
  }
}

function describeRule(gateway: IRGateway, rule: IRHttpRule): string[] {
  const lines: string[] = [];
  if (rule.redirect) lines.push(`redirect ${rule.redirect.statusCode}`);
  if (rule.directResponse) lines.push(`answers ${rule.directResponse.status} directly`);
  if (rule.rewrite) lines.push(`rewrites ${JSON.stringify(rule.rewrite)}`);
  if (rule.cors) lines.push('applies CORS');
  for (const mirror of rule.mirrors) lines.push(`mirrors ${mirror.numerator}/${mirror.denominator} to ${mirror.backend}`);
  const total = rule.backends.reduce((sum, b) => sum + b.weight, 0);
  for (const backend of rule.backends) {
    const share = total === 0 ? 0 : Math.round((backend.weight / total) * 1000) / 10;
    if (backend.backend === undefined) {
      lines.push(`${share}% answered ${backend.status ?? 500} (invalid backendRef)`);
      continue;
    }
    const target = gateway.backends[backend.backend];
    const endpoints = target?.externalName
      ? `DNS ${target.externalName.hostname}:${target.externalName.port}`
      : (target?.endpoints ?? []).map((e) => `${e.address}:${e.port}`).join(', ') || 'no ready endpoints (503)';
    lines.push(`${share}% → ${backend.backend} [${endpoints}]${describeBackendTls(target?.tls)}`);
  }
  return lines;
}

/** How the backend is reached over TLS (BackendTLSPolicy), if it is. */
function describeBackendTls(tls: IRBackendTls | undefined): string {
  if (tls === undefined) return '';
  if (tls.invalid !== undefined) return ` over TLS, unusable: ${tls.invalid} (503)`;
  const identity = tls.subjectAltNames === undefined ? tls.sni : `one of ${tls.subjectAltNames.map((san) => san.value).join(', ')}`;
  const client = tls.clientCertificate === undefined ? '' : `, presenting ${tls.clientCertificate}`;
  return ` over TLS (SNI ${tls.sni}, certificate for ${identity} from ${tls.systemRoots === true ? 'the system roots' : 'the policy CA'}${client})`;
}

function explainPort(gateway: IRGateway, port: IRHttpPort, request: ParsedRequest, path: string): PortExplanation {
  const explanation = explainRoute(port, { method: request.method, host: request.host, path, query: request.query, headers: request.headers });
  const result: PortExplanation = { gateway: gateway.name, port: port.name, explanation };
  const rule = explanation.result ? port.rules[explanation.result.ruleIndex] : undefined;
  if (rule) result.rule = { name: rule.name, summary: describeRule(gateway, rule) };
  return result;
}

function renderText(request: ParsedRequest, results: PortExplanation[], unattached: string[]): string {
  const out: string[] = [`${request.method} http://${request.host}:${request.port}${request.path}${request.query ? `?${request.query}` : ''}`];
  if (results.length === 0) out.push(`  no Gateway listener serves port ${request.port}: connection refused`);
  for (const { gateway, explanation, rule } of results) {
    out.push('', `${gateway}, port ${request.port}`);
    const vhost = explanation.virtualHost;
    if (vhost.hostname === null) {
      out.push(`  no listener/route hostname matches host "${request.host}" → 404`);
      for (const c of vhost.considered) out.push(`    considered ${c.hostname} (${c.listener}): ${c.outcome}`);
      continue;
    }
    out.push(`  host "${request.host}" → ${vhost.hostname} (${vhost.selection} match), ${vhost.listener}`);
    for (const c of vhost.considered.filter((c) => c.outcome === 'less-specific')) out.push(`    also matched, less specific: ${c.hostname}`);
    for (const m of explanation.matches) {
      const path = `${m.path.type} ${m.path.value}`;
      out.push(`  #${m.index} ${m.rule} (${path}): ${m.matched ? 'MATCHED' : failureText(m.failed!)}`);
    }
    if (!rule) out.push('  no match → 404');
    else for (const line of rule.summary) out.push(`  ${line}`);
  }
  if (unattached.length > 0) out.push('', 'not attached (see `portico check`):', ...unattached.map((line) => `  ${line}`));
  return out.join('\n') + '\n';
}

function unattachedRoutes(statuses: StatusUpdate[], gateways: string[]): string[] {
  return findProblems(statuses.filter((s) => s.kind !== 'Gateway' && s.kind !== 'GatewayClass'), CONTROLLER_NAME)
    .filter((problem) => gateways.some((gateway) => problem.object.includes(`→ ${gateway}`)))
    .map((problem) => `${problem.object}: ${problem.detail}`);
}

export function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { values, positionals } = parse(
      argv,
      { config: { type: 'string', short: 'c' }, output: { type: 'string', short: 'o' }, header: { type: 'string', short: 'H', multiple: true } },
      true,
    );
    const output = values.output ?? 'text';
    if (output !== 'text' && output !== 'json') throw new UsageError(`--output must be "text" or "json", got "${output}"`);
    const request = parseRequest(positionals, values.header ?? []);
    const normalized = normalizePath(request.path);
    if ('error' in normalized) {
      process.stdout.write(`400 Bad Request: ${normalized.error}\n`);
      return 0;
    }
    const snapshot = await loadDirectoryOnce(requireFlag('config', values.config));
    const { ir, statuses } = translate(snapshot.resources, { controllerName: CONTROLLER_NAME, now: new Date().toISOString() });
    const results: PortExplanation[] = [];
    for (const gateway of ir.gateways) {
      for (const port of gateway.ports) {
        if (port.kind === 'http' && port.port === request.port) results.push(explainPort(gateway, port, request, normalized.path));
      }
    }
    const unattached = unattachedRoutes(statuses, results.map((r) => r.gateway.replace(/^gateway\//, '')));
    process.stdout.write(output === 'json' ? JSON.stringify({ request, results, unattached }, null, 2) + '\n' : renderText(request, results, unattached));
    return 0;
  });
}
