// The shared table of routing cases: an IR port and requests with the rule
// each must reach (null: 404). Both the reference and the compiled matcher
// run every case (router.test.ts). IR order is precedence order: translate
// sorts matches; the router only honours the order it is given.
import type { IRHttpMatch, IRHttpPort, IRHttpRule, IRPathMatch, IRStringMatch } from '../../ir/types.ts';
import type { RouteRequest } from './request.ts';

export interface RouterCase {
  name: string;
  port: IRHttpPort;
  requests: Array<{ request: RouteRequest; expect: string | null }>;
}

export const exact = (value: string): IRPathMatch => ({ type: 'Exact', value });
export const prefix = (value: string): IRPathMatch => ({ type: 'PathPrefix', value });
export const regex = (value: string): IRPathMatch => ({ type: 'RegularExpression', value });

export interface EntrySpec {
  path: IRPathMatch;
  rule: string;
  method?: string;
  headers?: IRStringMatch[];
  queryParams?: IRStringMatch[];
}

export const entry = (path: IRPathMatch, rule: string, conditions: Omit<EntrySpec, 'path' | 'rule'> = {}): EntrySpec =>
  ({ path, rule, ...conditions });

/** A port from host pattern → entries in precedence order; rules are created per distinct rule name. */
export function buildPort(hosts: Record<string, EntrySpec[]>): IRHttpPort {
  const rules: IRHttpRule[] = [];
  const ruleIndex = new Map<string, number>();
  const indexOf = (name: string): number => {
    let index = ruleIndex.get(name);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(name, index);
      rules.push({ name, route: { kind: 'HTTPRoute', namespace: 'default', name: name.split('/')[0] ?? name }, mirrors: [], backends: [] });
    }
    return index;
  };
  const virtualHosts = Object.entries(hosts).map(([hostname, entries]) => ({
    hostname,
    listener: 'gateway/default/gw/listener/http',
    matches: entries.map((spec): IRHttpMatch => ({
      path: spec.path,
      ...(spec.method === undefined ? {} : { method: spec.method }),
      headers: spec.headers ?? [],
      queryParams: spec.queryParams ?? [],
      rule: indexOf(spec.rule),
    })),
  }));
  return { kind: 'http', name: 'gateway/default/gw/port/80', port: 80, virtualHosts, rules };
}

export function request(path: string, options: Partial<Omit<RouteRequest, 'path'>> = {}): RouteRequest {
  return { method: 'GET', host: 'example.com', query: '', headers: [], ...options, path };
}

const header = (name: string, value: string, type: IRStringMatch['type'] = 'Exact'): IRStringMatch => ({ name, type, value });
const param = header;

export const routerCases: RouterCase[] = [
  {
    name: 'PathPrefix matches whole path elements',
    port: buildPort({ '*': [entry(prefix('/abc'), 'abc'), entry(prefix('/'), 'root')] }),
    requests: [
      { request: request('/abc'), expect: 'abc' },
      { request: request('/abc/'), expect: 'abc' },
      { request: request('/abc/def'), expect: 'abc' },
      { request: request('/abcd'), expect: 'root' },
      { request: request('/ab'), expect: 'root' },
      { request: request('/'), expect: 'root' },
      { request: request('/ABC'), expect: 'root' },
    ],
  },
  {
    name: 'a trailing slash in a prefix is ignored',
    port: buildPort({ '*': [entry(prefix('/abc/'), 'abc'), entry(prefix('/x/y/'), 'xy')] }),
    requests: [
      { request: request('/abc'), expect: 'abc' },
      { request: request('/abc/'), expect: 'abc' },
      { request: request('/abc/d'), expect: 'abc' },
      { request: request('/abcd'), expect: null },
      { request: request('/x/y'), expect: 'xy' },
      { request: request('/x/yz'), expect: null },
      { request: request('/x'), expect: null },
    ],
  },
  {
    name: 'Exact matches only the exact path, case-sensitively',
    port: buildPort({ '*': [entry(exact('/one'), 'one'), entry(exact('/'), 'slash')] }),
    requests: [
      { request: request('/one'), expect: 'one' },
      { request: request('/one/'), expect: null },
      { request: request('/One'), expect: null },
      { request: request('/one/two'), expect: null },
      { request: request('/'), expect: 'slash' },
    ],
  },
  {
    name: 'RegularExpression matches the whole path',
    port: buildPort({ '*': [entry(regex('/v[0-9]+'), 'versioned'), entry(regex('/static/.*\\.css'), 'css')] }),
    requests: [
      { request: request('/v1'), expect: 'versioned' },
      { request: request('/v42'), expect: 'versioned' },
      { request: request('/v1/x'), expect: null },
      { request: request('/x/v1'), expect: null },
      { request: request('/static/a/b.css'), expect: 'css' },
      { request: request('/static/a/b.css.map'), expect: null },
    ],
  },
  {
    name: 'an invalid regular expression never matches; later entries still can',
    port: buildPort({ '*': [entry(regex('/(a'), 'broken'), entry(prefix('/'), 'root')] }),
    requests: [{ request: request('/(a'), expect: 'root' }],
  },
  {
    name: 'the first entry in IR order wins, whatever its kind',
    port: buildPort({
      '*': [
        entry(regex('/a/.*'), 'regex-first'),
        entry(exact('/a/b'), 'exact-later'),
        entry(prefix('/a/b'), 'prefix-later'),
        entry(prefix('/a'), 'short-prefix'),
        entry(exact('/a'), 'exact-after-prefix'),
      ],
    }),
    requests: [
      { request: request('/a/b'), expect: 'regex-first' },
      { request: request('/a'), expect: 'short-prefix' },
      { request: request('/a/'), expect: 'regex-first' },
    ],
  },
  {
    name: 'conditions are ANDed; a failing entry falls through to the next',
    port: buildPort({
      '*': [
        entry(prefix('/'), 'v2-blue', { headers: [header('version', 'two'), header('color', 'blue')] }),
        entry(prefix('/'), 'v2', { headers: [header('version', 'two')] }),
        entry(prefix('/'), 'post', { method: 'POST' }),
        entry(prefix('/'), 'whale', { queryParams: [param('animal', 'whale')] }),
      ],
    }),
    requests: [
      { request: request('/', { headers: ['Version', 'two', 'Color', 'blue'] }), expect: 'v2-blue' },
      { request: request('/', { headers: ['Version', 'two', 'Color', 'orange'] }), expect: 'v2' },
      { request: request('/', { headers: ['Color', 'blue'] }), expect: null },
      { request: request('/', { method: 'POST' }), expect: 'post' },
      { request: request('/', { method: 'post' }), expect: null },
      { request: request('/', { query: 'animal=whale' }), expect: 'whale' },
      { request: request('/', { method: 'POST', query: 'animal=whale' }), expect: 'post' },
    ],
  },
  {
    name: 'header names are case-insensitive, values exact and case-sensitive',
    port: buildPort({ '*': [entry(prefix('/'), 'one', { headers: [header('x-version', 'one')] })] }),
    requests: [
      { request: request('/', { headers: ['X-VERSION', 'one'] }), expect: 'one' },
      { request: request('/', { headers: ['x-version', 'one'] }), expect: 'one' },
      { request: request('/', { headers: ['x-version', 'One'] }), expect: null },
      { request: request('/', { headers: ['x-version', 'one '] }), expect: null },
      { request: request('/', { headers: ['x-versions', 'one'] }), expect: null },
      { request: request('/'), expect: null },
    ],
  },
  {
    name: 'a repeated header is matched as its values joined with ","',
    port: buildPort({
      '*': [
        entry(prefix('/'), 'joined', { headers: [header('x-a', '1,2')] }),
        entry(prefix('/'), 'single', { headers: [header('x-a', '1')] }),
      ],
    }),
    requests: [
      { request: request('/', { headers: ['x-a', '1', 'X-A', '2'] }), expect: 'joined' },
      { request: request('/', { headers: ['x-a', '1'] }), expect: 'single' },
      { request: request('/', { headers: ['x-a', '2', 'x-a', '1'] }), expect: null },
    ],
  },
  {
    name: 'header RegularExpression values match the whole value',
    port: buildPort({ '*': [entry(prefix('/'), 'colour', { headers: [header('color', 'red|yellow', 'RegularExpression')] })] }),
    requests: [
      { request: request('/', { headers: ['Color', 'red'] }), expect: 'colour' },
      { request: request('/', { headers: ['Color', 'yellow'] }), expect: 'colour' },
      { request: request('/', { headers: ['Color', 'redish'] }), expect: null },
      { request: request('/', { headers: ['Color', ''] }), expect: null },
      { request: request('/'), expect: null },
    ],
  },
  {
    name: 'an empty header value is present and matches an empty-accepting regex',
    port: buildPort({ '*': [entry(prefix('/'), 'any', { headers: [header('x-present', '.*', 'RegularExpression')] })] }),
    requests: [
      { request: request('/', { headers: ['X-Present', ''] }), expect: 'any' },
      { request: request('/'), expect: null },
    ],
  },
  {
    name: 'query parameters: exact name, first value, raw (not decoded)',
    port: buildPort({
      '*': [
        entry(prefix('/'), 'dolphin-blue', { queryParams: [param('animal', 'dolphin'), param('color', 'blue')] }),
        entry(prefix('/'), 'whale', { queryParams: [param('animal', 'whale')] }),
        entry(prefix('/'), 'empty', { queryParams: [param('flag', '')] }),
        entry(prefix('/'), 'spaced', { queryParams: [param('q', 'a b', 'RegularExpression')] }),
        entry(prefix('/'), 'encoded', { queryParams: [param('q', 'a%20b')] }),
      ],
    }),
    requests: [
      { request: request('/', { query: 'animal=whale' }), expect: 'whale' },
      { request: request('/', { query: 'animal=whale&otherparam=irrelevant' }), expect: 'whale' },
      { request: request('/', { query: 'animal=dolphin&color=blue' }), expect: 'dolphin-blue' },
      { request: request('/', { query: 'color=blue&animal=dolphin' }), expect: 'dolphin-blue' },
      { request: request('/', { query: 'ANIMAL=whale' }), expect: null },
      { request: request('/', { query: 'animal=Whale' }), expect: null },
      { request: request('/', { query: 'animal=whaledolphin' }), expect: null },
      { request: request('/', { query: 'animal=whale&animal=dolphin' }), expect: 'whale' },
      { request: request('/', { query: 'animal=dolphin&animal=whale' }), expect: null },
      { request: request('/', { query: 'xanimal=whale' }), expect: null },
      { request: request('/', { query: 'flag' }), expect: 'empty' },
      { request: request('/', { query: 'flag=' }), expect: 'empty' },
      { request: request('/', { query: 'q=a%20b' }), expect: 'encoded' },
      { request: request('/', { query: '&&animal=whale&' }), expect: 'whale' },
      { request: request('/'), expect: null },
    ],
  },
  {
    name: 'method matching is exact',
    port: buildPort({ '*': [entry(prefix('/'), 'get', { method: 'GET' }), entry(prefix('/'), 'delete', { method: 'DELETE' })] }),
    requests: [
      { request: request('/', { method: 'GET' }), expect: 'get' },
      { request: request('/', { method: 'DELETE' }), expect: 'delete' },
      { request: request('/', { method: 'HEAD' }), expect: null },
      { request: request('/', { method: 'Get' }), expect: null },
    ],
  },
  {
    name: 'virtual hosts: exact, then the longest wildcard, then "*"',
    port: buildPort({
      'foo.example.com': [entry(prefix('/'), 'exact')],
      '*.example.com': [entry(prefix('/'), 'wildcard')],
      '*.b.example.com': [entry(prefix('/'), 'longer-wildcard')],
      '*': [entry(prefix('/'), 'any')],
    }),
    requests: [
      { request: request('/', { host: 'foo.example.com' }), expect: 'exact' },
      { request: request('/', { host: 'bar.example.com' }), expect: 'wildcard' },
      { request: request('/', { host: 'a.bar.example.com' }), expect: 'wildcard' },
      { request: request('/', { host: 'a.b.example.com' }), expect: 'longer-wildcard' },
      { request: request('/', { host: 'x.a.b.example.com' }), expect: 'longer-wildcard' },
      { request: request('/', { host: 'b.example.com' }), expect: 'wildcard' },
      { request: request('/', { host: 'example.com' }), expect: 'any' },
      { request: request('/', { host: '.example.com' }), expect: 'any' },
      { request: request('/', { host: 'other.org' }), expect: 'any' },
      { request: request('/', { host: '' }), expect: 'any' },
      { request: request('/', { host: '*.example.com' }), expect: 'wildcard' },
    ],
  },
  {
    name: 'no virtual host for the Host means 404, even when another host would match the path',
    port: buildPort({ 'foo.example.com': [entry(prefix('/'), 'foo')], '*.bar.com': [entry(prefix('/'), 'bar')] }),
    requests: [
      { request: request('/', { host: 'foo.example.com' }), expect: 'foo' },
      { request: request('/', { host: 'x.foo.example.com' }), expect: null },
      { request: request('/', { host: 'bar.com' }), expect: null },
      { request: request('/', { host: 'a.bar.com' }), expect: 'bar' },
    ],
  },
  {
    name: 'the selected host does not fall back to a less specific host when its matches fail',
    port: buildPort({ 'foo.example.com': [entry(prefix('/foo'), 'foo')], '*': [entry(prefix('/'), 'any')] }),
    requests: [
      { request: request('/foo', { host: 'foo.example.com' }), expect: 'foo' },
      { request: request('/bar', { host: 'foo.example.com' }), expect: null },
      { request: request('/bar', { host: 'bar.example.com' }), expect: 'any' },
    ],
  },
  {
    name: 'a virtual host without matches answers 404',
    port: buildPort({ 'empty.example.com': [], '*': [entry(prefix('/'), 'any')] }),
    requests: [{ request: request('/', { host: 'empty.example.com' }), expect: null }],
  },
  {
    name: 'the same prefix with different conditions keeps IR order',
    port: buildPort({
      '*': [
        entry(prefix('/api'), 'api-v2', { headers: [header('x-v', '2')] }),
        entry(prefix('/api/users'), 'users'),
        entry(prefix('/api'), 'api'),
      ],
    }),
    requests: [
      { request: request('/api/users', { headers: ['x-v', '2'] }), expect: 'api-v2' },
      { request: request('/api/users/7'), expect: 'users' },
      { request: request('/api/other'), expect: 'api' },
    ],
  },
  {
    name: 'deep and odd paths',
    port: buildPort({ '*': [entry(prefix('/a/b/c'), 'abc'), entry(exact('/a/b/c/'), 'exact-slash'), entry(prefix('/a'), 'a')] }),
    requests: [
      { request: request('/a/b/c/'), expect: 'abc' },
      { request: request('/a/b/c/d/e/f'), expect: 'abc' },
      { request: request('/a/b'), expect: 'a' },
      { request: request('/a//b/c'), expect: 'a' },
      { request: request('*'), expect: null },
      { request: request(''), expect: null },
    ],
  },
  {
    // Above FEW_CHILDREN siblings the trie looks children up by name in a
    // Map; below it, in place: both must keep element boundaries and order.
    name: 'many sibling prefixes: element boundaries, trailing slashes, equal prefixes with conditions',
    port: buildPort({
      'bench.example': [
        entry(prefix('/r1/'), 'r1-post', { method: 'POST' }),
        entry(prefix('/r1'), 'r1-canary', { queryParams: [param('canary', 'yes')] }),
        entry(prefix('/r1/'), 'r1-beta', { headers: [header('x-beta', '1')] }),
        entry(exact('/r1/exact'), 'r1-exact'),
        ...Array.from({ length: 20 }, (_, i) => entry(prefix(`/r${i}/`), `r${i}`)),
        entry(prefix('/r1/deep/er'), 'r1-deeper'),
      ],
    }),
    requests: [
      { request: request('/r1', { host: 'bench.example' }), expect: 'r1' },
      { request: request('/r1/', { host: 'bench.example' }), expect: 'r1' },
      { request: request('/r1/x', { host: 'bench.example', method: 'POST' }), expect: 'r1-post' },
      { request: request('/r1/x', { host: 'bench.example', query: 'canary=yes' }), expect: 'r1-canary' },
      { request: request('/r1/x', { host: 'bench.example', headers: ['X-Beta', '1'] }), expect: 'r1-beta' },
      { request: request('/r1/x', { host: 'bench.example', headers: ['X-Beta', '1'], method: 'POST' }), expect: 'r1-post' },
      { request: request('/r1/exact', { host: 'bench.example', query: 'canary=yes' }), expect: 'r1-canary' },
      { request: request('/r1/exact', { host: 'bench.example' }), expect: 'r1-exact' },
      { request: request('/r1/exact/', { host: 'bench.example' }), expect: 'r1' },
      { request: request('/r1/deep/er/x', { host: 'bench.example' }), expect: 'r1' },
      { request: request('/r10', { host: 'bench.example' }), expect: 'r10' },
      { request: request('/r10x', { host: 'bench.example' }), expect: null },
      { request: request('/r19/item', { host: 'bench.example' }), expect: 'r19' },
      { request: request('/r20/item', { host: 'bench.example' }), expect: null },
      { request: request('/r', { host: 'bench.example' }), expect: null },
      { request: request('/R1/', { host: 'bench.example' }), expect: null },
      { request: request('/r1/x', { host: 'other.example' }), expect: null },
    ],
  },
  {
    name: 'a few sibling prefixes: element boundaries and an empty element',
    port: buildPort({
      '*': [entry(prefix('/foo/bar/'), 'foobar'), entry(prefix('/foo'), 'foo'), entry(prefix('/fo'), 'fo'), entry(prefix('/a//b'), 'empty-element')],
    }),
    requests: [
      { request: request('/foobar'), expect: null },
      { request: request('/foo/barx'), expect: 'foo' },
      { request: request('/foo/bar'), expect: 'foobar' },
      { request: request('/foo/bar/'), expect: 'foobar' },
      { request: request('/fo/'), expect: 'fo' },
      { request: request('/f'), expect: null },
      { request: request('/a//b/c'), expect: 'empty-element' },
      { request: request('/a/b'), expect: null },
    ],
  },
  {
    // Up to FEW_NAMES exact names are compared in place, more go to a Map.
    name: 'exact host names, few and many, with wildcards beside them',
    port: buildPort(Object.fromEntries<EntrySpec[]>([
      ...Array.from({ length: 6 }, (_, i): [string, EntrySpec[]] => [`h${i}.example.com`, [entry(prefix('/'), `h${i}`)]]),
      ['*.example.com', [entry(prefix('/'), 'wild')]],
    ])),
    requests: [
      { request: request('/', { host: 'h0.example.com' }), expect: 'h0' },
      { request: request('/', { host: 'h5.example.com' }), expect: 'h5' },
      { request: request('/', { host: 'h6.example.com' }), expect: 'wild' },
      { request: request('/', { host: 'h5.example.co' }), expect: null },
    ],
  },
  {
    name: 'one exact host name with a wildcard beside it',
    port: buildPort({ 'a.example.com': [entry(prefix('/'), 'a')], '*.example.com': [entry(prefix('/'), 'wild')] }),
    requests: [
      { request: request('/', { host: 'a.example.com' }), expect: 'a' },
      { request: request('/', { host: 'b.example.com' }), expect: 'wild' },
      { request: request('/', { host: 'example.com' }), expect: null },
    ],
  },
];
