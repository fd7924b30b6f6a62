// HTTPRoute schema rules (v1.6.1 CRD, experimental channel): one valid and
// one invalid case per rule, with the exact line, field and message.
import { CORS_ORIGIN, DNS_SUBDOMAIN, DURATION, HEADER_NAME, HEADER_VALUE, HOSTNAME, KIND, URL_PATH } from './schema/patterns.ts';
import type { SchemaCase } from './test-support.ts';
import { schemaTable, spec, yaml } from './test-support.ts';

const backend = '{name: svc, port: 80}';
const rule = (text: string) => spec(`rules:\n- ${text}`); // the rule is on line 7
const filter = (text: string) => rule(`filters: [${text}]`);
const match = (text: string) => rule(`matches: [${text}]`);
const many = (n: number, item: string) => Array.from({ length: n }, () => item).join(', ');

const cases: SchemaCase[] = [
  {
    name: 'a complete route loads',
    body: spec(yaml`
      parentRefs:
      - name: gw
        sectionName: http
      hostnames: ["*.example.com", "www.example.com"]
      rules:
      - name: api
        matches:
        - path: {type: PathPrefix, value: /api}
          headers: [{name: x-version, value: "2"}]
          queryParams: [{type: RegularExpression, name: page, value: "[0-9]+"}]
          method: GET
        filters:
        - type: RequestHeaderModifier
          requestHeaderModifier: {set: [{name: x-a, value: one two}], add: [{name: x-b, value: "2"}], remove: [x-c]}
        - type: RequestMirror
          requestMirror: {backendRef: {name: mirror, port: 8080}, fraction: {numerator: 1}}
        - type: RequestMirror
          requestMirror: {backendRef: {name: mirror2, port: 8080}, percent: 5}
        - type: URLRewrite
          urlRewrite: {hostname: internal.example.com, path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}
        - type: CORS
          cors: {allowOrigins: ["https://*.example.com"], allowMethods: [GET, POST], allowHeaders: ["*"], maxAge: 60}
        - type: ExternalAuth
          externalAuth: {protocol: HTTP, backendRef: {name: auth, port: 9000}, http: {path: /check}}
        - type: ExtensionRef
          extensionRef: {group: example.com, kind: Thing, name: t}
        backendRefs:
        - {name: svc, port: 80, weight: 3, filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {remove: [server]}}]}
        - {group: example.com, kind: Backend, name: other}
        timeouts: {request: 10s, backendRequest: 2s}
        retry: {codes: [502, 503], attempts: 3, backoff: 100ms}
        sessionPersistence: {type: Cookie, absoluteTimeout: 1h, cookieConfig: {lifetimeType: Permanent}}
      - matches: [{path: {type: RegularExpression, value: "^/(a|b)+$"}}]
        filters: [{type: RequestRedirect, requestRedirect: {scheme: https, port: 443, statusCode: 301}}]
    `),
  },
  { name: 'spec is required', body: '', error: [1, 'spec', 'required field is missing'] },
  { name: 'a route without rules is valid (the CRD default applies)', body: spec('parentRefs: [{name: gw}]') },
  { name: 'rules must not be an empty list', body: spec('rules: []'), error: [6, 'spec.rules', 'must have at least one item'] },
  { name: 'at most 16 rules', body: spec(`rules: [${many(17, '{}')}]`), error: [6, 'spec.rules', 'must have at most 16 items (has 17)'] },
  {
    name: 'at most 128 matches across rules',
    body: spec(`rules:\n- matches: [${many(64, '{}')}]\n- matches: [${many(64, '{}')}]\n- {}`),
    error: [6, 'spec.rules', 'a route may have at most 128 matches across all its rules (a rule without matches counts as one)'],
  },
  { name: '128 matches across rules is the limit', body: spec(`rules:\n- matches: [${many(64, '{}')}]\n- matches: [${many(64, '{}')}]`) },
  { name: 'at most 64 matches in a rule', body: match(many(65, '{}')), error: [7, 'spec.rules[0].matches', 'must have at most 64 items (has 65)'] },
  {
    name: 'rule names are unique',
    body: spec('rules:\n- name: a\n- name: b\n- name: a'),
    error: [9, 'spec.rules[2].name', 'rule name "a" is used by more than one rule; rule names must be unique within the route'],
  },
  { name: 'rule names are RFC 1123', body: rule('name: Rule_1'), error: [7, 'spec.rules[0].name', `invalid value "Rule_1": must be ${DNS_SUBDOMAIN.describe}`] },

  // hostnames
  { name: 'hostnames are lowercase', body: spec('hostnames: [Example.com]'), error: [6, 'spec.hostnames[0]', `invalid value "Example.com": must be ${HOSTNAME.describe}`] },
  { name: 'hostnames have no port', body: spec('hostnames: ["example.com:80"]'), error: [6, 'spec.hostnames[0]', `invalid value "example.com:80": must be ${HOSTNAME.describe}`] },
  { name: 'a wildcard is only the first label', body: spec('hostnames: ["foo.*.com"]'), error: [6, 'spec.hostnames[0]', `invalid value "foo.*.com": must be ${HOSTNAME.describe}`] },
  { name: 'at most 16 hostnames', body: spec(`hostnames: [${many(17, 'a.com')}]`), error: [6, 'spec.hostnames', 'must have at most 16 items (has 17)'] },

  // parentRefs
  { name: 'parentRefs need a name', body: spec('parentRefs:\n- namespace: infra'), error: [7, 'spec.parentRefs[0].name', 'required field is missing'] },
  {
    name: 'parentRefs to the same parent must differ by sectionName or port',
    body: spec('parentRefs:\n- name: gw\n- name: gw'),
    error: [8, 'spec.parentRefs[1]', 'parentRefs must not repeat: two refer to the same parent with the same sectionName and port'],
  },
  {
    name: 'parentRefs to the same parent all name a sectionName or none does',
    body: spec('parentRefs:\n- name: gw\n  sectionName: http\n- name: gw'),
    error: [9, 'spec.parentRefs[1]', 'parentRefs to the same parent must all set sectionName, or all set port, or neither (to tell them apart)'],
  },
  { name: 'parentRefs to one parent with different sectionNames', body: spec('parentRefs:\n- {name: gw, sectionName: a}\n- {name: gw, sectionName: b}') },
  { name: 'parentRefs to one parent with different ports', body: spec('parentRefs:\n- {name: gw, port: 80}\n- {name: gw, port: 443}') },
  { name: 'parentRefs to same-named parents in other namespaces', body: spec('parentRefs:\n- {name: gw}\n- {name: gw, namespace: infra}') },
  { name: 'parentRef port is 1-65535', body: spec('parentRefs: [{name: gw, port: 0}]'), error: [6, 'spec.parentRefs[0].port', 'invalid value 0: must be between 1 and 65535'] },
  { name: 'parentRef port is an integer', body: spec('parentRefs: [{name: gw, port: "80"}]'), error: [6, 'spec.parentRefs[0].port', 'must be an integer, got the string "80"'] },
  { name: 'parentRef kind format', body: spec('parentRefs: [{name: gw, kind: 9Gateway}]'), error: [6, 'spec.parentRefs[0].kind', `invalid value "9Gateway": must be ${KIND.describe}`] },
  { name: 'useDefaultGateways is All or None', body: spec('useDefaultGateways: Some'), error: [6, 'spec.useDefaultGateways', 'invalid value "Some": must be one of "All", "None"'] },

  // path matches
  { name: 'a path must start with /', body: match('{path: {value: api}}'), error: [7, 'spec.rules[0].matches[0].path.value', "must be an absolute path starting with '/' when type is PathPrefix"] },
  { name: 'an Exact path must not contain //', body: match('{path: {type: Exact, value: /a//b}}'), error: [7, 'spec.rules[0].matches[0].path.value', "must not contain '//' when type is Exact"] },
  { name: 'a path must not contain /./', body: match('{path: {value: /a/./b}}'), error: [7, 'spec.rules[0].matches[0].path.value', "must not contain '/./' when type is PathPrefix"] },
  { name: 'a path must not contain /../', body: match('{path: {value: /a/../b}}'), error: [7, 'spec.rules[0].matches[0].path.value', "must not contain '/../' when type is PathPrefix"] },
  { name: 'a path must not contain %2f', body: match('{path: {value: /a%2fb}}'), error: [7, 'spec.rules[0].matches[0].path.value', "must not contain an encoded '/' (%2f or %2F) when type is PathPrefix"] },
  { name: 'a path must not contain %2F', body: match('{path: {value: /a%2Fb}}'), error: [7, 'spec.rules[0].matches[0].path.value', "must not contain an encoded '/' (%2f or %2F) when type is PathPrefix"] },
  {
    name: 'a path must not contain #',
    body: match('{path: {value: "/a#b"}}'),
    error: [
      [7, 'spec.rules[0].matches[0].path.value', "must not contain '#' when type is PathPrefix"],
      [7, 'spec.rules[0].matches[0].path.value', `must contain only URL path characters (${URL_PATH.describe}) when type is PathPrefix`],
    ],
  },
  { name: 'a path must not end with /..', body: match('{path: {value: /a/..}}'), error: [7, 'spec.rules[0].matches[0].path.value', "must not end with '/..' when type is PathPrefix"] },
  { name: 'a path must not end with /.', body: match('{path: {value: /a/.}}'), error: [7, 'spec.rules[0].matches[0].path.value', "must not end with '/.' when type is PathPrefix"] },
  { name: 'a path uses URL characters only', body: match('{path: {value: "/a b"}}'), error: [7, 'spec.rules[0].matches[0].path.value', `must contain only URL path characters (${URL_PATH.describe}) when type is PathPrefix`] },
  { name: 'a RegularExpression path is not held to path rules', body: match('{path: {type: RegularExpression, value: "a//b/../#"}}') },
  { name: 'a path without value defaults to /', body: match('{path: {type: Exact}}') },
  { name: 'path type is an enum', body: match('{path: {type: Prefix, value: /}}'), error: [7, 'spec.rules[0].matches[0].path.type', 'invalid value "Prefix": must be one of "Exact", "PathPrefix", "RegularExpression"'] },
  { name: 'a path is at most 1024 characters', body: match(`{path: {value: /${'a'.repeat(1024)}}}`), error: [7, 'spec.rules[0].matches[0].path.value', 'must be at most 1024 characters long (is 1025)'] },

  // header, query and method matches
  { name: 'header names are tokens', body: match('{headers: [{name: "x header", value: v}]}'), error: [7, 'spec.rules[0].matches[0].headers[0].name', `invalid value "x header": must be ${HEADER_NAME.describe}`] },
  { name: 'header values have no double spaces', body: match('{headers: [{name: x, value: "a  b"}]}'), error: [7, 'spec.rules[0].matches[0].headers[0].value', `invalid value "a  b": must be ${HEADER_VALUE.describe}`] },
  { name: 'header values have no leading space', body: match('{headers: [{name: x, value: " a"}]}'), error: [7, 'spec.rules[0].matches[0].headers[0].value', `invalid value " a": must be ${HEADER_VALUE.describe}`] },
  { name: 'a header value needs a value', body: match('{headers: [{name: x}]}'), error: [7, 'spec.rules[0].matches[0].headers[0].value', 'required field is missing'] },
  {
    name: 'header names are unique within a match',
    body: match('{headers: [{name: x, value: a}, {name: x, value: b}]}'),
    error: [7, 'spec.rules[0].matches[0].headers[1].name', 'duplicate entry: name "x" is already used by an earlier entry; it must be unique in this list'],
  },
  {
    name: 'query parameter names are unique within a match',
    body: match('{queryParams: [{name: q, value: a}, {name: q, value: b}]}'),
    error: [7, 'spec.rules[0].matches[0].queryParams[1].name', 'duplicate entry: name "q" is already used by an earlier entry; it must be unique in this list'],
  },
  { name: 'query values need not be header-safe', body: match('{queryParams: [{name: q, value: "a  b"}]}') },
  {
    name: 'method is an HTTP method',
    body: match('{method: FETCH}'),
    error: [7, 'spec.rules[0].matches[0].method', 'invalid value "FETCH": must be one of "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"'],
  },

  // filters: type and config
  { name: 'a filter needs a type', body: filter('{requestHeaderModifier: {remove: [x]}}'), error: [7, 'spec.rules[0].filters[0].type', 'required field is missing'] },
  {
    name: 'a filter type names its config',
    body: filter('{type: RequestHeaderModifier}'),
    error: [7, 'spec.rules[0].filters[0].requestHeaderModifier', 'requestHeaderModifier must be set when type is RequestHeaderModifier'],
  },
  {
    name: 'a filter carries only its own config',
    body: filter('{type: ResponseHeaderModifier, responseHeaderModifier: {}, requestHeaderModifier: {}}'),
    error: [7, 'spec.rules[0].filters[0].requestHeaderModifier', 'requestHeaderModifier must not be set when type is ResponseHeaderModifier (it belongs to type RequestHeaderModifier)'],
  },
  { name: 'ExternalAuth needs externalAuth', body: filter('{type: ExternalAuth}'), error: [7, 'spec.rules[0].filters[0].externalAuth', 'externalAuth must be set when type is ExternalAuth'] },
  { name: 'CORS needs cors', body: filter('{type: CORS}'), error: [7, 'spec.rules[0].filters[0].cors', 'cors must be set when type is CORS'] },
  { name: 'ExtensionRef needs extensionRef', body: filter('{type: ExtensionRef}'), error: [7, 'spec.rules[0].filters[0].extensionRef', 'extensionRef must be set when type is ExtensionRef'] },
  { name: 'RequestMirror needs requestMirror', body: filter('{type: RequestMirror}'), error: [7, 'spec.rules[0].filters[0].requestMirror', 'requestMirror must be set when type is RequestMirror'] },
  { name: 'RequestRedirect needs requestRedirect', body: filter('{type: RequestRedirect}'), error: [7, 'spec.rules[0].filters[0].requestRedirect', 'requestRedirect must be set when type is RequestRedirect'] },
  { name: 'URLRewrite needs urlRewrite', body: filter('{type: URLRewrite}'), error: [7, 'spec.rules[0].filters[0].urlRewrite', 'urlRewrite must be set when type is URLRewrite'] },
  {
    name: 'the filter type is an enum',
    body: filter('{type: Rewrite}'),
    error: [7, 'spec.rules[0].filters[0].type', 'invalid value "Rewrite": must be one of "RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "RequestRedirect", "URLRewrite", "ExtensionRef", "CORS", "ExternalAuth"'],
  },
  {
    name: 'RequestRedirect and URLRewrite are not used together',
    body: filter('{type: RequestRedirect, requestRedirect: {}}, {type: URLRewrite, urlRewrite: {}}'),
    error: [7, 'spec.rules[0].filters', 'RequestRedirect and URLRewrite filters cannot be used together'],
  },
  ...(['RequestHeaderModifier', 'ResponseHeaderModifier'] as const).map((type) => {
    const field = type === 'RequestHeaderModifier' ? 'requestHeaderModifier' : 'responseHeaderModifier';
    return {
      name: `${type} is not repeated`,
      body: filter(`{type: ${type}, ${field}: {}}, {type: ${type}, ${field}: {}}`),
      error: [7, 'spec.rules[0].filters[1].type', `the ${type} filter may appear only once in a filters list`] as [number, string, string],
    };
  }),
  {
    name: 'RequestRedirect is not repeated',
    body: filter('{type: RequestRedirect, requestRedirect: {}}, {type: RequestRedirect, requestRedirect: {}}'),
    error: [7, 'spec.rules[0].filters[1].type', 'the RequestRedirect filter may appear only once in a filters list'],
  },
  {
    name: 'URLRewrite is not repeated',
    body: filter('{type: URLRewrite, urlRewrite: {}}, {type: URLRewrite, urlRewrite: {}}'),
    error: [7, 'spec.rules[0].filters[1].type', 'the URLRewrite filter may appear only once in a filters list'],
  },
  {
    name: 'CORS is not repeated',
    body: filter('{type: CORS, cors: {}}, {type: CORS, cors: {}}'),
    error: [7, 'spec.rules[0].filters[1].type', 'the CORS filter may appear only once in a filters list'],
  },
  { name: 'at most 16 filters', body: filter(many(17, '{type: RequestMirror, requestMirror: {backendRef: {name: m, port: 1}}}')), error: [7, 'spec.rules[0].filters', 'must have at most 16 items (has 17)'] },

  // header modifiers
  {
    name: 'header modifier set names are unique',
    body: filter('{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x, value: a}, {name: x, value: b}]}}'),
    error: [7, 'spec.rules[0].filters[0].requestHeaderModifier.set[1].name', 'duplicate entry: name "x" is already used by an earlier entry; it must be unique in this list'],
  },
  {
    name: 'header modifier add names are unique',
    body: filter('{type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: x, value: a}, {name: x, value: b}]}}'),
    error: [7, 'spec.rules[0].filters[0].responseHeaderModifier.add[1].name', 'duplicate entry: name "x" is already used by an earlier entry; it must be unique in this list'],
  },
  {
    name: 'header modifier remove names are unique',
    body: filter('{type: RequestHeaderModifier, requestHeaderModifier: {remove: [x, y, x]}}'),
    error: [7, 'spec.rules[0].filters[0].requestHeaderModifier.remove[2]', 'duplicate value "x": each value may appear only once'],
  },
  {
    name: 'at most 16 headers set',
    body: filter(`{type: RequestHeaderModifier, requestHeaderModifier: {set: [${Array.from({ length: 17 }, (_, i) => `{name: h${i}, value: v}`).join(', ')}]}}`),
    error: [7, 'spec.rules[0].filters[0].requestHeaderModifier.set', 'must have at most 16 items (has 17)'],
  },
  {
    name: 'a header to set needs a value',
    body: filter('{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x, value: ""}]}}'),
    error: [7, 'spec.rules[0].filters[0].requestHeaderModifier.set[0].value', 'must not be empty'],
  },

  // mirror
  {
    name: 'a mirror sets percent or fraction, not both',
    body: filter('{type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}, percent: 10, fraction: {numerator: 1}}}'),
    error: [7, 'spec.rules[0].filters[0].requestMirror', 'set either percent or fraction, not both'],
  },
  {
    name: 'a mirror fraction numerator is at most the denominator',
    body: filter('{type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}, fraction: {numerator: 3, denominator: 2}}}'),
    error: [7, 'spec.rules[0].filters[0].requestMirror.fraction.numerator', 'numerator must be less than or equal to denominator (default 100)'],
  },
  {
    name: 'a mirror fraction numerator is at most the default denominator 100',
    body: filter('{type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}, fraction: {numerator: 101}}}'),
    error: [7, 'spec.rules[0].filters[0].requestMirror.fraction.numerator', 'numerator must be less than or equal to denominator (default 100)'],
  },
  {
    name: 'a mirror percent is at most 100',
    body: filter('{type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}, percent: 101}}'),
    error: [7, 'spec.rules[0].filters[0].requestMirror.percent', 'invalid value 101: must be between 0 and 100'],
  },
  {
    name: 'a mirrored Service needs a port',
    body: filter('{type: RequestMirror, requestMirror: {backendRef: {name: m}}}'),
    error: [7, 'spec.rules[0].filters[0].requestMirror.backendRef.port', 'port is required when the backend is a Service'],
  },
  { name: 'a mirrored non-Service backend needs no port', body: filter('{type: RequestMirror, requestMirror: {backendRef: {group: example.com, kind: Backend, name: m}}}') },

  // redirect and rewrite
  {
    name: 'a redirect cannot be combined with backendRefs',
    body: rule(`filters: [{type: RequestRedirect, requestRedirect: {}}]\n  backendRefs: [${backend}]`),
    error: [7, 'spec.rules[0].filters', 'a RequestRedirect filter cannot be used together with backendRefs'],
  },
  { name: 'a redirect status code is one of the redirect codes', body: filter('{type: RequestRedirect, requestRedirect: {statusCode: 305}}'), error: [7, 'spec.rules[0].filters[0].requestRedirect.statusCode', 'invalid value 305: must be one of 301, 302, 303, 307, 308'] },
  { name: 'a redirect scheme is http or https', body: filter('{type: RequestRedirect, requestRedirect: {scheme: ftp}}'), error: [7, 'spec.rules[0].filters[0].requestRedirect.scheme', 'invalid value "ftp": must be one of "http", "https"'] },
  {
    name: 'a redirect hostname is not a wildcard',
    body: filter('{type: RequestRedirect, requestRedirect: {hostname: "*.example.com"}}'),
    error: [7, 'spec.rules[0].filters[0].requestRedirect.hostname', `invalid value "*.example.com": must be ${DNS_SUBDOMAIN.describe}`],
  },
  { name: 'ReplacePrefixMatch with the default match', body: filter('{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}}') },
  {
    name: 'ReplacePrefixMatch needs a PathPrefix match (redirect)',
    body: rule('matches: [{path: {type: Exact, value: /a}}]\n  filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]'),
    error: [7, 'spec.rules[0].matches', 'a RequestRedirect filter with path.replacePrefixMatch requires exactly one match, with a PathPrefix path'],
  },
  {
    name: 'ReplacePrefixMatch needs exactly one match (rewrite)',
    body: rule('matches: [{path: {value: /a}}, {path: {value: /b}}]\n  filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /c}}}]'),
    error: [7, 'spec.rules[0].matches', 'a URLRewrite filter with path.replacePrefixMatch requires exactly one match, with a PathPrefix path'],
  },
  {
    name: 'ReplacePrefixMatch in a backendRef filter needs one PathPrefix match (rewrite)',
    body: rule('matches: [{path: {type: Exact, value: /a}}]\n  backendRefs: [{name: s, port: 1, filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /c}}}]}]'),
    error: [7, 'spec.rules[0].matches', 'a URLRewrite filter in a backendRef with path.replacePrefixMatch requires exactly one match, with a PathPrefix path'],
  },
  {
    name: 'ReplacePrefixMatch in a backendRef filter needs one PathPrefix match (redirect)',
    body: rule('matches: [{}, {}]\n  backendRefs: [{name: s, port: 1, filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /c}}}]}]'),
    error: [7, 'spec.rules[0].matches', 'a RequestRedirect filter in a backendRef with path.replacePrefixMatch requires exactly one match, with a PathPrefix path'],
  },
  { name: 'ReplaceFullPath works with any match', body: rule('matches: [{path: {type: Exact, value: /a}}, {}]\n  filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /c}}}]') },
  {
    name: 'ReplaceFullPath needs replaceFullPath',
    body: filter('{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath}}}'),
    error: [7, 'spec.rules[0].filters[0].urlRewrite.path.replaceFullPath', 'replaceFullPath is required when type is ReplaceFullPath'],
  },
  {
    name: 'replaceFullPath only with ReplaceFullPath',
    body: filter('{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /, replaceFullPath: /x}}}'),
    error: [7, 'spec.rules[0].filters[0].urlRewrite.path.replaceFullPath', 'replaceFullPath is only allowed when type is ReplaceFullPath'],
  },
  {
    name: 'ReplacePrefixMatch needs replacePrefixMatch',
    body: filter('{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch}}}'),
    error: [7, 'spec.rules[0].filters[0].requestRedirect.path.replacePrefixMatch', 'replacePrefixMatch is required when type is ReplacePrefixMatch'],
  },
  {
    name: 'replacePrefixMatch only with ReplacePrefixMatch',
    body: filter('{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /, replacePrefixMatch: /x}}}'),
    error: [7, 'spec.rules[0].filters[0].requestRedirect.path.replacePrefixMatch', 'replacePrefixMatch is only allowed when type is ReplacePrefixMatch'],
  },

  // CORS
  { name: 'CORS origins: "*" stands alone', body: filter('{type: CORS, cors: {allowOrigins: ["*", "https://a.com"]}}'), error: [7, 'spec.rules[0].filters[0].cors.allowOrigins', '"*" must be the only entry in allowOrigins when present'] },
  { name: 'CORS origins have a scheme', body: filter('{type: CORS, cors: {allowOrigins: [example.com]}}'), error: [7, 'spec.rules[0].filters[0].cors.allowOrigins[0]', `invalid value "example.com": must be ${CORS_ORIGIN.describe}`] },
  { name: 'CORS origins are unique', body: filter('{type: CORS, cors: {allowOrigins: ["https://a.com", "https://a.com"]}}'), error: [7, 'spec.rules[0].filters[0].cors.allowOrigins[1]', 'duplicate value "https://a.com": each value may appear only once'] },
  { name: 'CORS methods: "*" stands alone', body: filter('{type: CORS, cors: {allowMethods: ["*", GET]}}'), error: [7, 'spec.rules[0].filters[0].cors.allowMethods', '"*" must be the only entry in allowMethods when present'] },
  {
    name: 'CORS methods are HTTP methods',
    body: filter('{type: CORS, cors: {allowMethods: [get]}}'),
    error: [7, 'spec.rules[0].filters[0].cors.allowMethods[0]', 'invalid value "get": must be one of "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "*"'],
  },
  { name: 'CORS headers: "*" stands alone', body: filter('{type: CORS, cors: {allowHeaders: ["*", x-a]}}'), error: [7, 'spec.rules[0].filters[0].cors.allowHeaders', '"*" must be the only entry in allowHeaders when present'] },
  { name: 'CORS exposed headers are header names', body: filter('{type: CORS, cors: {exposeHeaders: ["a b"]}}'), error: [7, 'spec.rules[0].filters[0].cors.exposeHeaders[0]', `invalid value "a b": must be ${HEADER_NAME.describe}`] },
  { name: 'CORS maxAge is at least 1', body: filter('{type: CORS, cors: {maxAge: 0}}'), error: [7, 'spec.rules[0].filters[0].cors.maxAge', 'invalid value 0: must be at least 1'] },
  { name: 'CORS allowCredentials is a boolean', body: filter('{type: CORS, cors: {allowCredentials: "yes"}}'), error: [7, 'spec.rules[0].filters[0].cors.allowCredentials', 'must be true or false, got the string "yes"'] },

  // ExternalAuth
  {
    name: 'ExternalAuth GRPC needs grpc',
    body: filter('{type: ExternalAuth, externalAuth: {protocol: GRPC, backendRef: {name: a, port: 1}}}'),
    error: [7, 'spec.rules[0].filters[0].externalAuth.grpc', 'grpc is required when protocol is GRPC'],
  },
  {
    name: 'ExternalAuth grpc only with GRPC',
    body: filter('{type: ExternalAuth, externalAuth: {protocol: HTTP, backendRef: {name: a, port: 1}, http: {}, grpc: {}}}'),
    error: [7, 'spec.rules[0].filters[0].externalAuth.grpc', 'grpc is only allowed when protocol is GRPC'],
  },
  {
    name: 'ExternalAuth HTTP needs http',
    body: filter('{type: ExternalAuth, externalAuth: {protocol: HTTP, backendRef: {name: a, port: 1}}}'),
    error: [7, 'spec.rules[0].filters[0].externalAuth.http', 'http is required when protocol is HTTP'],
  },
  {
    name: 'ExternalAuth http only with HTTP',
    body: filter('{type: ExternalAuth, externalAuth: {protocol: GRPC, backendRef: {name: a, port: 1}, grpc: {}, http: {}}}'),
    error: [7, 'spec.rules[0].filters[0].externalAuth.http', 'http is only allowed when protocol is HTTP'],
  },
  {
    name: 'ExternalAuth needs a backendRef',
    body: filter('{type: ExternalAuth, externalAuth: {protocol: GRPC, grpc: {}}}'),
    error: [7, 'spec.rules[0].filters[0].externalAuth.backendRef', 'required field is missing'],
  },
  { name: 'ExtensionRef needs a group', body: filter('{type: ExtensionRef, extensionRef: {kind: K, name: n}}'), error: [7, 'spec.rules[0].filters[0].extensionRef.group', 'required field is missing'] },

  // backendRefs
  { name: 'a Service backendRef needs a port', body: rule('backendRefs: [{name: svc}]'), error: [7, 'spec.rules[0].backendRefs[0].port', 'port is required when the backend is a Service'] },
  { name: 'an explicit core Service backendRef needs a port', body: rule('backendRefs: [{group: "", kind: Service, name: svc}]'), error: [7, 'spec.rules[0].backendRefs[0].port', 'port is required when the backend is a Service'] },
  { name: 'a weight is at most 1000000', body: rule('backendRefs: [{name: svc, port: 80, weight: 1000001}]'), error: [7, 'spec.rules[0].backendRefs[0].weight', 'invalid value 1000001: must be between 0 and 1000000'] },
  { name: 'a weight of 0 is allowed', body: rule('backendRefs: [{name: svc, port: 80, weight: 0}]') },
  { name: 'at most 16 backendRefs', body: rule(`backendRefs: [${many(17, backend)}]`), error: [7, 'spec.rules[0].backendRefs', 'must have at most 16 items (has 17)'] },
  { name: 'a backendRef name is not empty', body: rule('backendRefs: [{name: "", port: 80}]'), error: [7, 'spec.rules[0].backendRefs[0].name', 'must not be empty'] },

  // timeouts, retry, session persistence
  { name: 'timeouts are GEP-2257 durations', body: rule('timeouts: {request: 1d}'), error: [7, 'spec.rules[0].timeouts.request', `invalid value "1d": must be ${DURATION.describe}`] },
  {
    name: 'backendRequest is not longer than request',
    body: rule('timeouts: {request: 1s, backendRequest: 1500ms}'),
    error: [7, 'spec.rules[0].timeouts.backendRequest', 'backendRequest must not be longer than request (unless request is 0, no timeout)'],
  },
  { name: 'backendRequest may be anything when request is 0', body: rule('timeouts: {request: 0s, backendRequest: 1h}') },
  { name: 'retry codes are unique', body: rule('retry: {codes: [503, 503]}'), error: [7, 'spec.rules[0].retry.codes[1]', 'duplicate value 503: each value may appear only once'] },
  { name: 'retry codes are 400-599', body: rule('retry: {codes: [399]}'), error: [7, 'spec.rules[0].retry.codes[0]', 'invalid value 399: must be between 400 and 599'] },
  { name: 'retry attempts are at least 1', body: rule('retry: {attempts: 0}'), error: [7, 'spec.rules[0].retry.attempts', 'invalid value 0: must be at least 1'] },
  { name: 'retry backoff is a duration', body: rule('retry: {backoff: fast}'), error: [7, 'spec.rules[0].retry.backoff', `invalid value "fast": must be ${DURATION.describe}`] },
  {
    name: 'a Permanent cookie needs absoluteTimeout',
    body: rule('sessionPersistence: {cookieConfig: {lifetimeType: Permanent}}'),
    error: [7, 'spec.rules[0].sessionPersistence.cookieConfig.lifetimeType', 'absoluteTimeout is required when cookieConfig.lifetimeType is Permanent'],
  },
  {
    name: 'cookieConfig only with Cookie sessions',
    body: rule('sessionPersistence: {type: Header, cookieConfig: {lifetimeType: Session}}'),
    error: [7, 'spec.rules[0].sessionPersistence.cookieConfig', 'cookieConfig is only allowed when type is Cookie (the default)'],
  },
  { name: 'session names are at most 128 characters', body: rule(`sessionPersistence: {sessionName: ${'s'.repeat(129)}}`), error: [7, 'spec.rules[0].sessionPersistence.sessionName', 'must be at most 128 characters long (is 129)'] },

  // unknown fields
  {
    name: 'an unknown field is a warning, and the route still loads',
    body: rule(`backendRef: [${backend}]`),
    warning: [7, 'spec.rules[0].backendRef', 'unknown field "backendRef" ignored (did you mean "backendRefs"?)'],
  },
];

schemaTable('gateway.networking.k8s.io/v1', 'HTTPRoute', cases);
schemaTable('gateway.networking.k8s.io/v1beta1', 'HTTPRoute', [
  { name: 'v1beta1 is served with the same schema', body: rule(`backendRefs: [${backend}]`) },
  { name: 'v1beta1 rejects what v1 rejects', body: rule('backendRefs: [{name: svc}]'), error: [7, 'spec.rules[0].backendRefs[0].port', 'port is required when the backend is a Service'] },
]);
