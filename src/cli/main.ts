// `portico <command>`: dispatches to one module per command (wiring only).
const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  serve: () => import('./serve.ts'),
  check: () => import('./check.ts'),
  explain: () => import('./explain.ts'),
  echo: () => import('./echo.ts'),
  quickstart: () => import('./quickstart.ts'),
};

const usage = `usage: portico <command> [options]

commands:
  serve --config DIR [--admin-port N] [--bind-address ADDR] [--workers N]
        [--access-log] [--route-metrics] [--drain-timeout MS]
                       serve the Gateways in DIR, reloading when files change,
                       with one worker process per core (PORTICO_WORKERS=N)
  check --config DIR [--output json]
                       print the status the controller would write; exit 1 if
                       any gateway or route is not Accepted or has unresolved refs
  explain --config DIR REQUEST
                       show which listener, route, rule and backend REQUEST
                       (e.g. "GET http://example.com/path -H 'x: y'") reaches
  echo --port N [--name NAME]
                       a small backend that answers with the request it saw
  quickstart           serve examples/quickstart with its demo backends
`;

const [name, ...rest] = process.argv.slice(2);
const load = name ? commands[name] : undefined;
if (!load) {
  process.stderr.write(usage);
  process.exitCode = name === undefined || name === '--help' || name === 'help' ? 0 : 2;
} else {
  const command = await load();
  process.exitCode = await command.run(rest);
}
