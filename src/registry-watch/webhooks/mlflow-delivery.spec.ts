import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DRIFT_CHECK_EVENTS, modelToCheck, parseMlflowDelivery } from './mlflow-delivery';

const captured = JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/mlflow3/webhook-deliveries.json'), 'utf8')) as {
  deliveries: { body: string }[];
};

describe('parseMlflowDelivery and modelToCheck', () => {
  it('reads every captured delivery and asks for a check of its model', () => {
    expect(captured.deliveries.map((d) => parseMlflowDelivery(d.body))).toEqual([
      { event: 'model_version.created', model: 'example_model' },
      { event: 'model_version_alias.created', model: 'cap-model' },
      { event: 'model_version.created', model: 'cap-model' },
      { event: 'model_version_alias.created', model: 'cap-model' },
      { event: 'model_version_tag.set', model: 'cap-model' },
      { event: 'model_version_alias.deleted', model: 'cap-model' },
      { event: 'registered_model.created', model: 'cap-model-2' },
    ]);
    expect(captured.deliveries.map((d) => modelToCheck(parseMlflowDelivery(d.body)!))).toEqual([
      'example_model',
      'cap-model',
      'cap-model',
      'cap-model',
      'cap-model',
      'cap-model',
      'cap-model-2',
    ]);
  });

  it('asks for a check after exactly the six registry events', () => {
    expect([...DRIFT_CHECK_EVENTS].sort()).toEqual(
      ['model_version.created', 'model_version_alias.created', 'model_version_alias.deleted', 'model_version_tag.deleted', 'model_version_tag.set', 'registered_model.created'].sort(),
    );
    for (const event of ['prompt.created', 'prompt_alias.created', 'budget_policy.exceeded', 'model_version.updated']) {
      const [entity, action] = event.split('.');
      const delivery = parseMlflowDelivery(JSON.stringify({ entity, action, data: { name: 'recsys' } }))!;
      expect(delivery).toEqual({ event, model: 'recsys' });
      expect(modelToCheck(delivery)).toBeUndefined();
    }
  });

  it('keeps the event but no model when data names none usable', () => {
    for (const data of [undefined, null, {}, { name: '' }, { name: 7 }, { name: 'm'.repeat(257) }, 'recsys']) {
      const delivery = parseMlflowDelivery(JSON.stringify({ entity: 'model_version', action: 'created', data }))!;
      expect(delivery).toEqual({ event: 'model_version.created' });
      expect(modelToCheck(delivery)).toBeUndefined();
    }
  });

  it.each([
    ['not JSON', '{"entity": '],
    ['an array', '[]'],
    ['null', 'null'],
    ['no entity', '{"action": "created", "data": {"name": "m"}}'],
    ['an upper-case entity', '{"entity": "MODEL_VERSION", "action": "created"}'],
    ['a numeric action', '{"entity": "model_version", "action": 1}'],
    ['an entity with a dot', '{"entity": "model.version", "action": "created"}'],
  ])('answers undefined for %s', (_, body) => {
    expect(parseMlflowDelivery(body)).toBeUndefined();
  });
});
