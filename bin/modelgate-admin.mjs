#!/usr/bin/env node
// Operator commands that wire modelgate to its upstreams. Plain Node 20 ESM, no build; one module per subcommand.
import { EXIT_UNREACHABLE, clean, makeOutput } from './admin/cli.mjs';

/** Subcommand → its module (loaded only when asked for) and the function that runs it. */
const SUBCOMMANDS = {
  'provision-events': {
    summary: "make EventBridge send the projects' Step Functions executions to modelgate",
    run: async (argv, env) => (await import('./admin/provision-events.mjs')).provisionEvents(argv, env),
  },
  'register-mlflow-webhook': {
    summary: 'make MLflow (3.3+) tell modelgate of alias, tag and version changes at once',
    run: async (argv, env) => (await import('./admin/register-mlflow-webhook.mjs')).registerMlflowWebhook(argv, env),
  },
};

const HELP = `modelgate-admin: operator commands for modelgate.

Usage:
  node bin/modelgate-admin.mjs <command> [options]
  node bin/modelgate-admin.mjs <command> --help

Commands:
${Object.entries(SUBCOMMANDS).map(([name, c]) => `  ${name.padEnd(24)}${c.summary}`).join('\n')}
`;

async function main(argv) {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return name === undefined ? EXIT_UNREACHABLE : 0;
  }
  const command = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (!command) {
    // The word may be a pasted secret: never echo it.
    process.stderr.write(`modelgate-admin: unknown command (not shown); one of: ${Object.keys(SUBCOMMANDS).join(', ')}\n`);
    return EXIT_UNREACHABLE;
  }
  return command.run(rest, process.env);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // Any argument may be a secret (--events-key), so each is redacted from the message.
    const env = process.env;
    const out = makeOutput([env.MODELGATE_EVENTS_KEY, env.MODELGATE_API_KEY, env.MLFLOW_WEBHOOK_SECRET, env.MLFLOW_TRACKING_TOKEN, env.MLFLOW_TRACKING_PASSWORD, ...process.argv.slice(3)]);
    out.say(`unexpected error: ${clean(err && err.name)}: ${clean(err && err.message)}`);
    process.exitCode = EXIT_UNREACHABLE;
  },
);
