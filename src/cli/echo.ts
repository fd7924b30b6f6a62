// `portico echo --port N [--name NAME] [--namespace NS] [--bind ADDR]`
import { startEcho } from '../echo/server.ts';
import { createLogger } from '../telemetry/log.ts';
import { parse, portFlag, withUsage } from './args.ts';
import { untilSignal } from './signals.ts';

const usage = `usage: portico echo [--port N] [--name NAME] [--namespace NS] [--bind ADDR]

A backend that answers every request with JSON describing what it received
(path, host, method, headers, query, body length and SHA-256, who it is) and
echoes WebSocket messages. Request headers steer it: x-echo-status,
x-echo-delay-ms, x-echo-set-header, x-echo-body-size, x-echo-echo-body,
x-echo-close, x-echo-fail-first (see src/echo/README.md).

  --port N        port to listen on (default: $HTTP_PORT, else 3000; 0 = any free port)
  --bind ADDR     address to listen on (default 0.0.0.0)
  --name NAME     reported as "name" (default: $POD_NAME, else "echo")
  --namespace NS  reported as "namespace" (default: $NAMESPACE)

Like the Gateway API conformance echo server, $POD_NAME, $NAMESPACE,
$SERVICE_NAME and $INGRESS_NAME fill in "pod", "namespace", "service" and "ingress".
`;

export function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { values } = parse(argv, {
      port: { type: 'string', short: 'p' },
      bind: { type: 'string' },
      name: { type: 'string' },
      namespace: { type: 'string' },
    });
    const env = process.env;
    const echo = await startEcho({
      port: portFlag('port', values.port ?? env.HTTP_PORT) ?? 3000,
      host: values.bind ?? '0.0.0.0',
      name: values.name ?? env.POD_NAME,
      namespace: values.namespace ?? env.NAMESPACE,
      pod: env.POD_NAME,
      service: env.SERVICE_NAME,
      ingress: env.INGRESS_NAME,
    });
    const logger = createLogger({ name: 'portico-echo' });
    logger.info({ url: echo.url, port: echo.port }, 'echo listening');
    await untilSignal();
    await echo.close();
    logger.info({ requests: echo.requests }, 'echo stopped');
    return 0;
  });
}
