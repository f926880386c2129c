// Which state machine each project runs: the ARN its config names, else the one of that name (ListStateMachines).
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { AdminError, EXIT_UNREACHABLE, clean } from './cli.mjs';
import { callAws } from './aws-errors.mjs';

/** Region, credentials and AWS_ENDPOINT_URL_SFN as the SDK finds them. */
export function createSfnClient() {
  return new SFNClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 3000, requestTimeout: 10_000 } });
}

/** Each project's resolved state machine (name, and ARN when its config names one), read from modelgate. */
export async function readProjects(modelgate) {
  const projects = [];
  for (const summary of await modelgate.listProjects()) {
    const project = await modelgate.project(summary.name);
    if (project === undefined) continue; // deleted since it was listed
    const resolved = project.resolved;
    if (!resolved || typeof resolved.state_machine_name !== 'string') {
      throw new AdminError(`modelgate's GET /projects/${clean(summary.name)} answered no resolved.state_machine_name`, EXIT_UNREACHABLE);
    }
    projects.push({ name: project.name, stateMachineName: resolved.state_machine_name, stateMachineArn: resolved.state_machine_arn });
  }
  return projects;
}

async function stateMachinesByName(sfn) {
  const byName = new Map();
  let token;
  do {
    const page = await callAws('ListStateMachines', () => sfn.send(new ListStateMachinesCommand({ maxResults: 1000, nextToken: token })));
    for (const machine of page.stateMachines ?? []) byName.set(machine.name, machine.stateMachineArn);
    token = page.nextToken;
  } while (token);
  return byName;
}

/** `found`: project → ARN; `missing`: projects whose state machine no config names and none is called so. */
export async function resolveStateMachines(projects, makeSfn) {
  const unnamed = projects.filter((p) => !p.stateMachineArn);
  const byName = unnamed.length > 0 ? await stateMachinesByName(makeSfn()) : new Map();
  const found = [];
  const missing = [];
  for (const p of projects) {
    const arn = p.stateMachineArn ?? byName.get(p.stateMachineName);
    if (arn) found.push({ project: p.name, arn });
    else missing.push({ project: p.name, state_machine_name: p.stateMachineName });
  }
  return { found, missing };
}
