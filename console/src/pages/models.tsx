import { get, withQuery } from '../api';
import { Pending, Section } from '../components/common';
import { formatTime } from '../format';
import { useLoad } from '../hooks';
import { Link, seg } from '../router';
import type { Drift, Page, ProjectSummary, RegisteredModel, Stage } from '../types';

async function load(): Promise<{ models: RegisteredModel[]; projectOf: Map<string, string>; drifted: Map<string, number> }> {
  const [models, projects, open] = await Promise.all([
    get<Page<RegisteredModel>>('/models', { max_results: 1000 }),
    get<Page<ProjectSummary>>('/projects', { max_results: 1000 }),
    get<Page<Drift>>('/drift', { status: 'open', max_results: 1000 }),
  ]);
  const drifted = new Map<string, number>();
  for (const d of open.items) drifted.set(d.model, (drifted.get(d.model) ?? 0) + 1);
  return { models: models.items, projectOf: new Map(projects.items.map((p) => [p.model_name, p.name])), drifted };
}

const versionIn = (m: RegisteredModel, stage: Stage) => m.latest_versions.find((v) => v.stage === stage)?.version ?? '—';

/** Every registered model, with the project that claims it and what is in Staging and Production. */
export function ModelsPage() {
  const page = useLoad(load, []);
  if (!page.data) return <Pending load={page} what="the models" />;
  const { models, projectOf, drifted } = page.data;
  return (
    <>
      <h1>Models</h1>
      <Section title={`Registered models (${models.length})`}>
        <table>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Project</th>
              <th scope="col">Production</th>
              <th scope="col">Staging</th>
              <th scope="col">Open drift</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.name}>
                <td>
                  <Link to={`/models/${seg(m.name)}`}>{m.name}</Link>
                </td>
                <td>{projectOf.get(m.name) ?? <span class="muted">none</span>}</td>
                <td>{versionIn(m, 'Production')}</td>
                <td>{versionIn(m, 'Staging')}</td>
                <td>{drifted.get(m.name) ? <Link to={withQuery('/drift', { status: 'open', project: projectOf.get(m.name) })}>{`${drifted.get(m.name)} open`}</Link> : '—'}</td>
                <td>{formatTime(m.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </>
  );
}
