// Helpers for the YAML reading tests: a seeded random source and a mutator
// that breaks manifests in the ways people (and editors) do, so the fast
// reader is compared with the yaml package on thousands of near-valid
// inputs, the same ones on every run.

export { seededRandom } from '../../lib/seeded-random.ts';

/** Text that means something to YAML, inserted at random places. */
const TOKENS = [
  ' ', '  ', '\n', ':', ': ', '- ', '-', '#', ' #', '"', "'", '[', ']', '{', '}', ',', '&a ', '*a', '!', '!!str ', '|', '>',
  '\t', '\r\n', '\r', '?', '? ', '~', 'null', 'true', 'False', '0x1F', '0o7', '1e3', '.5', '-0', '\\', '\\n', '\\x4', 'a', '<<',
  '%', '---', '---\n', '...\n', '\uFEFF', '\u0085', 'é',
];

/** `text` with one to `most` random edits: an insertion, a deletion, a repeated line, or a line indented or dedented. */
export function mutate(text: string, random: () => number, most = 3): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  let out = text;
  const edits = 1 + Math.floor(random() * most);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (out.length + 1));
    const lines = out.split('\n');
    const line = Math.floor(random() * lines.length);
    const r = random();
    if (r < 0.35) out = out.slice(0, at) + pick(TOKENS) + out.slice(at);
    else if (r < 0.55) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 3));
    else if (r < 0.7) {
      lines.splice(line, 0, lines[line] ?? '');
      out = lines.join('\n');
    } else if (r < 0.85) {
      lines[line] = (random() < 0.5 ? ' ' : '  ') + (lines[line] ?? '');
      out = lines.join('\n');
    } else {
      lines[line] = (lines[line] ?? '').replace(/^ {1,2}/, '');
      out = lines.join('\n');
    }
  }
  return out;
}

/** Every path to a value inside `value` (the root's is []), plus a missing child of each map. */
export function pathsIn(value: unknown, base: (string | number)[] = []): (string | number)[][] {
  const paths = [base];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...pathsIn(item, [...base, i])));
  else if (typeof value === 'object' && value !== null) {
    paths.push([...base, 'missing-field']);
    for (const [key, item] of Object.entries(value)) paths.push(...pathsIn(item, [...base, key]));
  }
  return paths;
}

/** Manifests in the styles people write: the corpus the mutations start from. */
export const CORPUS: readonly string[] = [
  `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: route-1
  namespace: team-1
  labels: {app: "web", tier: 'front'}
  annotations:
    note: "a \\"quoted\\" value: with colon"
spec:
  parentRefs:
  - name: gw
    sectionName: http
  hostnames: ["a.example.com", b.example.com]
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /svc-1/api   # a comment
      headers:
      - name: x-version
        value: "v2\\t"
    backendRefs:
    - name: svc-1
      port: 8080
      weight: 90
    -   name: svc-2
        port: 0x1F
`,
  `# leading comment
kind: Service
apiVersion: v1
metadata: {name: web, namespace: ns}
spec:
  ports:
  - port: 80
    targetPort: http

  -
    port: 443
    protocol: TCP
  selector:
    app: web
`,
  `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  quoted: 'it''s'
  empty: ""
  tilde: ~
  number: 1.5e3
  url: http://example.com:8080/path#frag
  list: [a, 'b', "c", [d]]
  nested:
    - - x
      - y
    - {k: v}
  key with spaces: value with spaces
  "quoted key": -12
`,
  `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
spec:
  gatewayClassName: portico
  listeners:
    - name: http
      protocol: HTTP
      port: 80
      allowedRoutes:
        namespaces:
          from: Selector
          selector:
            matchLabels:
              shared: "true"
    - name: https
      protocol: HTTPS
      port: 443
      tls:
        certificateRefs:
          - kind: Secret
            name: cert
`,
];
