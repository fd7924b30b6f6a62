// One HTTP port of a Gateway → IRHttpPort (see ir/types.ts).
//
// Virtual hosts: one per host pattern on the port, from listener hostnames
// and from the hostnames routes serve through them. A pattern is served by
// the most specific listener whose hostname covers it (Listener Isolation:
// "foo.example.com" traffic only reaches the foo.example.com listener's
// routes), and its matches are every match of that listener's routes whose
// hostname covers the pattern, in precedence order (precedence.ts). Each
// listener's own pattern gets a virtual host even without routes, so its
// hosts answer 404 instead of reaching a less specific listener.
//
// Rules: one per route rule on the port, shared by the matches of all
// virtual hosts; the RequestRedirect port is resolved for this port.
import type { IRBackend, IRHttpMatch, IRHttpPort, IRHttpRule, IRVirtualHost } from '../ir/types.ts';
import { ANY_HOST, coveringPatterns } from './hostname.ts';
import type { ListenerContext } from './listener.ts';
import type { MatchEntry } from './precedence.ts';
import { compareMatchEntries } from './precedence.ts';
import { resolveRedirect } from './redirect.ts';
import type { CompiledRoute, CompiledRule } from './route-model.ts';
import { routeKey } from './route-model.ts';

/** A route attached to one listener, with the host patterns it serves there. */
export interface AttachedRoute {
  route: CompiledRoute;
  hostnames: ReadonlySet<string>;
}

export interface ServedListener {
  listener: ListenerContext;
  /** Attached routes, by routeKey. */
  routes: ReadonlyMap<string, AttachedRoute>;
}

function ruleName(route: CompiledRoute, rule: CompiledRule): string {
  return `${route.irName}/rule/${rule.index}`;
}

function buildRule(route: CompiledRoute, rule: CompiledRule, port: number): IRHttpRule {
  const action = rule.action;
  const { kind, namespace, name } = route.info;
  return {
    name: ruleName(route, rule),
    route: { kind: kind === 'GRPCRoute' ? 'GRPCRoute' : 'HTTPRoute', namespace, name },
    ...(rule.ruleName === undefined ? {} : { ruleName: rule.ruleName }),
    ...(action.requestHeaders === undefined ? {} : { requestHeaders: action.requestHeaders }),
    ...(action.responseHeaders === undefined ? {} : { responseHeaders: action.responseHeaders }),
    ...(action.redirect === undefined ? {} : { redirect: resolveRedirect(action.redirect, 'http', port) }),
    ...(action.rewrite === undefined ? {} : { rewrite: action.rewrite }),
    mirrors: action.mirrors,
    ...(action.cors === undefined ? {} : { cors: action.cors }),
    ...(action.directResponse === undefined ? {} : { directResponse: action.directResponse }),
    backends: action.backends,
    ...(action.timeouts === undefined ? {} : { timeouts: action.timeouts }),
    ...(action.retry === undefined ? {} : { retry: action.retry }),
  };
}

function validRules(route: CompiledRoute): CompiledRule[] {
  return route.rules.filter((rule) => rule.invalid === undefined);
}

export function buildHttpPort(gatewayIrName: string, port: number, served: readonly ServedListener[]): { port: IRHttpPort; backends: IRBackend[] } {
  // Rules, in route then rule order.
  const routes = new Map<string, CompiledRoute>();
  for (const { routes: attached } of served) for (const [key, { route }] of attached) routes.set(key, route);
  const rules: IRHttpRule[] = [];
  const ruleIndex = new Map<string, number>();
  const backends: IRBackend[] = [];
  for (const key of [...routes.keys()].sort()) {
    const route = routes.get(key);
    if (route === undefined) continue;
    for (const rule of validRules(route)) {
      ruleIndex.set(ruleName(route, rule), rules.length);
      rules.push(buildRule(route, rule, port));
      backends.push(...rule.backends);
    }
  }

  // Host patterns and the listener that serves each.
  const listenerByPattern = new Map<string, ServedListener>();
  const routesByHost = new Map<ServedListener, Map<string, AttachedRoute[]>>();
  const patterns = new Set<string>();
  for (const entry of served) {
    const pattern = entry.listener.hostname ?? ANY_HOST;
    listenerByPattern.set(pattern, entry);
    patterns.add(pattern);
    const byHost = new Map<string, AttachedRoute[]>();
    for (const attached of entry.routes.values()) {
      for (const hostname of attached.hostnames) {
        patterns.add(hostname);
        const list = byHost.get(hostname);
        if (list === undefined) byHost.set(hostname, [attached]);
        else list.push(attached);
      }
    }
    routesByHost.set(entry, byHost);
  }

  const virtualHosts: IRVirtualHost[] = [];
  for (const pattern of [...patterns].sort()) {
    const covering = coveringPatterns(pattern);
    const owner = covering.map((p) => listenerByPattern.get(p)).find((l) => l !== undefined);
    if (owner === undefined) continue;
    const byHost = routesByHost.get(owner) ?? new Map<string, AttachedRoute[]>();
    const entries: MatchEntry[] = [];
    const seen = new Set<string>();
    // Most specific covering pattern first: a route counts with its most specific matching hostname.
    for (const hostname of covering) {
      for (const { route } of byHost.get(hostname) ?? []) {
        const key = routeKey(route.info);
        if (seen.has(key)) continue;
        seen.add(key);
        for (const rule of validRules(route)) {
          rule.matches.forEach((match, matchIndex) => entries.push({ route: route.info, hostname, ruleIndex: rule.index, matchIndex, match }));
        }
      }
    }
    entries.sort(compareMatchEntries);
    const matches: IRHttpMatch[] = entries.map((entry) => {
      const route = routes.get(routeKey(entry.route));
      const index = route === undefined ? undefined : ruleIndex.get(`${route.irName}/rule/${entry.ruleIndex}`);
      if (index === undefined) throw new Error(`translate bug: no IR rule for ${routeKey(entry.route)} rule ${entry.ruleIndex}`);
      return { ...entry.match.ir, rule: index };
    });
    virtualHosts.push({ hostname: pattern, listener: owner.listener.irName, matches });
  }

  return { port: { kind: 'http', name: `${gatewayIrName}/port/${port}`, port, virtualHosts, rules }, backends };
}
