import { makeNotice } from '../../../test/fixtures/events/factories';
import { renderPipelineEmail } from './pipeline-email';

describe('renderPipelineEmail', () => {
  it('names project, status and execution in the subject', () => {
    expect(renderPipelineEmail(makeNotice()).subject).toBe('[recsys] pipeline FAILED — sched-recsys-20261123T030000');
    expect(renderPipelineEmail(makeNotice({ status: 'SUCCEEDED' })).subject).toBe(
      '[recsys] pipeline SUCCEEDED — sched-recsys-20261123T030000',
    );
  });

  it('marks a redriven execution in the subject and the body', () => {
    const email = renderPipelineEmail(makeNotice({ redrive_count: 1 }));
    expect(email.subject).toBe('[recsys] pipeline FAILED — sched-recsys-20261123T030000 (redrive 1)');
    expect(email.text).toMatch(/^Redrive:\s+1$/m);
  });

  it('lists project, config version, status, times, duration, error and logs in the text', () => {
    const { text } = renderPipelineEmail(makeNotice());
    expect(text).toContain('Pipeline FAILED: recsys');
    expect(text).toMatch(/^Project:\s+recsys \(config 1\.0\.0\)$/m);
    expect(text).toMatch(/^Status:\s+FAILED$/m);
    expect(text).toMatch(/^Started:\s+2026-11-23 03:00:00 UTC$/m);
    expect(text).toMatch(/^Stopped:\s+2026-11-23 03:10:12 UTC$/m);
    expect(text).toMatch(/^Duration:\s+10m 12s$/m);
    expect(text).toMatch(/^Error:\s+States\.TaskFailed$/m);
    expect(text).toContain('CloudWatch log group /ecs/recsys');
    expect(text).toContain(
      'https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/arn:aws:states:us-east-1:123456789012:execution:recsys-workflow:sched-recsys-20261123T030000',
    );
    expect(text).toContain('https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Fecs$252Frecsys');
  });

  it('pretty-prints a JSON cause and keeps a plain one as written', () => {
    const json = renderPipelineEmail(makeNotice()).text;
    expect(json).toContain('Cause:\n  {\n    "Attempts": [');
    expect(json).toContain('      "StatusReason": "Essential container in task exited"');
    const plain = renderPipelineEmail(makeNotice({ cause: 'The execution timed out after 3600 seconds' })).text;
    expect(plain).toContain('Cause:\n  The execution timed out after 3600 seconds');
  });

  it('escapes everything it puts in HTML', () => {
    const { html } = renderPipelineEmail(
      makeNotice({ execution_name: '<script>alert(1)</script>', error: 'a & b', cause: '{"msg": "<b>\\"quoted\\"</b>"}' }),
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<code>a &amp; b</code>');
    expect(html).toContain('&lt;b&gt;\\&quot;quoted\\&quot;&lt;/b&gt;');
  });

  it('links the console and the log group in HTML', () => {
    const { html } = renderPipelineEmail(makeNotice());
    expect(html).toContain('<a href="https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/arn:aws:states');
    expect(html).toContain('>/ecs/recsys</a>');
  });

  it('shows the output of a successful run and no error', () => {
    const email = renderPipelineEmail(
      makeNotice({ status: 'SUCCEEDED', error: null, cause: null, output: '{"scored_rows": 1843221, "model_version": "2"}' }),
    );
    expect(email.text).toContain('Output:\n  {\n    "scored_rows": 1843221,');
    expect(email.text).not.toContain('Error:');
    expect(email.html).toContain('#067647');
  });

  it('names the failing step when the execution history told it', () => {
    const email = renderPipelineEmail(
      makeNotice({ failed_state: { name: 'Score Model', error: 'States.TaskFailed', cause: '{"ExitCode": 1}' } }),
    );
    expect(email.text).toMatch(/^Failed step:\s+Score Model$/m);
    expect(email.text).toContain('Cause:\n  {\n    "ExitCode": 1\n  }');
    expect(email.html).toContain('<strong>Score Model</strong>');
  });

  it('omits times it does not know and keeps subjects on one line', () => {
    const email = renderPipelineEmail(makeNotice({ stop_date: null, status: 'ABORTED', execution_name: 'a\r\nBcc: x@y.z' }));
    expect(email.text).not.toContain('Duration:');
    expect(email.text).not.toContain('Stopped:');
    expect(email.subject).toBe('[recsys] pipeline ABORTED — a Bcc: x@y.z');
  });

  it('truncates a huge cause', () => {
    const email = renderPipelineEmail(makeNotice({ cause: 'x'.repeat(50_000) }));
    expect(email.text.length).toBeLessThan(6000);
    expect(email.text).toContain('…');
  });
});
