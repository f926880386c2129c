import { makeNotice } from '../../../test/fixtures/events/factories';
import { escapeMrkdwn, renderPipelineSlack } from './pipeline-slack';

type Block = { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text: string }[] };

describe('renderPipelineSlack', () => {
  it('has a fallback text, a header, fields, the error and links', () => {
    const message = renderPipelineSlack(makeNotice());
    expect(message.text).toBe(':red_circle: [recsys] pipeline FAILED — sched-recsys-20261123T030000');
    const blocks = message.blocks as Block[];
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(blocks[0].text!.text).toBe('Pipeline FAILED: recsys');
    const fields = blocks[1].fields!.map((f) => f.text);
    expect(fields).toContain('*Project*\nrecsys (config 1.0.0)');
    expect(fields).toContain('*Duration*\n10m 12s');
    expect(fields.find((f) => f.startsWith('*Execution*'))).toMatch(/^\*Execution\*\n<https:\/\/us-east-1\.console\.aws\.amazon\.com\/states\/.*\|sched-recsys-20261123T030000>$/);
    expect(blocks[2].text!.text).toContain('*Error:* `States.TaskFailed`');
    expect(blocks[2].text!.text).toContain('```{\n  "Attempts": [');
    expect(blocks[3].elements![0].text).toContain('Logs: <https://us-east-1.console.aws.amazon.com/cloudwatch/');
    expect(blocks[3].elements![0].text).toContain('|/ecs/recsys>');
  });

  it('escapes mrkdwn control characters in values', () => {
    expect(escapeMrkdwn('<!channel> & <http://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;http://x|y&gt;');
    const message = renderPipelineSlack(makeNotice({ error: '<!here>', execution_name: 'a|b>c' }));
    const json = JSON.stringify(message);
    expect(json).not.toContain('<!here>');
    expect(json).toContain('&lt;!here&gt;');
  });

  it('stays within Slack limits for a huge cause', () => {
    const message = renderPipelineSlack(makeNotice({ cause: '`'.repeat(3) + 'y'.repeat(10_000) }));
    for (const block of message.blocks as Block[]) {
      if (block.type === 'section' && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
  });

  it('shows success in green without an error section', () => {
    const message = renderPipelineSlack(makeNotice({ status: 'SUCCEEDED', error: null, cause: null, output: null }));
    expect(message.text.startsWith(':large_green_circle:')).toBe(true);
    expect((message.blocks as Block[]).map((b) => b.type)).toEqual(['header', 'section', 'context']);
  });
});
