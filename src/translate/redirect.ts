// The Location port of a RequestRedirect (HTTPRequestRedirectFilter.port),
// resolved per listener so the data plane writes it as given: an explicit
// port; else the well-known port of an explicit scheme (http 80, https 443);
// else the listener's port. The port is left out when it is the default port
// of the Location's scheme (the redirect's, else the listener's).
import type { IRRedirect } from '../ir/types.ts';
import type { RedirectTemplate } from './route-model.ts';

const WELL_KNOWN_PORT: Readonly<Record<string, number>> = { http: 80, https: 443 };

export function resolveRedirect(template: RedirectTemplate, listenerScheme: 'http' | 'https', listenerPort: number): IRRedirect {
  const { explicitPort, ...redirect } = template;
  const scheme = template.scheme ?? listenerScheme;
  const port = explicitPort ?? (template.scheme === undefined ? listenerPort : (WELL_KNOWN_PORT[template.scheme] ?? listenerPort));
  const defaultPort = WELL_KNOWN_PORT[scheme] === port;
  return {
    ...(redirect.scheme === undefined ? {} : { scheme: redirect.scheme }),
    ...(redirect.hostname === undefined ? {} : { hostname: redirect.hostname }),
    ...(defaultPort ? {} : { port }),
    ...(redirect.path === undefined ? {} : { path: redirect.path }),
    statusCode: redirect.statusCode,
  };
}
