// `portico echo --port N [--name NAME] [--namespace NS] [--bind ADDR] [--tls-cert F --tls-key F [--tls-ca F]]`
import { readFile } from 'node:fs/promises';
import { startEcho } from '../echo/server.ts';
import type { EchoTlsOptions } from '../echo/tls.ts';
import { createLogger } from '../telemetry/log.ts';
import { parse, portFlag, UsageError, withUsage } from './args.ts';
import { untilSignal } from './signals.ts';

const usage = `usage: portico echo [--port N] [--name NAME] [--namespace NS] [--bind ADDR]
                    [--tls-cert FILE --tls-key FILE [--tls-ca FILE]]

A backend that answers every request with JSON describing what it received
(path, host, method, headers, query, body length and SHA-256, who it is) and
echoes WebSocket messages. Request headers steer it: x-echo-status,
x-echo-delay-ms, x-echo-set-header, x-echo-body-size, x-echo-echo-body,
x-echo-close, x-echo-fail-first (see src/echo/README.md).

  --port N        port to listen on (default: $HTTP_PORT, else 3000; 0 = any free port)
  --bind ADDR     address to listen on (default 0.0.0.0)
  --name NAME     reported as "name" (default: $POD_NAME, else "echo")
  --namespace NS  reported as "namespace" (default: $NAMESPACE)
  --tls-cert, --tls-key FILE
                  serve HTTPS with this PEM certificate and key (default:
                  $TLS_SERVER_CERT, $TLS_SERVER_PRIVKEY)
  --tls-ca FILE   check client certificates against this CA when one is
                  presented (default: $TLS_CLIENT_CACERTS)

Like the Gateway API conformance echo server, $POD_NAME, $NAMESPACE,
$SERVICE_NAME and $INGRESS_NAME fill in "pod", "namespace", "service" and "ingress".
`;

async function tlsFiles(cert: string | undefined, key: string | undefined, ca: string | undefined): Promise<EchoTlsOptions | undefined> {
  if (cert === undefined && key === undefined) {
    if (ca !== undefined) throw new UsageError('--tls-ca needs --tls-cert and --tls-key');
    return undefined;
  }
  if (cert === undefined || key === undefined) throw new UsageError('--tls-cert and --tls-key go together');
  return { cert: await readFile(cert), key: await readFile(key), ca: ca === undefined ? undefined : await readFile(ca) };
}

export function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { values } = parse(argv, {
      port: { type: 'string', short: 'p' },
      bind: { type: 'string' },
      name: { type: 'string' },
      namespace: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-ca': { type: 'string' },
    });
    const env = process.env;
    const tls = await tlsFiles(values['tls-cert'] ?? env.TLS_SERVER_CERT, values['tls-key'] ?? env.TLS_SERVER_PRIVKEY, values['tls-ca'] ?? env.TLS_CLIENT_CACERTS);
    const echo = await startEcho({
      port: portFlag('port', values.port ?? env.HTTP_PORT) ?? 3000,
      host: values.bind ?? '0.0.0.0',
      name: values.name ?? env.POD_NAME,
      namespace: values.namespace ?? env.NAMESPACE,
      pod: env.POD_NAME,
      service: env.SERVICE_NAME,
      ingress: env.INGRESS_NAME,
      tls,
    });
    const logger = createLogger({ name: 'portico-echo' });
    logger.info({ url: echo.url, port: echo.port }, 'echo listening');
    await untilSignal();
    await echo.close();
    logger.info({ requests: echo.requests }, 'echo stopped');
    return 0;
  });
}
